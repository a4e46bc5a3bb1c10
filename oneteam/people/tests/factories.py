"""Factories for person records."""

from __future__ import annotations

import datetime
from itertools import count
from typing import Any

from oneteam.organisations.models import Neighbourhood
from oneteam.organisations.tests.factories import make_lsoa, make_practice
from oneteam.people.models import Person, Sex
from oneteam.people.nhs_number import check_digit

_stems = count(999_000_001)


def next_nhs_number() -> str:
    """A valid NHS number from the synthetic test range (999 000 0000 to 999 999 9999)."""
    while True:
        stem = str(next(_stems))
        digit = check_digit(stem)
        if digit is not None:
            return f"{stem}{digit}"


def make_person(
    neighbourhood: Neighbourhood,
    ward_neighbourhood: Neighbourhood | None = None,
    **fields: Any,
) -> Person:
    """A person registered with a practice in `neighbourhood`, living in a ward of `ward_neighbourhood`."""
    ward_neighbourhood = ward_neighbourhood or neighbourhood
    lsoa = make_lsoa(ward_neighbourhood)
    values: dict[str, Any] = {
        "nhs_number": next_nhs_number(),
        "given_name": "Alex",
        "family_name": "Morgan",
        "date_of_birth": datetime.date(1941, 3, 27),
        "sex": Sex.FEMALE,
        "address_line_1": "1 Mill Road",
        "town": "Oneteam City",
        "postcode": "OT1 2AB",
        "lsoa": lsoa,
        "ward": lsoa.ward,
        "gp_practice": make_practice(neighbourhood),
        "practice_neighbourhood": neighbourhood,
        "ward_neighbourhood": ward_neighbourhood,
    }
    values.update(fields)
    return Person.objects.create(**values)


def make_person_outside_the_area(**fields: Any) -> Person:
    """A person registered and living outside the area, with no GP practice OneTeam knows (ADR 14)."""
    values: dict[str, Any] = {
        "nhs_number": next_nhs_number(),
        "given_name": "Harriet",
        "family_name": "Rowe",
        "date_of_birth": datetime.date(1938, 2, 14),
        "sex": Sex.FEMALE,
        "address_line_1": "12 Harbour View",
        "town": "Whitby",
        "postcode": "YO21 3PU",
    }
    values.update(fields)
    return Person.objects.create(**values)
