"""Fixtures for the referral pages: a neighbourhood with its front door, the people who work it, and sign-in."""

from __future__ import annotations

import pytest

from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def front_door(home: Neighbourhood) -> Team:
    return make_front_door(home)


@pytest.fixture
def triager(home: Neighbourhood, front_door: Team) -> Staff:
    """A care coordinator who works the front-door queue."""
    staff = make_staff(home, profession=Profession.CARE_COORDINATOR)
    staff.teams.add(front_door)
    return staff


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")
