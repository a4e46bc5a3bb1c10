"""Every change to assessments, care plans, capacity records, visits and the role guide.

Each function is one transaction, takes the acting member of staff and writes
an audit event (last, as the audit chain's lock is held until commit). Who may
see or change a person's care is decided by the access policy in the views
before these are called; rules about the change itself are decided here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from oneteam.access.models import AuditAction, CareRole, DataCategory
from oneteam.access.services import record_event
from oneteam.access.services.care_team import current_care_team, join_care_team
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import (
    ActionStatus,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CapacityAssessment,
    CapacityOutcome,
    CarePlan,
    Goal,
    GoalStatus,
    PersonDecision,
    PlanAction,
    PlanChange,
    RoleGuide,
    ServiceType,
    Visit,
    VisitOutcome,
)

# A new assessment of the same kind within this many days of a completed one is a repeat.
REPEAT_WINDOW_DAYS = 90


class CareRefused(Exception):
    """The change cannot be made; `field` is the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StalePlan(Exception):
    """Someone else changed the plan since this member of staff opened it; nothing was saved.

    `plan` is the plan as it is now and `changes` what was changed meanwhile, newest first.
    """

    def __init__(self, plan: CarePlan, changes: list[PlanChange]) -> None:
        super().__init__("The care plan was changed by someone else.")
        self.plan = plan
        self.changes = changes


@dataclass(frozen=True)
class FieldMerge:
    """One field of a stale save: their value now, yours, and what will be saved (None: the saver decides)."""

    name: str
    theirs: str
    yours: str
    saved: str | None

    @property
    def conflict(self) -> bool:
        """Both changed this field, differently: the person saving chooses, with both in front of them."""
        return self.saved is None


def merge_changes(
    *, base: Mapping[str, str | None], theirs: Mapping[str, str], yours: Mapping[str, str]
) -> list[FieldMerge]:
    """Merge a save made against an older version, field by field, never undoing anyone's change.

    `base` is each field as the person saving opened it, `theirs` as it is now,
    `yours` as they typed it. A field only they changed keeps their value; a
    field only you changed takes yours; a field both changed the same way is
    agreed; a field both changed differently is a conflict. Fields nobody
    changed are left out. No queries.
    """
    merges = []
    for name, typed in yours.items():
        # Browsers send line breaks as CRLF; a stored text may hold either.
        was, now, mine = (_lines(value) for value in (base.get(name), theirs[name], typed))
        if now in (mine, was):
            saved: str | None = mine
        elif mine == was:
            saved = now
        else:
            saved = None
        if now != was or mine != was:
            merges.append(FieldMerge(name=name, theirs=now or "", yours=mine or "", saved=saved))
    return merges


def _lines(text: str | None) -> str | None:
    return None if text is None else text.replace("\r\n", "\n")


# -- Assessments ---------------------------------------------------------------------------------------------


def recent_assessment(person: Person, template: AssessmentTemplate) -> Assessment | None:
    """The latest completed assessment of this kind (any version) within the repeat window, if any."""
    since = timezone.now() - datetime.timedelta(days=REPEAT_WINDOW_DAYS)
    return (
        Assessment.objects.filter(
            person=person, template__code=template.code, status=AssessmentStatus.COMPLETED, completed_at__gte=since
        )
        .select_related("assessor")
        .order_by("-completed_at")
        .first()
    )


def check_repeat(person: Person, template: AssessmentTemplate, repeat_reason: str) -> tuple[Assessment | None, str]:
    """The completed assessment this one repeats, if any, and the reason; a repeat without a reason is refused."""
    previous = recent_assessment(person, template)
    reason = repeat_reason.strip()
    if previous is not None and not reason:
        raise CareRefused(
            f"{previous.assessor.get_full_name()} ({previous.get_assessor_profession_display()}) completed this "
            f"assessment less than {REPEAT_WINDOW_DAYS} days ago. Read it first, or say why it must be done again",
            field="repeat_reason",
        )
    return previous, reason if previous is not None else ""


