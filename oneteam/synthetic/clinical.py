"""Long-term conditions, hospital stays and social-care packages.

The rates below are modelling choices, tuned so the full city of 550,000 has
about two million coded conditions and 300,000 hospital episodes in three
years. They follow the familiar shape of English data: illness rises steeply
with age, and people in deprived areas become ill younger and are admitted
more often.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from oneteam.people.models import AdmissionMethod, CarePackage, CarePackageKind, Condition, HospitalAdmission

from . import codes
from .codes import Concept
from .organisations import Partners
from .resident import Admission, CareArrangement, RecordedCondition, Resident
from .sampling import Weighted, chance, day_between, poisson, years_before
from .writer import Row, Table

CONDITION = Table(Condition, ("id", "person", "snomed_code", "term", "recorded_on"))
ADMISSION = Table(HospitalAdmission, ("id", "person", "hospital", "method", "admitted_on", "discharged_on"))
CARE_PACKAGE = Table(CarePackage, ("id", "person", "kind", "hours_per_week", "started_on", "ended_on"))


@dataclass(frozen=True)
class ConditionModel:
    """How common a condition is at each age, and how many repeat medicines it usually brings."""

    concept: Concept
    # Share of people with the condition recorded, by AGE_BANDS (0–17, 18–39, 40–59, 60–74, 75–84, 85+).
    prevalence: tuple[float, float, float, float, float, float]
    medicines: float
    female: float = 1.0
    male: float = 1.0


C = codes
LONG_TERM_CONDITIONS = (
    ConditionModel(C.HYPERTENSION, (0.001, 0.04, 0.2, 0.45, 0.62, 0.68), 1.4),
    ConditionModel(C.TYPE_2_DIABETES, (0.0005, 0.015, 0.08, 0.16, 0.2, 0.18), 2.2),
    ConditionModel(C.TYPE_1_DIABETES, (0.002, 0.004, 0.004, 0.003, 0.002, 0.001), 2.0),
    ConditionModel(C.PREDIABETES, (0.0, 0.02, 0.09, 0.15, 0.15, 0.1), 0.0),
    ConditionModel(C.HYPERLIPIDAEMIA, (0.0, 0.025, 0.16, 0.27, 0.26, 0.18), 1.0),
    ConditionModel(C.OBESITY, (0.06, 0.18, 0.26, 0.24, 0.16, 0.07), 0.1),
    ConditionModel(C.HYPOTHYROIDISM, (0.001, 0.015, 0.04, 0.07, 0.09, 0.1), 1.0, female=1.7, male=0.3),
    ConditionModel(C.VITAMIN_D_DEFICIENCY, (0.04, 0.12, 0.12, 0.11, 0.12, 0.13), 0.6),
    ConditionModel(C.ASTHMA, (0.12, 0.18, 0.16, 0.15, 0.14, 0.13), 1.8),
    ConditionModel(C.COPD, (0.0, 0.002, 0.018, 0.07, 0.1, 0.1), 2.5),
    ConditionModel(C.ALLERGIC_RHINITIS, (0.09, 0.18, 0.14, 0.09, 0.05, 0.04), 0.4),
    ConditionModel(C.ATRIAL_FIBRILLATION, (0.0, 0.001, 0.01, 0.06, 0.13, 0.19), 1.6),
    ConditionModel(C.HEART_FAILURE, (0.0, 0.0005, 0.005, 0.025, 0.07, 0.12), 3.0),
    ConditionModel(C.ISCHAEMIC_HEART_DISEASE, (0.0, 0.001, 0.03, 0.1, 0.16, 0.19), 2.5, female=0.7, male=1.3),
    ConditionModel(C.PERIPHERAL_VASCULAR_DISEASE, (0.0, 0.0, 0.004, 0.018, 0.04, 0.05), 1.0),
    ConditionModel(C.STROKE, (0.0, 0.001, 0.007, 0.03, 0.07, 0.1), 1.8),
    ConditionModel(C.TRANSIENT_ISCHAEMIC_ATTACK, (0.0, 0.0005, 0.004, 0.018, 0.04, 0.05), 1.2),
    ConditionModel(C.VARICOSE_VEINS, (0.0, 0.01, 0.04, 0.07, 0.09, 0.1), 0.0, female=1.4, male=0.6),
    ConditionModel(C.ANAEMIA, (0.005, 0.03, 0.03, 0.05, 0.09, 0.13), 0.6, female=1.4, male=0.6),
    ConditionModel(C.CHRONIC_KIDNEY_DISEASE, (0.0, 0.001, 0.012, 0.07, 0.2, 0.32), 0.6),
    ConditionModel(C.URINARY_INCONTINENCE, (0.005, 0.01, 0.035, 0.09, 0.16, 0.26), 0.4, female=1.4, male=0.6),
    ConditionModel(C.BENIGN_PROSTATIC_HYPERPLASIA, (0.0, 0.0, 0.04, 0.24, 0.5, 0.6), 1.0, female=0.0, male=1.0),
    ConditionModel(C.DEMENTIA, (0.0, 0.0, 0.001, 0.013, 0.075, 0.21), 0.8),
    ConditionModel(C.PARKINSONS_DISEASE, (0.0, 0.0, 0.0006, 0.005, 0.012, 0.018), 2.2),
    ConditionModel(C.EPILEPSY, (0.005, 0.008, 0.009, 0.009, 0.009, 0.008), 1.4),
    ConditionModel(C.MIGRAINE, (0.02, 0.12, 0.11, 0.06, 0.035, 0.02), 0.5, female=1.5, male=0.5),
    ConditionModel(C.INTELLECTUAL_DISABILITY, (0.006, 0.006, 0.005, 0.003, 0.002, 0.001), 0.6),
    ConditionModel(C.AUTISM, (0.025, 0.015, 0.006, 0.003, 0.002, 0.001), 0.1, female=0.5, male=1.5),
    ConditionModel(C.ADHD, (0.035, 0.03, 0.01, 0.003, 0.001, 0.0), 0.6, female=0.6, male=1.4),
    ConditionModel(C.DEPRESSION, (0.02, 0.25, 0.28, 0.23, 0.18, 0.16), 0.9, female=1.3, male=0.7),
    ConditionModel(C.ANXIETY, (0.035, 0.22, 0.2, 0.14, 0.1, 0.09), 0.5, female=1.3, male=0.7),
    ConditionModel(C.SCHIZOPHRENIA, (0.0, 0.004, 0.006, 0.005, 0.004, 0.003), 1.5),
    ConditionModel(C.BIPOLAR_DISORDER, (0.0, 0.003, 0.004, 0.003, 0.002, 0.002), 1.6),
    ConditionModel(C.INSOMNIA, (0.005, 0.09, 0.12, 0.12, 0.13, 0.13), 0.3),
    ConditionModel(C.OSTEOARTHRITIS, (0.0, 0.015, 0.12, 0.3, 0.42, 0.46), 0.9),
    ConditionModel(C.OSTEOPOROSIS, (0.0, 0.001, 0.012, 0.07, 0.15, 0.24), 1.5, female=1.6, male=0.4),
    ConditionModel(C.OSTEOPENIA, (0.0, 0.002, 0.02, 0.08, 0.12, 0.12), 0.5, female=1.6, male=0.4),
    ConditionModel(C.RHEUMATOID_ARTHRITIS, (0.0, 0.002, 0.008, 0.015, 0.018, 0.018), 1.8, female=1.5, male=0.5),
    ConditionModel(C.GOUT, (0.0, 0.005, 0.025, 0.045, 0.055, 0.05), 0.7, female=0.4, male=1.6),
    ConditionModel(C.LOW_BACK_PAIN, (0.01, 0.2, 0.26, 0.24, 0.21, 0.18), 0.6),
    ConditionModel(C.SCIATICA, (0.0, 0.03, 0.06, 0.06, 0.05, 0.04), 0.4),
    ConditionModel(C.CHRONIC_PAIN, (0.0, 0.05, 0.1, 0.13, 0.14, 0.14), 1.2),
    ConditionModel(C.CARPAL_TUNNEL_SYNDROME, (0.0, 0.01, 0.04, 0.05, 0.04, 0.03), 0.0, female=1.5, male=0.5),
    ConditionModel(C.GORD, (0.005, 0.09, 0.17, 0.2, 0.2, 0.18), 0.9),
    ConditionModel(C.HIATUS_HERNIA, (0.0, 0.005, 0.03, 0.06, 0.08, 0.08), 0.3),
    ConditionModel(C.IRRITABLE_BOWEL_SYNDROME, (0.005, 0.1, 0.1, 0.08, 0.05, 0.04), 0.4, female=1.5, male=0.5),
    ConditionModel(C.DIVERTICULAR_DISEASE, (0.0, 0.002, 0.03, 0.09, 0.14, 0.16), 0.2),
    ConditionModel(C.ECZEMA, (0.16, 0.1, 0.08, 0.08, 0.08, 0.08), 0.8),
    ConditionModel(C.PSORIASIS, (0.005, 0.025, 0.035, 0.035, 0.03, 0.025), 0.8),
    ConditionModel(C.ACNE, (0.05, 0.1, 0.025, 0.005, 0.0, 0.0), 0.4),
    ConditionModel(C.PRESSURE_ULCER, (0.0, 0.0, 0.0005, 0.002, 0.008, 0.03), 0.5),
    ConditionModel(C.HEARING_LOSS, (0.006, 0.015, 0.06, 0.2, 0.38, 0.55), 0.0),
    ConditionModel(C.TINNITUS, (0.002, 0.02, 0.04, 0.06, 0.07, 0.07), 0.0),
    ConditionModel(C.VISUAL_IMPAIRMENT, (0.002, 0.003, 0.006, 0.02, 0.06, 0.13), 0.1),
    ConditionModel(C.CATARACT, (0.0, 0.0, 0.006, 0.06, 0.2, 0.3), 0.1),
    ConditionModel(C.GLAUCOMA, (0.0, 0.001, 0.006, 0.022, 0.045, 0.055), 1.0),
    ConditionModel(C.MACULAR_DEGENERATION, (0.0, 0.0, 0.0005, 0.01, 0.05, 0.12), 0.2),
    ConditionModel(C.BREAST_CANCER, (0.0, 0.001, 0.013, 0.035, 0.05, 0.05), 0.7, female=2.0, male=0.0),
    ConditionModel(C.PROSTATE_CANCER, (0.0, 0.0, 0.004, 0.05, 0.11, 0.13), 0.7, female=0.0, male=1.0),
    ConditionModel(C.COLON_CANCER, (0.0, 0.0, 0.002, 0.006, 0.012, 0.012), 0.3),
    ConditionModel(C.FALLS, (0.0, 0.002, 0.012, 0.05, 0.15, 0.3), 0.0),
    ConditionModel(C.FRAILTY, (0.0, 0.0, 0.002, 0.02, 0.08, 0.25), 0.3),
)
# A diagnosis that makes another redundant: nobody is coded as both prediabetic and diabetic.
SUPERSEDED_BY = {
    C.PREDIABETES: (C.TYPE_1_DIABETES, C.TYPE_2_DIABETES),
    C.TYPE_1_DIABETES: (C.TYPE_2_DIABETES,),
}
# People in the most deprived areas (decile 1) carry far more illness than those in the least (decile 10).
DEPRIVATION_FACTOR = (1.45, 1.35, 1.25, 1.15, 1.07, 1.0, 0.93, 0.87, 0.82, 0.78)
MAX_REPEAT_MEDICINES = 30
# The communication needs a condition can bring, each with the chance it is recorded (at most one per condition).
COMMUNICATION_NEEDS: tuple[tuple[Concept, tuple[tuple[str, float], ...]], ...] = (
    (
        C.HEARING_LOSS,
        (("Hearing loss – uses a hearing aid", 0.45), ("Hard of hearing – face them and speak clearly", 0.1)),
    ),
    (
        C.VISUAL_IMPAIRMENT,
        (("Prefers large print", 0.5), ("Registered blind – letters read aloud or sent as audio", 0.15)),
    ),
    (C.INTELLECTUAL_DISABILITY, (("Easy read information; allow extra time", 0.7),)),
    (C.AUTISM, (("Autistic – prefers written information and a quiet room", 0.3),)),
    (C.DEMENTIA, (("Dementia – short, simple questions; a relative helps at appointments", 0.35),)),
    (C.STROKE, (("Aphasia after a stroke – allow extra time, use yes/no questions", 0.15),)),
    (C.PARKINSONS_DISEASE, (("Quiet voice – reduce background noise and allow time", 0.15),)),
)


def _prevalence_table(band: int, decile: int, female: bool) -> list[tuple[Concept, float, float]]:
    factor = DEPRIVATION_FACTOR[decile - 1]
    return [
        (model.concept, model.prevalence[band] * factor * (model.female if female else model.male), model.medicines)
        for model in LONG_TERM_CONDITIONS
    ]


# Prepared once: (band, decile, female) → [(concept, chance before frailty, medicines)].
_PREVALENCE = {
    (band, decile, female): _prevalence_table(band, decile, female)
    for band in range(6)
    for decile in range(1, 11)
    for female in (False, True)
}


def diagnose(residents: Sequence[Resident], rng: random.Random) -> None:
    """Record each resident's long-term conditions, repeat medicines and the communication needs that follow."""
    for resident in residents:
        frailty = resident.frailty
        chosen = [
            (concept, medicines)
            for concept, probability, medicines in _PREVALENCE[resident.band, resident.decile, resident.female]
            if rng.random() < probability * frailty
        ]
        present = {concept for concept, _ in chosen}
        chosen = [(c, m) for c, m in chosen if not any(other in present for other in SUPERSEDED_BY.get(c, ()))]
        # Recorded at some point in the last twenty years (or since birth).
        history_years = min(resident.age + 0.5, 20.0)
        resident.conditions = [
            RecordedCondition(
                concept,
                max(resident.date_of_birth, years_before(resident.last_day, rng.random() * history_years)),
            )
            for concept, _ in chosen
        ]
        expected_medicines = sum(medicines for _, medicines in chosen) + (0.5 if resident.age >= 65 else 0.0)
        resident.repeat_medication_count = min(MAX_REPEAT_MEDICINES, round(expected_medicines * rng.uniform(0.7, 1.3)))
        resident.communication_needs = _communication_needs(present, rng)


