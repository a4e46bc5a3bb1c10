"""Fixtures for the care pages: a neighbourhood, a person, and the professionals who care for them."""

from __future__ import annotations

import pytest

from oneteam.care.seed import ensure_reference_data
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")


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