@transaction.atomic
def record_assessment(
    *, actor: Staff, person: Person, template: AssessmentTemplate, answers: dict[str, Any], repeat_reason: str = ""
) -> Assessment:
    """Save a completed assessment and share it with the team, in one go: nothing is stored before this.

    Within the repeat window of a completed one it needs a reason and counts as a repeat.
    """
    previous, reason = check_repeat(person, template, repeat_reason)
    now = timezone.now()
    assessment = Assessment.objects.create(
        person=person,
        template=template,
        assessor=actor,
        assessor_profession=actor.profession,
        trusted_assessor=actor.profession in template.trusted_professions,
        status=AssessmentStatus.COMPLETED,
        started_at=now,
        completed_at=now,
        answers=answers,
        is_repeat=previous is not None,
        repeat_reason=reason,
        repeat_of=previous,
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=template.category,
        detail={"assessment": assessment.pk, "repeat": assessment.is_repeat},
    )
    return assessment


@transaction.atomic
def complete_assessment(*, actor: Staff, assessment: Assessment, answers: dict[str, Any]) -> Assessment:
    """Complete an assessment started before assessments were saved only when complete, all at once or not at all."""
    if assessment.assessor_id != actor.pk:
        raise CareRefused("Only the person who started this assessment can complete it.")
    now = timezone.now()
    trusted = actor.profession in assessment.template.trusted_professions
    # Conditional, so two browser tabs cannot both complete it.
    done = Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.IN_PROGRESS).update(
        status=AssessmentStatus.COMPLETED, completed_at=now, answers=answers, trusted_assessor=trusted
    )
    if not done:
        raise CareRefused("This assessment has already been completed.")
    assessment.refresh_from_db()
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=assessment.person_id,
        category=assessment.template.category,
        detail={"assessment": assessment.pk, "completed": True},
    )
    return assessment


# -- The care plan ------------------------------------------------------------------------------------------


def _next_version(actor: Staff, person: Person, expected_version: int) -> CarePlan:
    """Move the plan from `expected_version` to the next, or raise StalePlan: the lost-update guard.

    The check and the change are one conditional UPDATE, so it holds across
    processes and databases; version 0 means "no plan yet", and the first
    change creates it.
    """
    now = timezone.now()
    plan, _ = CarePlan.objects.get_or_create(
        person=person, defaults={"version": 0, "created_at": now, "updated_at": now, "updated_by": actor}
    )
    moved = CarePlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, updated_by=actor
    )
    plan.refresh_from_db()
    if not moved:
        changes = list(
            plan.changes.filter(version__gt=expected_version).select_related("changed_by").order_by("-version")
        )
        raise StalePlan(plan, changes)
    return plan


def _log_change(actor: Staff, plan: CarePlan, summary: str, detail: dict[str, Any], created: bool = False) -> None:
    PlanChange.objects.create(
        plan=plan,
        version=plan.version,
        changed_by=actor,
        profession=actor.profession,
        changed_at=plan.updated_at,
        summary=summary[:300],
        detail=detail,
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        person_id=plan.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"care_plan_version": plan.version},
    )


# The plan's own text fields, and their names in the plan's history.
PLAN_TEXT_FIELDS = {
    "what_matters": "What matters to me",
    "crisis_plan": "Crisis plan",
    "contingency_plan": "Contingency plan",
    "carers": "Carers",
}


