"""Which FHIR resource types OneTeam serves, which data categories each belongs to, and how to load them.

The access policy is asked about the categories; the loaders only fetch rows.
A type about a person (`PERSON_RESOURCES`) is read through the policy; a type
about no one in particular (`DIRECTORY`) is open to any client and audited. A new
entry here is served by read, search, $everything, the CapabilityStatement and
the bulk export without any other change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from oneteam.access.code_categories import CONDITION_CATEGORIES, condition_category
from oneteam.access.models import CareTeamMembership, ConsentDecision, DataCategory, Objection
from oneteam.care.models import Assessment, AssessmentStatus, AssessmentTemplate, CarePlan, PlanAction, PlanChange
from oneteam.care.queries import CARE_CATEGORIES
from oneteam.care.questionnaire import canonical_url
from oneteam.mdt.models import MdtAction
from oneteam.organisations.models import Organisation, Staff
from oneteam.people.models import Condition, HospitalAdmission, Person, RelatedPerson, SafetyAlert
from oneteam.referrals.models import Referral

from . import resources
from .models import Allergy, RepeatMedication
from .resources import Json

PERSON_FIELDS = ("lsoa", "gp_practice")

# (the person it is about, the category the policy is asked about, the resource)
Found = tuple[int, DataCategory, Json]


@dataclass(frozen=True)
class PersonResource:
    """A FHIR resource type about one person; each of its resources is in one of its data categories."""

    resource_type: str
    categories: tuple[DataCategory, ...]
    # Every resource of this type about these people in these categories, each kind of row ordered by person.
    load: Callable[[list[int], Collection[DataCategory]], list[Json]]
    # The resource with this id, or None if there is no such resource.
    by_id: Callable[[str], Found | None]

    def by_people(self, person_ids: list[int], categories: Collection[DataCategory] | None = None) -> list[Json]:
        """Every resource of this type about these people, in `categories` (all of the type's if not given)."""
        return self.load(person_ids, self.categories if categories is None else categories)


def _number(resource_id: str) -> int | None:
    return int(resource_id) if resource_id.isdigit() and len(resource_id) < 19 else None


def _in_one_category(
    resource_type: str,
    category: DataCategory,
    by_people: Callable[[list[int]], list[Json]],
    by_id: Callable[[str], tuple[int, Json] | None],
) -> PersonResource:
    """A type whose every resource is in `category`, from loaders that need not know about categories."""

    def load(person_ids: list[int], categories: Collection[DataCategory]) -> list[Json]:
        return by_people(person_ids) if category in categories else []

    def one(resource_id: str) -> Found | None:
        found = by_id(resource_id)
        return (found[0], category, found[1]) if found is not None else None

    return PersonResource(resource_type, (category,), load, one)


@dataclass(frozen=True)
class _Rows:
    """One kind of row a resource type is made from: its rows, how to render one, and the lookup to its person."""

    rows: Callable[[], QuerySet[Any]]
    render: Callable[[Any], Json]
    person: str = "person_id"


def _from_rows(resource_type: str, category: DataCategory, kinds: dict[str, _Rows]) -> PersonResource:
    """A type made from rows of one kind, or of several told apart by their ids' prefix.

    `kinds` maps a prefix to a kind of row: just "" when there is one kind (the
    ids are the rows' ids), or one prefix each (`resources.prefixed_id`:
    "decision-3", "plan-12"), as for Consent and Task.
    """

    def by_people(person_ids: list[int]) -> list[Json]:
        return [
            kind.render(row)
            for kind in kinds.values()
            for row in kind.rows().filter(**{f"{kind.person}__in": person_ids}).order_by(kind.person, "pk")
        ]

    def by_id(resource_id: str) -> tuple[int, Json] | None:
        prefix, _, number = resource_id.rpartition("-")
        kind, pk = kinds.get(prefix), _number(number)
        # Only the id as OneTeam writes it: no "-12" for "12", nor "plan-012" for "plan-12".
        if kind is None or pk is None or resource_id != (resources.prefixed_id(prefix, pk) if prefix else str(pk)):
            return None
        row = kind.rows().filter(pk=pk).first()
        return (attrgetter(kind.person.replace("__", "."))(row), kind.render(row)) if row is not None else None

    return _in_one_category(resource_type, category, by_people, by_id)


def _simple(
    resource_type: str, category: DataCategory, rows: Callable[[], QuerySet[Any]], render: Callable[[Any], Json]
) -> PersonResource:
    """A resource type with one row per resource and a `person` foreign key."""
    return _from_rows(resource_type, category, {"": _Rows(rows, render)})


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


def _care_plans() -> QuerySet[CarePlan]:
    return CarePlan.objects.select_related("person").prefetch_related(
        "goals",
        "actions",
        Prefetch("changes", PlanChange.objects.filter(version=1).select_related("changed_by")),
        "person__mdt_actions",
    )


def _completed_assessments(categories: Collection[DataCategory]) -> QuerySet[Assessment]:
    return Assessment.objects.select_related("person", "template", "assessor").filter(
        status=AssessmentStatus.COMPLETED, template__category__in=list(categories)
    )


def _assessments(person_ids: list[int], categories: Collection[DataCategory]) -> list[Json]:
    if not categories:
        return []
    found = _completed_assessments(categories).filter(person_id__in=person_ids).order_by("person_id", "pk")
    return [resources.questionnaire_response(assessment) for assessment in found]


def _assessment(resource_id: str) -> Found | None:
    number = _number(resource_id)
    found = _completed_assessments(CARE_CATEGORIES).filter(pk=number).first() if number is not None else None
    if found is None:
        return None
    return found.person_id, DataCategory(found.template.category), resources.questionnaire_response(found)


def _conditions(person_ids: list[int], categories: Collection[DataCategory]) -> list[Json]:
    # A condition's category comes from its code (access.code_categories), so the rows are filtered here.
    rows = Condition.objects.select_related("person").filter(person_id__in=person_ids).order_by("person_id", "pk")
    return [resources.condition(row) for row in rows if condition_category(row.snomed_code) in categories]


def _condition(resource_id: str) -> Found | None:
    number = _number(resource_id)
    row = Condition.objects.select_related("person").filter(pk=number).first() if number is not None else None
    if row is None or resource_id != str(row.pk):
        return None
    return row.person_id, condition_category(row.snomed_code), resources.condition(row)


PATIENT = _in_one_category("Patient", DataCategory.DEMOGRAPHICS, _patients, _patient)

PERSON_RESOURCES: dict[str, PersonResource] = {
    kind.resource_type: kind
    for kind in (
        PATIENT,
        PersonResource("Condition", CONDITION_CATEGORIES, _conditions, _condition),
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
            "MedicationRequest",
            DataCategory.PHYSICAL_HEALTH,
            lambda: RepeatMedication.objects.select_related("person"),
            resources.medication_request,
        ),
        # Carers and other contacts are part of who the person is, as on their summary page.
        _simple(
            "RelatedPerson",
            DataCategory.DEMOGRAPHICS,
            lambda: RelatedPerson.objects.select_related("person"),
            resources.related_person,
        ),
        _simple(
            "Flag", DataCategory.SAFETY_ALERTS, lambda: SafetyAlert.objects.select_related("person"), resources.flag
        ),
        # The key worker and referrals are part of the care plan category (as on the person's summary page).
        _in_one_category("CareTeam", DataCategory.CARE_PLAN, _care_teams, _care_team),
        _simple(
            "ServiceRequest",
            DataCategory.CARE_PLAN,
            lambda: Referral.objects.select_related("person").filter(person__isnull=False),
            resources.service_request,
        ),
        _from_rows(
            "Consent",
            DataCategory.DEMOGRAPHICS,
            {
                resources.CONSENT_DECISION: _Rows(
                    lambda: ConsentDecision.objects.select_related("person"), resources.consent_decision
                ),
                resources.OBJECTION: _Rows(lambda: Objection.objects.select_related("person"), resources.objection),
            },
        ),
        _simple("CarePlan", DataCategory.CARE_PLAN, _care_plans, resources.care_plan),
        # Actions are part of the care plan, whether written into it or agreed at an MDT meeting.
        _from_rows(
            "Task",
            DataCategory.CARE_PLAN,
            {
                resources.PLAN_ACTION: _Rows(
                    lambda: PlanAction.objects.select_related("plan__person", "owner", "service_type", "goal"),
                    resources.plan_action_task,
                    person="plan__person_id",
                ),
                resources.MDT_ACTION: _Rows(
                    lambda: MdtAction.objects.select_related("person", "owner", "created_by"),
                    resources.mdt_action_task,
                ),
            },
        ),
        # An assessment is in its template's category, as on the care page; the API serves those in CARE_CATEGORIES.
        PersonResource("QuestionnaireResponse", CARE_CATEGORIES, _assessments, _assessment),
    )
}


