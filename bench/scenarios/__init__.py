"""Page-timing scenarios for `bench/pages.py`: one module per capability.

A scenario makes sure its data exists in the benchmark database (adding it if
missing, never deleting the city) and says which page to fetch as whom. Add a
new capability's scenarios to `ALL`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oneteam.organisations.models import Staff


@dataclass(frozen=True)
class PageRequest:
    """One page to time: who asks, for what, and a note of the data size behind it."""

    staff: Staff
    path: str
    data_size: str
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageScenario:
    """A named page with a target; `prepare` makes its data (idempotently) and returns the request."""

    name: str
    target_p95_ms: float
    prepare: Callable[[], PageRequest]


def all_scenarios() -> list[PageScenario]:
    """Every scenario, imported lazily so Django is set up first."""
    from bench.scenarios import care, directory, mdt, outcomes, people, referrals, risk

    # Referrals first: their history gives the person pages a key worker and a caseload.
    return [
        *referrals.scenarios(),
        *people.scenarios(),
        *care.scenarios(),
        *directory.scenarios(),
        *risk.scenarios(),
        *mdt.scenarios(),
        *outcomes.scenarios(),
    ]
