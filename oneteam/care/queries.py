"""Reads of a person's care: assessments, plan, capacity records and visits, each through the access policy.

A page asks `authorise` once for the data categories it shows and reads only
what the answers allow; the answers (allowed or not) are audited.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import Decision, authorise_read, authorise_reads
from oneteam.directory.models import Signpost
from oneteam.jinja2 import nhs_date
from oneteam.mdt.models import MdtAction
from oneteam.mdt.queries import person_actions
from oneteam.organisations.models import Staff
from oneteam.people.models import Person, SafetyAlert

from .models import (
    ActionStatus,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CapacityAssessment,
    CarePlan,
    PlanAction,
    PlanChange,
    Visit,
    VisitOutcome,
)

# The categories of assessments the FHIR API serves (QuestionnaireResponse). The care page asks instead about
# each assessment's own category (`care_record`).
CARE_CATEGORIES = (
    DataCategory.CARE_PLAN,
    DataCategory.CAPACITY,
    DataCategory.SOCIAL_CARE_ASSESSMENT,
    DataCategory.PHYSICAL_HEALTH,
)
PLAN_HISTORY_SHOWN = 20
VISITS_SHOWN = 100


def person_for_care(person_id: int) -> Person:
    """The person, with the neighbourhoods the policy and the staff lists need."""
    return get_object_or_404(
        Person.objects.select_related("practice_neighbourhood", "ward_neighbourhood"), pk=person_id
    )


def authorise(staff: Staff, person: Person, categories: Iterable[DataCategory]) -> dict[DataCategory, Decision]:
    """Ask the policy (for direct care) about each category, auditing every answer."""
    return authorise_read(staff=staff, person=person, categories=categories, purpose=Purpose.DIRECT_CARE)


def allowed_categories(decisions: dict[DataCategory, Decision]) -> list[str]:
    """The categories whose decision allows reading."""
    return [category.value for category, decision in decisions.items() if decision.allowed]


def current_templates() -> list[AssessmentTemplate]:
    """The newest version of each assessment template."""
    newest = AssessmentTemplate.objects.values("code").annotate(newest=Max("version"))
    pairs = {(row["code"], row["newest"]) for row in newest}
    return [
        template
        for template in AssessmentTemplate.objects.order_by("title")
        if (template.code, template.version) in pairs
    ]


def templates_allowed(staff: Staff, person: Person) -> list[AssessmentTemplate]:
    """The current templates whose data category the policy lets `staff` see about the person (audited)."""
    templates = current_templates()
    categories = dict.fromkeys(DataCategory(template.category) for template in templates)
    allowed = allowed_categories(authorise(staff, person, categories))
    return [template for template in templates if template.category in allowed]


def assessment_to_open(staff: Staff, person: Person, assessment_id: int) -> tuple[Assessment | None, bool]:
    """The person's assessment with this id (None if there is none), and whether `staff` may open it.

    The policy is asked (and audited) about the assessment's own category, as the care page asks about
    each assessment it lists; about the care plan when there is no such assessment, so that an outsider
    is refused, and audited, before learning whether it exists. Someone else's unfinished assessment
    is not theirs to open.
    """
    found = (
        Assessment.objects.select_related("template", "assessor", "repeat_of__assessor")
        .filter(pk=assessment_id, person=person)
        .first()
    )
    category = DataCategory(found.template.category) if found else DataCategory.CARE_PLAN
    decisions = authorise(staff, person, [category])
    if not decisions[category].allowed or found is None:
        return found, decisions[category].allowed
    return found, found.pk in {a.pk for a in visible_assessments(staff, person, decisions)}


def plan_with_parts(person: Person) -> CarePlan | None:
    """The person's plan with its goals, actions (and their owners and funding) and decisions, in four queries."""
    return (
        CarePlan.objects.filter(person=person)
        .select_related("updated_by")
        .prefetch_related(
            "goals",
            Prefetch("actions", PlanAction.objects.select_related("owner", "service_type", "goal")),
            "decisions",
        )
        .first()
    )


