"""The proactive-care priority: a sum of points, one amount per plain fact, with weights the team can see.

No black box. `breakdown` lists each fact that earned points and how many, in
words; `sql` is the same sum as an SQL expression so a whole population is
scored in one statement. Both read the same `FACTORS` table, and a test checks
they agree for every person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Protocol

from .efi import Category

# The fewest deprivation decile counted as "most deprived 20% of areas" is decile 1; the most is decile 2.
MOST_DEPRIVED_DECILE = 2
DAYS_IN_WEEK = 7


@dataclass(frozen=True)
class Weights:
    """Points for each fact. Field names match `PriorityWeights`."""

    emergency_admission: int = 3
    bed_week: int = 1
    lives_alone: int = 2
    has_carer: int = 1
    most_deprived: int = 2
    recent_fall: int = 3
    not_known: int = 2
    mild_frailty: int = 1
    moderate_frailty: int = 3
    severe_frailty: int = 5

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def of(cls, source: object) -> Weights:
        """The weights held by a `PriorityWeights` row (or anything with the same attributes)."""
        return cls(**{name: int(getattr(source, name)) for name in cls.names()})


DEFAULT = Weights()


class Facts(Protocol):
    """What the priority is worked out from (a `PersonRisk` row)."""

    category: str
    emergency_admissions: int
    bed_days: int
    lives_alone: bool
    has_carer: bool
    imd_decile: int
    recent_fall: bool
    known_to_team: bool


@dataclass(frozen=True)
class Factor:
    """A weight, the multiplier it applies to (1 or 0 for a yes/no fact) in Python and SQL, and its words."""

    weight: str
    count: Callable[[Facts], int]
    sql: str
    words: Callable[[Facts], str]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _flag(column: str) -> str:
    """A yes/no column as 1 or 0 (SQLite stores booleans as integers, PostgreSQL does not)."""
    return f"(CASE WHEN {column} THEN 1 ELSE 0 END)"


def _frailty(category: Category) -> Factor:
    return Factor(
        f"{category.value}_frailty",
        lambda f: int(f.category == category.value),
        f"(CASE WHEN {{t}}.category = '{category.value}' THEN 1 ELSE 0 END)",
        lambda f: category.label.lower(),
    )


FACTORS = (
    Factor(
        "emergency_admission",
        lambda f: f.emergency_admissions,
        "{t}.emergency_admissions",
        lambda f: f"{_plural(f.emergency_admissions, 'emergency admission')} in 12 months",
    ),
    Factor(
        "bed_week",
        lambda f: f.bed_days // DAYS_IN_WEEK,
        f"({{t}}.bed_days / {DAYS_IN_WEEK})",
        lambda f: f"{_plural(f.bed_days // DAYS_IN_WEEK, 'full week')} in hospital after them",
    ),
    Factor("lives_alone", lambda f: int(f.lives_alone), _flag("{t}.lives_alone"), lambda f: "lives alone"),
    Factor("has_carer", lambda f: int(f.has_carer), _flag("{t}.has_carer"), lambda f: "relies on an unpaid carer"),
    Factor(
        "most_deprived",
        lambda f: int(f.imd_decile <= MOST_DEPRIVED_DECILE),
        f"(CASE WHEN {{t}}.imd_decile <= {MOST_DEPRIVED_DECILE} THEN 1 ELSE 0 END)",
        lambda f: f"lives in one of the most deprived 20% of areas (decile {f.imd_decile})",
    ),
    Factor("recent_fall", lambda f: int(f.recent_fall), _flag("{t}.recent_fall"), lambda f: "a fall in 12 months"),
    Factor(
        "not_known",
        lambda f: int(not f.known_to_team),
        "(CASE WHEN {t}.known_to_team THEN 0 ELSE 1 END)",
        lambda f: "not yet known to the team",
    ),
    _frailty(Category.MILD),
    _frailty(Category.MODERATE),
    _frailty(Category.SEVERE),
)
assert [factor.weight for factor in FACTORS] == Weights.names(), "every weight has exactly one factor"


@dataclass(frozen=True)
class Points:
    """One fact that earned points."""

    words: str
    points: int


def breakdown(facts: Facts, weights: Weights) -> list[Points]:
    """The facts that earned points, in the order the weights are listed, with their points."""
    earned = []
    for factor in FACTORS:
        points = getattr(weights, factor.weight) * factor.count(facts)
        if points:
            earned.append(Points(factor.words(facts), points))
    return earned


def total(facts: Facts, weights: Weights) -> int:
    """The priority: the sum of the breakdown."""
    return sum(item.points for item in breakdown(facts, weights))


def _sum_sql(weights: Weights, table: str) -> str:
    terms = [f"{int(getattr(weights, f.weight))} * {f.sql.format(t=table)}" for f in FACTORS]
    return "(" + " + ".join(terms) + ")"


def sql(default: Weights, by_neighbourhood: Mapping[int, Weights], table: str) -> str:
    """The priority of a row of `table` as one SQL expression, using its practice neighbourhood's weights.

    Weights are whole numbers written into the statement (they are read from the
    database and passed through int()), so nothing typed by anyone reaches the SQL.
    """
    if not by_neighbourhood:
        return _sum_sql(default, table)
    branches = " ".join(
        f"WHEN {int(neighbourhood)} THEN {_sum_sql(weights, table)}"
        for neighbourhood, weights in sorted(by_neighbourhood.items())
    )
    return f"(CASE {table}.practice_neighbourhood_id {branches} ELSE {_sum_sql(default, table)} END)"
