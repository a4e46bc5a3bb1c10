"""The electronic Frailty Index (Clegg et al. 2016) as plain calculations, with no database.

The index counts how many of 36 deficits a person aged 65 or over has; the
score is that count divided by 36. Which codes make up each deficit is data
(`codelists/efi-v1.json`, read by `codelist.py`); the rules here are the
published ones and are tested by table.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

DEFICITS = 36
MINIMUM_AGE = 65
POLYPHARMACY_MEDICINES = 5


class Category(StrEnum):
    """The eFI categories, in order of frailty."""

    FIT = "fit"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"

    @property
    def label(self) -> str:
        return {"fit": "Fit", "mild": "Mild frailty", "moderate": "Moderate frailty", "severe": "Severe frailty"}[
            self.value
        ]


# The fewest deficits in each category: fit 0–4, mild 5–8, moderate 9–12, severe 13 or more.
CATEGORY_FROM = ((13, Category.SEVERE), (9, Category.MODERATE), (5, Category.MILD), (0, Category.FIT))


def category(deficits: int) -> Category:
    """The eFI category for a number of deficits."""
    if not 0 <= deficits <= DEFICITS:
        raise ValueError(f"an eFI counts 0 to {DEFICITS} deficits, not {deficits}")
    return next(name for lowest, name in CATEGORY_FROM if deficits >= lowest)


def score(deficits: int) -> float:
    """The eFI score: the share of the 36 deficits present."""
    category(deficits)  # the same range check
    return deficits / DEFICITS


def has_polypharmacy(repeat_medicines: int) -> bool:
    """Polypharmacy is a deficit from 5 repeat medicines."""
    return repeat_medicines >= POLYPHARMACY_MEDICINES


def eligible(date_of_birth: datetime.date, on: datetime.date) -> bool:
    """Whether a person is old enough on `on` to have an eFI (65 or over)."""
    return date_of_birth <= sixty_fifth_birthday_cutoff(on)


def sixty_fifth_birthday_cutoff(on: datetime.date) -> datetime.date:
    """The latest date of birth of someone aged 65 on `on` (29 February births turn 65 on 1 March)."""
    try:
        return on.replace(year=on.year - MINIMUM_AGE)
    except ValueError:  # `on` is 29 February and the year 65 years ago was not a leap year
        return on.replace(year=on.year - MINIMUM_AGE, day=28)
