"""Fixtures many apps' tests share: a neighbourhood, its front door, the care coordinator who works it, a person.

Registered for the whole run by the root conftest; a test module or an app's conftest that
needs something else defines its own fixture of the same name, which wins.
"""

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
def coordinator(home: Neighbourhood, front_door: Team) -> Staff:
    """A care coordinator in the neighbourhood's front-door team: they triage its referrals and chair its MDT."""
    staff = make_staff(home, profession=Profession.CARE_COORDINATOR)
    staff.teams.add(front_door)
    return staff


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")