def plan_history(plan: CarePlan | None) -> list[PlanChange]:
    """The plan's latest changes, newest first."""
    if plan is None:
        return []
    return list(plan.changes.select_related("changed_by")[:PLAN_HISTORY_SHOWN])


def visible_assessments(staff: Staff, person: Person, decisions: dict[DataCategory, Decision]) -> list[Assessment]:
    """Completed assessments in the categories the policy allows, and the member of staff's own unfinished ones."""
    assessments = Assessment.objects.filter(person=person, template__category__in=allowed_categories(decisions))
    return [
        assessment
        for assessment in assessments.select_related("template", "assessor")
        if assessment.status == AssessmentStatus.COMPLETED or assessment.assessor_id == staff.pk
    ]


@dataclass(frozen=True)
class DayWarning:
    """A problem with one day of a person's calendar, in words."""

    day: datetime.date
    text: str


def visit_warnings(visits: Sequence[Visit], limit: int) -> list[DayWarning]:
    """Days with more than `limit` visits, and visits that overlap, ignoring cancelled ones. No queries."""
    by_day: dict[datetime.date, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.outcome not in (VisitOutcome.CANCELLED_BY_PERSON, VisitOutcome.CANCELLED):
            by_day[timezone.localtime(visit.starts_at).date()].append(visit)
    warnings = []
    for day, day_visits in sorted(by_day.items()):
        if len(day_visits) > limit:
            warnings.append(
                DayWarning(
                    day,
                    f"{len(day_visits)} visits on {nhs_date(day)}: more than {limit} in a day is too many for most "
                    "people. Can any be combined or moved?",
                )
            )
        ordered = sorted(day_visits, key=lambda visit: visit.starts_at)
        for earlier, later in pairwise(ordered):
            if earlier.starts_at + datetime.timedelta(minutes=earlier.minutes) > later.starts_at:
                warnings.append(
                    DayWarning(
                        day,
                        f"Visits clash on {nhs_date(day)}: {earlier.get_profession_display().lower()} at "
                        f"{_clock(earlier.starts_at)} and {later.get_profession_display().lower()} at "
                        f"{_clock(later.starts_at)}.",
                    )
                )
    return warnings


def _clock(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def max_visits_per_day() -> int:
    """The number of visits in a day above which the calendar warns (setting CARE_MAX_VISITS_PER_DAY)."""
    return int(settings.CARE_MAX_VISITS_PER_DAY)


def person_visits(person: Person) -> list[Visit]:
    """The person's visits from a week ago onwards, soonest first."""
    since = timezone.now() - datetime.timedelta(days=7)
    return list(person.visits.filter(starts_at__gte=since).select_related("visitor")[:VISITS_SHOWN])


def visit_history(person: Person) -> list[Visit]:
    """The person's latest visits, past and planned, newest first, with their visitors."""
    return list(person.visits.select_related("visitor").order_by("-starts_at", "-id")[:VISITS_SHOWN])


@dataclass
class CareRecord:
    """What a member of staff may see of a person's care."""

    person: Person
    decisions: dict[DataCategory, Decision]
    plan: CarePlan | None = None
    history: list[PlanChange] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    capacity: list[CapacityAssessment] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    warnings: list[DayWarning] = field(default_factory=list)
    # Agreed elsewhere but part of the one plan: actions from MDT meetings and community help signposted to.
    mdt_actions: list[MdtAction] = field(default_factory=list)
    signposts: list[Signpost] = field(default_factory=list)


# What the care page shows whoever the person is; their assessments add the categories of their templates.
RECORD_CATEGORIES = (DataCategory.CARE_PLAN, DataCategory.CAPACITY)


def assessment_categories(person: Person) -> list[DataCategory]:
    """The data categories of the person's assessments (each its template's), in one query."""
    found = Assessment.objects.filter(person=person).values_list("template__category", flat=True).distinct()
    return sorted(DataCategory(category) for category in found)


def care_record(*, staff: Staff, person: Person) -> CareRecord:
    """The person's care page: plan and visits, assessments and capacity records the policy allows.

    The policy is asked about each item's own category (an assessment is in its
    template's, a mental-health review in mental health), so the page shows each
    to exactly those it may, and the audit records the categories it read.
    """
    decisions = authorise(staff, person, [*RECORD_CATEGORIES, *assessment_categories(person)])
    record = CareRecord(person=person, decisions=decisions)
    record.assessments = visible_assessments(staff, person, decisions)
    if decisions[DataCategory.CARE_PLAN].allowed:
        record.plan = plan_with_parts(person)
        record.history = plan_history(record.plan)
        record.visits = person_visits(person)
        record.warnings = visit_warnings(record.visits, max_visits_per_day())
        record.mdt_actions = person_actions(person)
        record.signposts = list(person.signposts.select_related("service", "signposted_by").order_by("-signposted_at"))
    if decisions[DataCategory.CAPACITY].allowed:
        record.capacity = list(person.capacity_assessments.select_related("assessor"))
    return record


def safety_alerts(staff: Staff, people: Sequence[Person]) -> dict[int, list[SafetyAlert]]:
    """Each person's active safety alerts, for whoever may visit them; every read is audited, in one append.

    The policy shows safety alerts to anyone for direct care, whatever else
    they may see, so that no one visits a home unwarned. One query for the alerts.
    """
    decisions = authorise_reads(
        staff=staff, people=people, categories=[DataCategory.SAFETY_ALERTS], purpose=Purpose.DIRECT_CARE
    )
    allowed = [pk for pk, answers in decisions.items() if answers[DataCategory.SAFETY_ALERTS].allowed]
    alerts: dict[int, list[SafetyAlert]] = {pk: [] for pk in decisions}
    for alert in SafetyAlert.objects.filter(person_id__in=allowed, active=True):
        alerts[alert.person_id].append(alert)
    return alerts


def person_safety_alerts(staff: Staff, person: Person) -> list[SafetyAlert]:
    """One person's active safety alerts (see `safety_alerts`)."""
    return safety_alerts(staff, [person])[person.pk]


@dataclass(frozen=True)
class DayVisit:
    """One visit on a professional's day list: whether they may see who it is for, and the safety alerts."""

    visit: Visit
    decision: Decision
    alerts: list[SafetyAlert]


def day_list(*, staff: Staff, day: datetime.date) -> list[DayVisit]:
    """A professional's visits on one day in time order, each with its person's safety alerts.

    Each person's name and address is read through the policy and audited, like
    any record; the safety alerts are shown whatever else the visitor may see.
    """
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    visits = list(
        Visit.objects.filter(visitor=staff, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
        .select_related("person", "person__practice_neighbourhood", "person__ward_neighbourhood")
        .order_by("starts_at", "id")
    )
    people = list({visit.person_id: visit.person for visit in visits}.values())
    decisions = authorise_reads(
        staff=staff, people=people, categories=[DataCategory.DEMOGRAPHICS], purpose=Purpose.DIRECT_CARE
    )
    alerts = safety_alerts(staff, people)
    return [
        DayVisit(visit, decisions[visit.person_id][DataCategory.DEMOGRAPHICS], alerts[visit.person_id])
        for visit in visits
    ]


# -- The owner's inbox --------------------------------------------------------------------------------------

_STILL_TO_DO = (ActionStatus.TO_DO, ActionStatus.IN_PROGRESS)


def open_plan_actions_owned_by(staff: Staff) -> list[PlanAction]:
    """The care-plan actions `staff` owns and has not finished, soonest due first, with `overdue` set.

    Owning an action is reason enough to see whom it is for (the inbox writes the audit event).
    """
    today = timezone.localdate()
    actions = list(
        PlanAction.objects.filter(owner=staff, status__in=_STILL_TO_DO)
        .select_related("plan__person")
        .order_by("due_on", "pk")
    )
    for action in actions:
        action.overdue = action.due_on < today  # type: ignore[attr-defined]
    return actions


def plan_actions_needing_attention(staff_id: int, today: datetime.date) -> QuerySet[PlanAction]:
    """The staff member's unfinished care-plan actions due by `today`, for the header's inbox count."""
    return PlanAction.objects.filter(owner_id=staff_id, status__in=_STILL_TO_DO, due_on__lte=today)
