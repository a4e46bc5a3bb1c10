"""Marks views that read a person's data, so a test can prove none skips the policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def reads_personal_data(view: F) -> F:
    """Declare that `view` shows a person's data and asks `oneteam.access.policy` before it does.

    The URL test requires every route with a `person_id` to carry this mark and
    checks, as a member of staff from another neighbourhood, that it refuses.
    """
    view.reads_personal_data = True  # type: ignore[attr-defined]
    return view