def _communication_needs(present: set[Concept], rng: random.Random) -> str:
    needs = []
    for concept, options in COMMUNICATION_NEEDS:
        if concept not in present:
            continue
        draw = rng.random()
        for need, share in options:
            if draw < share:
                needs.append(need)
                break
            draw -= share
    return "; ".join(needs)[:200]


def condition_rows(residents: Sequence[Resident], ids: Iterator[int]) -> Iterator[Row]:
    """Rows for the condition table."""
    return (
        (next(ids), r.id, condition.concept.code, condition.concept.term, condition.recorded_on)
        for r in residents
        for condition in r.conditions
    )


# --- hospital admissions -------------------------------------------------------------------------

ADMISSION_YEARS = 3
# Admissions per person per year by AGE_BANDS, before deprivation and illness are allowed for.
NON_ELECTIVE_RATE = (0.06, 0.06, 0.07, 0.11, 0.19, 0.31)
ELECTIVE_RATE = (0.03, 0.05, 0.085, 0.14, 0.17, 0.11)
# Emergency stays: share discharged the same day, and median nights otherwise, by AGE_BANDS.
SAME_DAY_EMERGENCY = (0.35, 0.35, 0.3, 0.22, 0.15, 0.12)
MEDIAN_EMERGENCY_NIGHTS = (2.0, 2.0, 3.0, 4.5, 6.5, 8.0)
# Planned stays: share that are day cases (no night in hospital), and median nights otherwise.
DAY_CASE = 0.62
MEDIAN_PLANNED_NIGHTS = 2.5
MAX_NIGHTS = 150
DIED_IN_HOSPITAL = 0.45  # share of the residents who died whose last days were in hospital
# Chance of being admitted to the northern hospital (the royal infirmary), by locality.
NORTHERN_HOSPITAL_SHARE = (0.85, 0.7, 0.15)