@transaction.atomic
def update_plan_text(*, actor: Staff, person: Person, expected_version: int, **texts: str) -> CarePlan:
    """Change what matters to the person, the crisis and contingency plans and the carers."""
    unknown = set(texts) - set(PLAN_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not plan text fields: {sorted(unknown)}")
    plan = _next_version(actor, person, expected_version)
    detail = {
        name: {"before": getattr(plan, name), "after": value}
        for name, value in texts.items()
        if getattr(plan, name) != value
    }
    for name in detail:
        setattr(plan, name, texts[name])
    plan.save(update_fields=list(detail))
    changed = ", ".join(PLAN_TEXT_FIELDS[name] for name in detail) or "nothing"
    _log_change(actor, plan, f"Changed {changed}", detail, created=plan.version == 1)
    return plan


@transaction.atomic
def add_goal(*, actor: Staff, person: Person, expected_version: int, text: str, self_care: bool) -> Goal:
    """Add a goal in the person's own words."""
    plan = _next_version(actor, person, expected_version)
    goal = Goal.objects.create(plan=plan, text=text, self_care=self_care, added_by=actor, added_at=plan.updated_at)
    kind = "self-care goal" if self_care else "goal"
    _log_change(actor, plan, f"Added a {kind}: {text}", {"goal": {"before": "", "after": text}})
    return goal


@transaction.atomic
def set_goal_status(*, actor: Staff, person: Person, expected_version: int, goal: Goal, status: GoalStatus) -> Goal:
    """Say whether a goal is met, still being worked on, or no longer wanted."""
    plan = _next_version(actor, person, expected_version)
    if goal.plan_id != plan.pk:
        raise CareRefused("This goal is not in this person's plan.")
    before = goal.get_status_display()
    goal.status = status
    goal.save(update_fields=["status"])
    _log_change(
        actor,
        plan,
        f"Marked the goal “{goal.text}” as {goal.get_status_display().lower()}",
        {"goal status": {"before": before, "after": goal.get_status_display()}},
    )
    return goal


@dataclass(frozen=True)
class ActionDetails:
    """What an action is, who owns it and by when."""

    description: str
    owner: Staff
    service_type: ServiceType
    due_on: datetime.date
    goal: Goal | None = None


@transaction.atomic
def add_action(*, actor: Staff, person: Person, expected_version: int, details: ActionDetails) -> PlanAction:
    """Add an action owned by a named professional."""
    plan = _next_version(actor, person, expected_version)
    if details.goal is not None and details.goal.plan_id != plan.pk:
        raise CareRefused("Choose one of this person's goals.", field="goal")
    action = PlanAction.objects.create(
        plan=plan,
        goal=details.goal,
        description=details.description,
        owner=details.owner,
        owner_profession=details.owner.profession,
        service_type=details.service_type,
        due_on=details.due_on,
    )
    owner = f"{details.owner.get_full_name()} ({details.owner.get_profession_display()})"
    _log_change(
        actor,
        plan,
        f"Added an action for {owner}: {details.description}",
        {"action": {"before": "", "after": details.description}},
    )
    return action


@transaction.atomic
def set_action_status(
    *, actor: Staff, person: Person, expected_version: int, action: PlanAction, status: ActionStatus
) -> PlanAction:
    """Move an action on (to do, in progress, done, cancelled)."""
    plan = _next_version(actor, person, expected_version)
    if action.plan_id != plan.pk:
        raise CareRefused("This action is not in this person's plan.")
    before = action.get_status_display()
    action.status = status
    action.save(update_fields=["status"])
    _log_change(
        actor,
        plan,
        f"Marked “{action.description}” as {action.get_status_display().lower()}",
        {"action status": {"before": before, "after": action.get_status_display()}},
    )
    return action


@transaction.atomic
def record_decision(
    *, actor: Staff, person: Person, expected_version: int, decision: str, considered_unwise: bool, risks_discussed: str
) -> PersonDecision:
    """Record a decision the person made, including one professionals consider unwise."""
    plan = _next_version(actor, person, expected_version)
    recorded = PersonDecision.objects.create(
        plan=plan,
        decision=decision,
        considered_unwise=considered_unwise,
        risks_discussed=risks_discussed,
        recorded_by=actor,
        recorded_at=plan.updated_at,
    )
    _log_change(
        actor, plan, f"Recorded the person's decision: {decision}", {"decision": {"before": "", "after": decision}}
    )
    return recorded


# -- Mental capacity ----------------------------------------------------------------------------------------


def capacity_outcome(
    *,
    impairment: bool,
    understands: bool | None,
    retains: bool | None,
    uses_or_weighs: bool | None,
    communicates: bool | None,
) -> CapacityOutcome:
    """The Mental Capacity Act test: capacity is assumed unless an impairment makes the person unable to decide.

    The person is unable to decide if they cannot do any one of the four things in stage 2.
    """
    unable = False in (understands, retains, uses_or_weighs, communicates)
    return CapacityOutcome.LACKS_CAPACITY if impairment and unable else CapacityOutcome.HAS_CAPACITY


@transaction.atomic
def record_capacity_assessment(*, actor: Staff, person: Person, answers: dict[str, Any]) -> CapacityAssessment:
    """Record a decision-specific capacity assessment (answers as `forms.CapacityForm` cleans them)."""
    outcome = capacity_outcome(
        impairment=answers["impairment"],
        understands=answers.get("understands"),
        retains=answers.get("retains"),
        uses_or_weighs=answers.get("uses_or_weighs"),
        communicates=answers.get("communicates"),
    )
    record = CapacityAssessment.objects.create(
        person=person,
        assessor=actor,
        assessor_profession=actor.profession,
        recorded_at=timezone.now(),
        outcome=outcome,
        **answers,
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=DataCategory.CAPACITY,
        detail={"capacity_assessment": record.pk},
    )
    return record


# -- Visits -------------------------------------------------------------------------------------------------


def _visitor_in_care_team(actor: Staff, person: Person, visitor: Staff) -> None:
    """Whoever is booked to visit joins the person's care team, so the policy shows them the address.

    A visit is direct care: a voluntary-sector link worker booked to visit must
    see where to go and the visit calendar, not only the safety alert.
    """
    team = current_care_team(person)
    if not any(member.staff_id == visitor.pk and member.role != CareRole.MDT_ATTENDEE for member in team):
        join_care_team(actor=actor, person=person, staff=visitor, role=CareRole.ALLOCATED_PROFESSIONAL)


@transaction.atomic
def book_visit(
    *, actor: Staff, person: Person, visitor: Staff, starts_at: datetime.datetime, minutes: int, purpose: str
) -> Visit:
    """Put a visit on the person's calendar. Overloaded days are warned about on the calendar, not refused."""
    visit = Visit.objects.create(
        person=person,
        visitor=visitor,
        profession=visitor.profession,
        starts_at=starts_at,
        minutes=minutes,
        purpose=purpose,
        booked_by=actor,
        booked_at=timezone.now(),
    )
    _visitor_in_care_team(actor, person, visitor)
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=DataCategory.CARE_PLAN,
        detail={"visit": visit.pk},
    )
    return visit


