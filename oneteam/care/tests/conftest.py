"""Fixtures for the care pages: the professionals who care for the shared person (tests/fixtures.py)."""

from __future__ import annotations

import pytest

from oneteam.care.seed import ensure_reference_data
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff


@pytest.fixture
def nurse(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.DISTRICT_NURSE)


@pytest.fixture
def social_worker(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.SOCIAL_WORKER)


@pytest.fixture(autouse=True)
def reference_data(db: None) -> None:
    """The shipped templates, service types and role guide: a transactional test elsewhere may have flushed them."""
    ensure_reference_data()
