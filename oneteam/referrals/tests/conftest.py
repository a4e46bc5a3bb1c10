"""Fixtures for the referral pages; the neighbourhood, its front door and a person are the shared ones
(tests/fixtures.py).
"""

from __future__ import annotations

import pytest

from oneteam.organisations.models import Staff


@pytest.fixture
def triager(coordinator: Staff) -> Staff:
    """The care coordinator who works the front-door queue."""
    return coordinator
