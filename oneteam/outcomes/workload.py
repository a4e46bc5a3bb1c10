"""Workload by need: caseloads weighted by how complex each person's care is, and the same demand re-cut by
council ward instead of GP practice, so leaders can see who a health-boundary split would overload.

Every weight is visible on the page. A person counts once on each professional's caseload, however many
roles that professional has with them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import SafetyAlert

from .breakdowns import OUTSIDE_THE_AREA
from .queries import SMALLEST_SHOWN

# The weights, shown on the page as they are here.
BASE_WEIGHT = 1.0
PER_EXTRA_PROFESSION = 0.5  # for each profession involved beyond the first, up to
MOST_EXTRA_PROFESSIONS = 3
SAFETY_ALERT_WEIGHT = 0.5  # visits need planning (in pairs, infection control)
LIVES_ALONE_WEIGHT = 0.25
WEIGHTS_IN_WORDS = (
    f"Each person counts {BASE_WEIGHT:g}.",
    f"Add {PER_EXTRA_PROFESSION:g} for each other profession involved in their care, up to {MOST_EXTRA_PROFESSIONS}.",
    f"Add {SAFETY_ALERT_WEIGHT:g} if there is a safety alert for visiting them.",
    f"Add {LIVES_ALONE_WEIGHT:g} if they live alone.",
)
SOCIAL_CARE = (Profession.SOCIAL_WORKER, Profession.SOCIAL_CARE_ASSESSOR)
CASELOAD_ROLES = (CareRole.KEY_WORKER, CareRole.ALLOCATED_PROFESSIONAL, CareRole.REFERRAL_OWNER)


@dataclass(frozen=True)
class _Holding:
    staff_id: int
    profession: str
    practice_neighbourhood: str
    ward_neighbourhood: str
    weight: float


@dataclass(frozen=True)
class TeamLoad:
    """One profession in one neighbourhood: people, weighted caseload, staff, and the weighted load each."""

    neighbourhood: str
    profession: str
    people: int
    weighted: float
    staff: int

    @property
    def suppressed(self) -> bool:
        """Fewer than 5 people: withheld, like every small number (see queries.SMALLEST_SHOWN)."""
        return self.people < SMALLEST_SHOWN

    @property
    def per_staff(self) -> float | None:
        return self.weighted / self.staff if self.staff else None


@dataclass(frozen=True)
class BoundaryLoad:
    """Social-care demand in one neighbourhood, counted by GP practice and by home ward."""

    neighbourhood: str
    by_practice: float
    by_ward: float
    people_by_practice: int
    people_by_ward: int

    @property
    def suppressed(self) -> bool:
        return min(self.people_by_practice, self.people_by_ward) < SMALLEST_SHOWN

    @property
    def change(self) -> float:
        return self.by_ward - self.by_practice


def _weight(professions: int, alert: bool, alone: bool) -> float:
    extra = min(max(professions - 1, 0), MOST_EXTRA_PROFESSIONS)
    return BASE_WEIGHT + PER_EXTRA_PROFESSION * extra + SAFETY_ALERT_WEIGHT * alert + LIVES_ALONE_WEIGHT * alone


def _holdings() -> list[_Holding]:
    """Each (professional, person) pair on a caseload now, with the person's weight. One query."""
    now = timezone.now()
    current = Q(ended_at__isnull=True) | Q(ended_at__gt=now)
    professions = (
        CareTeamMembership.objects.filter(current, person=OuterRef("person"))
        .order_by()
        .values("person")
        .annotate(n=Count("staff__profession", distinct=True))
        .values("n")
    )
    rows = (
        CareTeamMembership.objects.filter(current, role__in=CASELOAD_ROLES)
        .annotate(
            professions=Coalesce(Subquery(professions), 1),
            alert=Exists(SafetyAlert.objects.filter(person=OuterRef("person"), active=True)),
            practice=Coalesce("person__practice_neighbourhood__name", Value(OUTSIDE_THE_AREA)),
            ward=Coalesce("person__ward_neighbourhood__name", Value(OUTSIDE_THE_AREA)),
        )
        .values_list(
            "staff_id",
            "staff__profession",
            "practice",
            "ward",
            "professions",
            "alert",
            "person__lives_alone",
            "person_id",
        )
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    holdings = []
    for staff_id, profession, practice, ward, involved, alert, alone, person_id in rows:
        if (staff_id, person_id) in seen:  # the same professional in two roles
            continue
        seen.add((staff_id, person_id))
        holdings.append(_Holding(staff_id, profession, practice, ward, _weight(involved, alert, alone)))
    return holdings


def _staff_by_team() -> dict[tuple[str, str], int]:
    """How many professionals of each profession work in each neighbourhood's teams."""
    rows = (
        Staff.objects.filter(is_active=True, teams__neighbourhood__isnull=False)
        .values_list("teams__neighbourhood__name", "profession")
        .annotate(n=Count("pk", distinct=True))
    )
    return {(neighbourhood, profession): n for neighbourhood, profession, n in rows}


def team_loads() -> list[TeamLoad]:
    """Weighted caseloads per neighbourhood team and profession, heaviest per person first."""
    holdings = _holdings()
    people: dict[tuple[str, str], int] = defaultdict(int)
    weighted: dict[tuple[str, str], float] = defaultdict(float)
    for holding in holdings:
        key = (holding.practice_neighbourhood, holding.profession)
        people[key] += 1
        weighted[key] += holding.weight
    staff = _staff_by_team()
    loads = [
        TeamLoad(neighbourhood, Profession(profession).label, people[key], weighted[key], staff.get(key, 0))
        for key in weighted
        for neighbourhood, profession in (key,)
    ]
    return sorted(loads, key=lambda load: (-(load.per_staff or float("inf")), load.neighbourhood, load.profession))


def social_care_by_boundary() -> list[BoundaryLoad]:
    """Social-care weighted demand per neighbourhood, by the person's GP practice and by their home ward."""
    by_practice: dict[str, float] = defaultdict(float)
    by_ward: dict[str, float] = defaultdict(float)
    counted_by_practice: dict[str, int] = defaultdict(int)
    counted_by_ward: dict[str, int] = defaultdict(int)
    for holding in _holdings():
        if holding.profession in SOCIAL_CARE:
            by_practice[holding.practice_neighbourhood] += holding.weight
            by_ward[holding.ward_neighbourhood] += holding.weight
            counted_by_practice[holding.practice_neighbourhood] += 1
            counted_by_ward[holding.ward_neighbourhood] += 1
    names = sorted(set(by_practice) | set(by_ward))
    return [
        BoundaryLoad(name, by_practice[name], by_ward[name], counted_by_practice[name], counted_by_ward[name])
        for name in names
    ]