def admit(residents: Sequence[Resident], partners: Partners, as_of: datetime.date, rng: random.Random) -> None:
    """Give residents their hospital stays of the last three years; a few are still in hospital."""
    window_start = years_before(as_of, ADMISSION_YEARS)
    for resident in residents:
        start = max(window_start, resident.date_of_birth)
        years = (resident.last_day - start).days / 365.25
        illness = len(resident.conditions)
        deprivation = DEPRIVATION_FACTOR[resident.decile - 1]
        band = resident.band
        stays: list[tuple[str, datetime.date, int]] = []
        emergencies = poisson(rng, NON_ELECTIVE_RATE[band] * deprivation * (0.6 + 0.15 * illness) * years)
        planned = poisson(rng, ELECTIVE_RATE[band] * (0.8 + 0.08 * illness) * years)
        for _ in range(emergencies):
            admitted_on = day_between(rng, start, resident.last_day)
            stays.append((AdmissionMethod.NON_ELECTIVE.value, admitted_on, _emergency_nights(rng, band)))
        for _ in range(planned):
            admitted_on = day_between(rng, start, resident.last_day)
            stays.append((AdmissionMethod.ELECTIVE.value, admitted_on, _planned_nights(rng)))
        if resident.died_on and chance(rng, DIED_IN_HOSPITAL):
            nights = _emergency_nights(rng, band)
            stays.append(
                (AdmissionMethod.NON_ELECTIVE.value, resident.died_on - datetime.timedelta(days=nights), nights)
            )
        resident.admissions = _without_overlaps(resident, sorted(stays, key=lambda stay: stay[1]), partners, rng)


