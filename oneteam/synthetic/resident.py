"""One synthetic resident's story, built up by the generators before any row is written.

A chunk of residents is synthesised in memory (demographics, then conditions,
hospital stays, care, contacts and alerts, each by its own generator with its
own random stream) and then turned into rows for each table.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from . import codes
from .codes import Concept
from .geography import LsoaPlace
from .names import Heritage
from .organisations import OrganisationPlace

# Lower bounds of the age bands the models are written for: 0–17, 18–39, 40–59, 60–74, 75–84, 85+.
AGE_BANDS = (0, 18, 40, 60, 75, 85)


# Conditions that on their own usually mean someone needs help with daily life.
SUPPORT_NEEDING = (
    codes.DEMENTIA,
    codes.STROKE,
    codes.PARKINSONS_DISEASE,
    codes.FRAILTY,
    codes.INTELLECTUAL_DISABILITY,
    codes.HEART_FAILURE,
)


def age_band(age: int) -> int:
    """The index into AGE_BANDS for `age`."""
    return bisect_right(AGE_BANDS, age) - 1


class RecordedCondition(NamedTuple):
    concept: Concept
    recorded_on: datetime.date


class Admission(NamedTuple):
    hospital_id: int
    method: str
    admitted_on: datetime.date
    discharged_on: datetime.date | None


class CareArrangement(NamedTuple):
    kind: str
    hours_per_week: Decimal | None
    started_on: datetime.date
    ended_on: datetime.date | None


class Contact(NamedTuple):
    name: str
    relationship: str
    phone: str
    is_carer: bool
    is_next_of_kin: bool


class Alert(NamedTuple):
    kind: str
    detail: str
    raised_on: datetime.date
    active: bool


@dataclass(slots=True)
class Resident:
    id: int
    nhs_number: str
    sex: str
    female: bool
    date_of_birth: datetime.date
    age: int
    # The last day anything can happen to the resident: the day of death, or the as-of date.
    last_day: datetime.date
    died_on: datetime.date | None
    lsoa: LsoaPlace
    practice: OrganisationPlace
    ethnic_category: str
    heritage: Heritage
    given_name: str
    family_name: str
    gender_identity: str
    address_line_1: str
    address_line_2: str
    postcode: str
    lives_alone: bool
    preferred_language: str
    interpreter_needed: bool
    # How prone this person is to illness compared with others of their age (1 is average).
    frailty: float
    conditions: list[RecordedCondition] = field(default_factory=list)
    repeat_medication_count: int = 0
    communication_needs: str = ""
    admissions: list[Admission] = field(default_factory=list)
    care: list[CareArrangement] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def band(self) -> int:
        return age_band(self.age)

    @property
    def decile(self) -> int:
        return self.lsoa.imd_decile

    def ending(self, day: datetime.date) -> datetime.date | None:
        """When something planned to end on `day` ends: then, or at death if sooner, or not yet (None)."""
        return day if day <= self.last_day else self.died_on

    def has(self, concept: Concept) -> bool:
        """Whether the resident has `concept` recorded."""
        return any(condition.concept == concept for condition in self.conditions)

    def needs_support(self) -> bool:
        """Whether day-to-day life likely depends on help from others: the people carers and care packages are for."""
        return len(self.conditions) >= 6 or any(self.has(concept) for concept in SUPPORT_NEEDING)
