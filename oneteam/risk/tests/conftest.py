"""Fixtures for the risk tests: a neighbourhood, the people who work in it, and people with coded records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_lsoa, make_neighbourhood, make_staff
from oneteam.people.models import Condition, Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door
from oneteam.synthetic.codes import Concept

AS_OF = datetime.date(2026, 11, 23)
OLDER = datetime.date(1940, 5, 1)
YOUNGER = datetime.date(1970, 5, 1)


@pytest.fixture
def home() -> Neighbourhood:
    neighbourhood = make_neighbourhood("N2")
    make_front_door(neighbourhood)
    return neighbourhood


@pytest.fixture
def matron(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.COMMUNITY_MATRON)


def resident(neighbourhood: Neighbourhood, *, decile: int = 5, **fields: Any) -> Person:
    """A person aged 86 on AS_OF unless told otherwise, in an area of the given deprivation decile."""
    lsoa = make_lsoa(neighbourhood, imd_decile=decile)
    fields.setdefault("date_of_birth", OLDER)
    return make_person(neighbourhood, lsoa=lsoa, ward=lsoa.ward, **fields)


def code(person: Person, *concepts: Concept, recorded_on: datetime.date = datetime.date(2020, 1, 1)) -> None:
    """Record conditions for `person`."""
    Condition.objects.bulk_create(
        Condition(person=person, snomed_code=c.code, term=c.term, recorded_on=recorded_on) for c in concepts
    )