def _emergency_nights(rng: random.Random, band: int) -> int:
    """Nights in hospital after an emergency admission: often a few days, with a long tail for the very old."""
    if chance(rng, SAME_DAY_EMERGENCY[band]):
        return 0
    return min(MAX_NIGHTS, max(1, round(rng.lognormvariate(math.log(MEDIAN_EMERGENCY_NIGHTS[band]), 0.85))))


def _planned_nights(rng: random.Random) -> int:
    if chance(rng, DAY_CASE):
        return 0
    return min(MAX_NIGHTS, max(1, round(rng.lognormvariate(math.log(MEDIAN_PLANNED_NIGHTS), 0.6))))


def _without_overlaps(
    resident: Resident, stays: list[tuple[str, datetime.date, int]], partners: Partners, rng: random.Random
) -> list[Admission]:
    """Admissions in date order, each starting after the last discharge; a stay running past the last day is open."""
    admissions: list[Admission] = []
    free_from = resident.date_of_birth
    northern_share = NORTHERN_HOSPITAL_SHARE[resident.lsoa.ward.neighbourhood.locality_id - 1]
    for method, admitted_on, nights in stays:
        admitted_on = max(admitted_on, free_from)
        if admitted_on > resident.last_day:
            break
        # Still in hospital on the as-of date, or died there, if the stay would run past the last day.
        discharged_on = resident.ending(admitted_on + datetime.timedelta(days=nights))
        hospital = partners.hospitals[0 if chance(rng, northern_share) else 1]
        admissions.append(Admission(hospital.id, method, admitted_on, discharged_on))
        if discharged_on is None:
            break
        free_from = discharged_on + datetime.timedelta(days=1)
    return admissions