def _still_planned(visit: Visit, **changes: Any) -> Visit:
    """Change a visit only if it is still planned, in one conditional UPDATE; otherwise say what happened to it.

    Someone may have recorded an outcome or cancelled it since the form was opened.
    """
    if not Visit.objects.filter(pk=visit.pk, outcome=VisitOutcome.PLANNED).update(**changes):
        visit.refresh_from_db()
        raise CareRefused(
            f"This visit can no longer be changed: it is now “{visit.get_outcome_display().lower()}”. "
            "Go back to the visit calendar to see it as it is now."
        )
    visit.refresh_from_db()
    return visit


@transaction.atomic
def change_visit(*, actor: Staff, visit: Visit, visitor: Staff, starts_at: datetime.datetime, minutes: int) -> Visit:
    """Move a planned visit to another time, or give it to another visitor (who joins the care team)."""
    if visit.starts_at <= timezone.now():
        raise CareRefused("This visit's time has passed: record what happened instead of moving it.")
    if starts_at <= timezone.now():
        raise CareRefused("Move the visit to a time that has not passed yet", field="time")
    visit = _still_planned(visit, visitor=visitor, profession=visitor.profession, starts_at=starts_at, minutes=minutes)
    _visitor_in_care_team(actor, visit.person, visitor)
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=visit.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"visit": visit.pk, "changed": True},
    )
    return visit


@transaction.atomic
def cancel_visit(*, actor: Staff, visit: Visit, reason: str) -> Visit:
    """Call off a planned visit; the reason stays on the calendar for everyone."""
    reason = reason.strip()
    if not reason:
        raise CareRefused("Say why the visit is cancelled", field="reason")
    visit = _still_planned(visit, outcome=VisitOutcome.CANCELLED, outcome_note=reason)
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=visit.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"visit": visit.pk, "outcome": VisitOutcome.CANCELLED.value},
    )
    return visit


@transaction.atomic
def record_visit_outcome(*, actor: Staff, visit: Visit, outcome: VisitOutcome, note: str) -> Visit:
    """Say what happened at a visit whose time has come: completed, no access, or cancelled by the person."""
    if visit.starts_at > timezone.now():
        raise CareRefused(
            "This visit has not happened yet, so it cannot have an outcome. Move or cancel it instead.",
            field="outcome",
        )
    changed = (
        Visit.objects.filter(pk=visit.pk)
        .exclude(outcome=VisitOutcome.CANCELLED)
        .update(outcome=outcome, outcome_note=note)
    )
    if not changed:
        raise CareRefused("This visit was cancelled by the team, so it cannot have an outcome.")
    visit.refresh_from_db()
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=visit.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"visit": visit.pk, "outcome": outcome.value},
    )
    return visit


# -- The role guide -----------------------------------------------------------------------------------------


@transaction.atomic
def update_role_guide(
    *, actor: Staff, guide: RoleGuide, what_they_do: str, statutory_duties: str, ask_them_for: str
) -> RoleGuide:
    """A team lead rewrites a profession's page in the role guide."""
    guide.what_they_do, guide.statutory_duties, guide.ask_them_for = what_they_do, statutory_duties, ask_them_for
    guide.updated_at, guide.updated_by = timezone.now(), actor
    guide.save()
    record_event(staff=actor, action=AuditAction.UPDATE, detail={"role_guide": guide.profession})
    return guide
