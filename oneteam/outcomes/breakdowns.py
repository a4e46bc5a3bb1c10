"""The ways every measure is broken down: who the people counted are, as one SQL expression each.

Each breakdown is worked out from the person a counted record belongs to, so
the same definitions serve admissions, referrals and residents alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from oneteam.people.models import EthnicCategory as E

ALL_RESIDENTS = "All residents"
# People registered or living outside the area have no neighbourhood, locality or area deprivation (ADR 14).
OUTSIDE_THE_AREA = "Outside the area"

# Broad ethnic groups (the census's five), from the NHS Data Dictionary codes.
ETHNIC_GROUPS = (
    ("White", (E.WHITE_BRITISH, E.WHITE_IRISH, E.WHITE_OTHER)),
    (
        "Mixed or multiple",
        (E.MIXED_WHITE_BLACK_CARIBBEAN, E.MIXED_WHITE_BLACK_AFRICAN, E.MIXED_WHITE_ASIAN, E.MIXED_OTHER),
    ),
    ("Asian or Asian British", (E.ASIAN_INDIAN, E.ASIAN_PAKISTANI, E.ASIAN_BANGLADESHI, E.ASIAN_OTHER)),
    ("Black or Black British", (E.BLACK_CARIBBEAN, E.BLACK_AFRICAN, E.BLACK_OTHER)),
    ("Other ethnic group", (E.CHINESE, E.OTHER)),
)
NOT_STATED = "Not stated"
# Deprivation deciles (1 = most deprived) paired into quintiles.
QUINTILES = (
    (2, "1 – most deprived"),
    (4, "2"),
    (6, "3"),
    (8, "4"),
)
LEAST_DEPRIVED = "5 – least deprived"
# Age bands: (youngest age in the band, label), oldest band first.
AGE_BANDS = ((85, "85 and over"), (75, "75 to 84"), (65, "65 to 74"), (18, "18 to 64"))
CHILDREN = "0 to 17"


def _at(person: str, field: str) -> str:
    """The lookup from a counted record to a field of its person ('' when the record is the person)."""
    return f"{person}__{field}" if person else field


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Breakdown:
    """A way to group people: its key (in URLs and CSV files), its name, and its expression."""

    key: str
    name: str
    expression: Callable[[str, datetime.date], Combinable]
    # The order groups are listed in (others follow, alphabetically).
    order: tuple[str, ...] = ()


def _everyone(person: str, as_of: datetime.date) -> Combinable:
    return Value(ALL_RESIDENTS, output_field=CharField())


def _neighbourhood(person: str, as_of: datetime.date) -> Combinable:
    return Coalesce(F(_at(person, "practice_neighbourhood__name")), Value(OUTSIDE_THE_AREA))


def _locality(person: str, as_of: datetime.date) -> Combinable:
    return Coalesce(F(_at(person, "practice_neighbourhood__locality__name")), Value(OUTSIDE_THE_AREA))


def _deprivation(person: str, as_of: datetime.date) -> Combinable:
    decile = _at(person, "lsoa__imd_decile")
    whens = [When(Q(**{f"{decile}__isnull": True}), then=Value(OUTSIDE_THE_AREA))]
    whens += [When(Q(**{f"{decile}__lte": highest}), then=Value(label)) for highest, label in QUINTILES]
    return Case(*whens, default=Value(LEAST_DEPRIVED), output_field=CharField())


def _ethnicity(person: str, as_of: datetime.date) -> Combinable:
    category = _at(person, "ethnic_category")
    whens = [When(Q(**{f"{category}__in": codes}), then=Value(group)) for group, codes in ETHNIC_GROUPS]
    return Case(*whens, default=Value(NOT_STATED), output_field=CharField())


def _age(person: str, as_of: datetime.date) -> Combinable:
    born = _at(person, "date_of_birth")
    whens = [
        When(Q(**{f"{born}__lte": _years_before(as_of, youngest)}), then=Value(label)) for youngest, label in AGE_BANDS
    ]
    return Case(*whens, default=Value(CHILDREN), output_field=CharField())


BREAKDOWNS = {
    breakdown.key: breakdown
    for breakdown in (
        Breakdown("all", "Whole city", _everyone),
        Breakdown("neighbourhood", "Neighbourhood", _neighbourhood),
        Breakdown("locality", "Locality", _locality),
        Breakdown(
            "deprivation",
            "Deprivation quintile",
            _deprivation,
            (*(label for _, label in QUINTILES), LEAST_DEPRIVED, OUTSIDE_THE_AREA),
        ),
        Breakdown("ethnicity", "Ethnic group", _ethnicity, (*(group for group, _ in ETHNIC_GROUPS), NOT_STATED)),
        Breakdown("age", "Age band", _age, (CHILDREN, *(label for _, label in reversed(AGE_BANDS)))),
    )
}