def admission_rows(residents: Sequence[Resident], ids: Iterator[int]) -> Iterator[Row]:
    """Rows for the hospital-admission table."""
    return ((next(ids), r.id, *admission) for r in residents for admission in r.admissions)


# --- social care ---------------------------------------------------------------------------------

# Chance of long-term social care by AGE_BANDS, before living alone and illness are allowed for.
LONG_TERM_CARE = (0.0, 0.0025, 0.005, 0.012, 0.04, 0.1)
OLDER_PEOPLE_CARE = Weighted(
    [
        (CarePackageKind.HOME_CARE.value, 64),
        (CarePackageKind.RESIDENTIAL.value, 16),
        (CarePackageKind.DIRECT_PAYMENT.value, 10),
        (CarePackageKind.DAY_OPPORTUNITIES.value, 10),
    ]
)
WORKING_AGE_CARE = Weighted(
    [
        (CarePackageKind.DIRECT_PAYMENT.value, 35),
        (CarePackageKind.DAY_OPPORTUNITIES.value, 35),
        (CarePackageKind.HOME_CARE.value, 25),
        (CarePackageKind.RESIDENTIAL.value, 5),
    ]
)
# Typical hours a week, by kind of package (residential care is not counted in hours).
MEDIAN_HOURS = {
    CarePackageKind.HOME_CARE.value: 10.0,
    CarePackageKind.DAY_OPPORTUNITIES.value: 12.0,
    CarePackageKind.DIRECT_PAYMENT.value: 15.0,
    CarePackageKind.REABLEMENT.value: 9.0,
}
REABLEMENT_AFTER_DISCHARGE = 0.08
CARE_ENDED = 0.25


