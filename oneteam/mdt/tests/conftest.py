"""Fixtures for MDT tests: a neighbourhood with its front door, a care coordinator who chairs, and sign-in."""

from __future__ import annotations

import pytest

from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.referrals.tests.factories import make_front_door


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def front_door(home: Neighbourhood) -> Team:
    return make_front_door(home)


@pytest.fixture
def chair(home: Neighbourhood, front_door: Team) -> Staff:
    """A care coordinator in the neighbourhood's front-door team, who chairs its MDT."""
    staff = make_staff(home, profession=Profession.CARE_COORDINATOR)
    staff.teams.add(front_door)
    return staff