@dataclass(frozen=True)
class DirectoryResource:
    """A FHIR resource type about no one in particular: any client may read and search it (audited)."""

    resource_type: str
    rows: Callable[[], QuerySet[Any]]
    render: Callable[[Any], Json]
    # Each search parameter, and how a value of it narrows the rows.
    search: dict[str, Callable[[QuerySet[Any], str], QuerySet[Any]]] = field(default_factory=dict)


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("neighbourhood").prefetch_related("fhir_identifiers").order_by("pk")


def _templates() -> QuerySet[AssessmentTemplate]:
    newer = AssessmentTemplate.objects.filter(code=OuterRef("code"), version__gt=OuterRef("version"))
    return AssessmentTemplate.objects.annotate(superseded=Exists(newer)).order_by("pk")


def _templates_at(rows: QuerySet[Any], url: str) -> QuerySet[Any]:
    code = url.rpartition("/")[2]
    return rows.filter(code=code) if url == canonical_url(code) else rows.none()


def _templates_in(rows: QuerySet[Any], status: str) -> QuerySet[Any]:
    superseded = {"active": False, "retired": True}.get(status)
    return rows.filter(superseded=superseded) if superseded is not None else rows.none()


DIRECTORY: dict[str, DirectoryResource] = {
    kind.resource_type: kind
    for kind in (
        DirectoryResource(
            "Organization",
            _organisations,
            resources.organization,
            {
                "identifier": lambda rows, value: rows.filter(ods_code=value.rpartition("|")[2].strip().upper()),
                "name": lambda rows, value: rows.filter(name__icontains=value),
            },
        ),
        DirectoryResource(
            "Practitioner",
            # Administrators' superuser accounts are not practitioners (nor are service accounts, which
            # `Staff.objects` leaves out).
            lambda: Staff.objects.filter(is_superuser=False).order_by("pk"),
            resources.practitioner,
            {
                "identifier": lambda rows, value: rows.filter(username=value.rpartition("|")[2].strip()),
                "name": lambda rows, value: rows.filter(
                    Q(last_name__istartswith=value) | Q(first_name__istartswith=value)
                ),
            },
        ),
        # Every version of every assessment template: completed assessments refer to the version they answered.
        DirectoryResource(
            "Questionnaire",
            _templates,
            lambda template: resources.questionnaire(template, current=not template.superseded),
            {
                "name": lambda rows, value: rows.filter(code__istartswith=value),
                "url": _templates_at,
                "status": _templates_in,
            },
        ),
    )
}

# Resource types about no one in particular: the organisation map, the staff directory and the assessment templates.
DIRECTORY_TYPES = tuple(DIRECTORY)

# What `export_fhir` writes and `import_fhir` reads back, so an export can be imported elsewhere unchanged.
EXCHANGE_TYPES = (
    "Organization",
    "Practitioner",
    "Patient",
    "RelatedPerson",
    "Condition",
    "Encounter",
    "Flag",
    "AllergyIntolerance",
    "MedicationRequest",
)

# Everything the API serves; `export_fhir --type` can write any of them (the rest do not import back).
SERVED_TYPES = (*DIRECTORY_TYPES, *PERSON_RESOURCES)