def arrange_care(residents: Sequence[Resident], as_of: datetime.date, rng: random.Random) -> None:
    """Arrange social care: long-term packages for those who need support, reablement after some discharges."""
    for resident in residents:
        if resident.age < 18:
            continue
        resident.care = [
            *_reablement(resident, rng),
            *_long_term_care(resident, as_of, rng),
        ]


def _long_term_care(resident: Resident, as_of: datetime.date, rng: random.Random) -> list[CareArrangement]:
    need = LONG_TERM_CARE[resident.band] * (1.4 if resident.lives_alone else 1.0)
    need *= (1.8 if resident.needs_support() else 1.0) * (1 + 0.05 * max(0, len(resident.conditions) - 3))
    if resident.has(codes.INTELLECTUAL_DISABILITY):
        need = max(need, 0.4)
    if not chance(rng, min(need, 0.9)):
        return []
    kind = (OLDER_PEOPLE_CARE if resident.age >= 65 else WORKING_AGE_CARE).pick(rng)
    adulthood = resident.date_of_birth + datetime.timedelta(days=round(18 * 365.25))
    started_on = day_between(rng, max(adulthood, years_before(as_of, 6)), resident.last_day)
    ended_on = resident.died_on
    if ended_on is None and chance(rng, CARE_ENDED):
        ended_on = day_between(rng, started_on, resident.last_day)
    return [CareArrangement(kind, _hours(rng, kind), started_on, ended_on)]


def _reablement(resident: Resident, rng: random.Random) -> list[CareArrangement]:
    """Up to six weeks of reablement at home after some emergency stays of older people."""
    packages: list[CareArrangement] = []
    for admission in resident.admissions:
        discharged_on = admission.discharged_on
        if (
            resident.age < 65
            or admission.method != AdmissionMethod.NON_ELECTIVE
            or discharged_on is None
            or discharged_on == resident.died_on
            or not chance(rng, REABLEMENT_AFTER_DISCHARGE)
        ):
            continue
        ended_on = resident.ending(discharged_on + datetime.timedelta(days=rng.randint(10, 42)))
        kind = CarePackageKind.REABLEMENT.value
        packages.append(CareArrangement(kind, _hours(rng, kind), discharged_on, ended_on))
    return packages


def _hours(rng: random.Random, kind: str) -> Decimal | None:
    """Hours a week to the nearest half hour, or None for residential care."""
    median = MEDIAN_HOURS.get(kind)
    if median is None:
        return None
    half_hours = max(4, min(120, round(2 * rng.lognormvariate(math.log(median), 0.45))))
    return Decimal(half_hours) / 2


def care_package_rows(residents: Sequence[Resident], ids: Iterator[int]) -> Iterator[Row]:
    """Rows for the care-package table."""
    return ((next(ids), r.id, *package) for r in residents for package in r.care)
