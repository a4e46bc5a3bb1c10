"""Which FHIR resource types OneTeam serves about a person, which data category each belongs to, and how to load them.

The access policy is asked about the category; the loaders only fetch rows.
CarePlan, Task, Questionnaire and QuestionnaireResponse slot in here as new
`PersonResource` entries once the care and assessment apps exist: nothing else in
the API, $everything or the bulk export needs to change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from oneteam.access.models import CareTeamMembership, ConsentDecision, DataCategory, Objection
from oneteam.people.models import Condition, HospitalAdmission, Person, SafetyAlert
from oneteam.referrals.models import Referral

from . import resources
from .models import Allergy
from .resources import Json

PERSON_FIELDS = ("lsoa", "gp_practice")


@dataclass(frozen=True)
class PersonResource:
    """A FHIR resource type about one person, guarded by one data category."""

    resource_type: str
    category: DataCategory
    # Every resource of this type about these people, ordered by person.
    by_people: Callable[[list[int]], list[Json]]
    # (the person it is about, the resource) for one id, or None if there is no such resource.
    by_id: Callable[[str], tuple[int, Json] | None]


def _number(resource_id: str) -> int | None:
    return int(resource_id) if resource_id.isdigit() and len(resource_id) < 19 else None


def _simple(
    resource_type: str,
    category: DataCategory,
    rows: Callable[[], Iterable[object]],
    render: Callable[..., Json],
) -> PersonResource:
    """A resource type with one row per resource and a `person` foreign key."""

    def by_people(person_ids: list[int]) -> list[Json]:
        queryset = rows().filter(person_id__in=person_ids).order_by("person_id", "pk")  # type: ignore[attr-defined]
        return [render(row) for row in queryset]

    def by_id(resource_id: str) -> tuple[int, Json] | None:
        number = _number(resource_id)
        row = rows().filter(pk=number).first() if number is not None else None  # type: ignore[attr-defined]
        return (row.person_id, render(row)) if row is not None else None

    return PersonResource(resource_type, category, by_people, by_id)


def _patients(person_ids: list[int]) -> list[Json]:
    people = Person.objects.select_related(*PERSON_FIELDS).filter(pk__in=person_ids).order_by("pk")
    return [resources.patient(person) for person in people]


def _patient(resource_id: str) -> tuple[int, Json] | None:
    number = _number(resource_id)
    person = Person.objects.select_related(*PERSON_FIELDS).filter(pk=number).first() if number is not None else None
    return (person.pk, resources.patient(person)) if person is not None else None


def _current_memberships(person_ids: list[int]) -> dict[int, list[CareTeamMembership]]:
    now = timezone.now()
    memberships = (
        CareTeamMembership.objects.select_related("staff")
        .filter(person_id__in=person_ids, started_at__lte=now)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .order_by("person_id", "role", "started_at")
    )
    grouped: dict[int, list[CareTeamMembership]] = defaultdict(list)
    for membership in memberships:
        grouped[membership.person_id].append(membership)
    return grouped


def _care_teams(person_ids: list[int]) -> list[Json]:
    grouped = _current_memberships(person_ids)
    people = Person.objects.filter(pk__in=list(grouped)).order_by("pk")
    return [resources.care_team(person, grouped[person.pk]) for person in people]


def _care_team(resource_id: str) -> tuple[int, Json] | None:
    number = _number(resource_id)
    found = _care_teams([number]) if number is not None else []
    return (number, found[0]) if found and number is not None else None


def _consents(person_ids: list[int]) -> list[Json]:
    decisions = ConsentDecision.objects.select_related("person").filter(person_id__in=person_ids)
    objections = Objection.objects.select_related("person").filter(person_id__in=person_ids)
    return [
        *(resources.consent_decision(row) for row in decisions.order_by("person_id", "pk")),
        *(resources.objection(row) for row in objections.order_by("person_id", "pk")),
    ]


def _consent(resource_id: str) -> tuple[int, Json] | None:
    kind, _, number = resource_id.partition("-")
    pk = _number(number)
    if pk is None:
        return None
    if kind == "decision":
        decision = ConsentDecision.objects.select_related("person").filter(pk=pk).first()
        return (decision.person_id, resources.consent_decision(decision)) if decision else None
    if kind == "objection":
        objection = Objection.objects.select_related("person").filter(pk=pk).first()
        return (objection.person_id, resources.objection(objection)) if objection else None
    return None


PATIENT = PersonResource("Patient", DataCategory.DEMOGRAPHICS, _patients, _patient)

PERSON_RESOURCES: dict[str, PersonResource] = {
    kind.resource_type: kind
    for kind in (
        PATIENT,
        _simple(
            "Condition",
            DataCategory.PHYSICAL_HEALTH,
            lambda: Condition.objects.select_related("person"),
            resources.condition,
        ),
        _simple(
            "Encounter",
            DataCategory.PHYSICAL_HEALTH,
            lambda: HospitalAdmission.objects.select_related("person", "hospital"),
            resources.encounter,
        ),
        _simple(
            "AllergyIntolerance",
            DataCategory.PHYSICAL_HEALTH,
            lambda: Allergy.objects.select_related("person"),
            resources.allergy_intolerance,
        ),
        _simple(
            "Flag", DataCategory.SAFETY_ALERTS, lambda: SafetyAlert.objects.select_related("person"), resources.flag
        ),
        # The key worker and referrals are part of the care plan category (as on the person's summary page).
        PersonResource("CareTeam", DataCategory.CARE_PLAN, _care_teams, _care_team),
        _simple(
            "ServiceRequest",
            DataCategory.CARE_PLAN,
            lambda: Referral.objects.select_related("person").filter(person__isnull=False),
            resources.service_request,
        ),
        PersonResource("Consent", DataCategory.DEMOGRAPHICS, _consents, _consent),
    )
}

# Resource types about no one in particular: the organisation map and staff directory.
DIRECTORY_TYPES = ("Organization", "Practitioner")

# What `export_fhir` writes and `import_fhir` reads back, so an export can be imported elsewhere unchanged.
EXCHANGE_TYPES = ("Organization", "Practitioner", "Patient", "Condition", "Encounter", "Flag", "AllergyIntolerance")
