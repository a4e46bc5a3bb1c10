"""Every change to MDT meetings, agendas, attendance, minutes and actions. Each is one transaction and is audited.

A refusal is raised as `MdtRefused` naming the form field it is about, so the
page can show the problem next to that field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oneteam.access.models import AuditAction, CareRole, CareTeamMembership, DataCategory, Purpose
from oneteam.access.services import ask, record_event, staff_neighbourhood_ids
from oneteam.access.services.care_team import join_care_team
from oneteam.jinja2 import nhs_date, nhs_datetime
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.people.models import Person
from oneteam.risk.models import MdtProposal
from oneteam.risk.services import mark_proposal_taken

from . import queries, timetable, words
from .models import (
    ActionStatus,
    AgendaItem,
    AgendaRequest,
    Attendance,
    ItemSource,
    MdtAction,
    Meeting,
)

# How long attending a case's discussion lets someone read it for MDT discussion (the minutes and follow-up).
ATTENDEE_ACCESS = datetime.timedelta(days=28)
# Minutes given to an overdue action that comes back to the agenda.
RETURNED_ACTION_MINUTES = 5
# The longest a meeting may run, to keep every minute about a named case.
LONGEST_MEETING = datetime.timedelta(hours=4)


class MdtRefused(Exception):
    """The change cannot be made; `field` is the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _audit(actor: Staff | None, action: AuditAction, person: Person | None, **detail: object) -> None:
    record_event(
        staff=actor,
        action=action,
        person_id=person.pk if person else None,
        category=DataCategory.CARE_PLAN if person else "",
        purpose=Purpose.MDT_DISCUSSION,
        detail=detail,
    )


def meeting_window(meeting: Meeting, minutes: int) -> tuple[datetime.datetime, datetime.datetime]:
    """When a meeting with `minutes` of agenda starts and ends."""
    return meeting.starts_at, meeting.starts_at + datetime.timedelta(minutes=minutes)


def _agenda_minutes(meeting: Meeting, extra: int = 0) -> int:
    """How long the meeting lasts: its items (and `extra` minutes more), with the minimum for a short agenda."""
    return timetable.length_in_minutes([*meeting.items.values_list("expected_minutes", flat=True), extra])


@transaction.atomic
def schedule_meeting(
    *,
    actor: Staff,
    neighbourhood: Neighbourhood,
    starts_at: datetime.datetime,
    chair: Staff,
    place: str = "",
    online_link: str = "",
    ad_hoc: bool = False,
) -> Meeting:
    """Set up an MDT meeting. Overdue actions from earlier meetings come straight back onto its agenda."""
    if neighbourhood.pk not in staff_neighbourhood_ids(actor):
        raise MdtRefused("neighbourhood", "You can only set up meetings for your own team's neighbourhood.")
    if not place and not online_link:
        raise MdtRefused("place", "Enter where the meeting is, or an online meeting link")
    if starts_at < timezone.now():
        raise MdtRefused("date", "The meeting must start in the future")
    clash = Meeting.objects.filter(
        chair=chair, starts_at__gt=starts_at - LONGEST_MEETING, starts_at__lt=starts_at + LONGEST_MEETING
    ).first()
    new_window = (starts_at, starts_at + datetime.timedelta(minutes=timetable.MINIMUM_MINUTES))
    if clash is not None and timetable.overlaps(meeting_window(clash, _agenda_minutes(clash)), new_window):
        raise MdtRefused(
            "chair",
            f"{chair} is already chairing a meeting from {nhs_datetime(clash.starts_at)} until "
            f"{words.time_of_day(meeting_window(clash, _agenda_minutes(clash))[1])}. Choose another time or chair",
        )
    meeting = Meeting.objects.create(
        neighbourhood=neighbourhood,
        starts_at=starts_at,
        chair=chair,
        place=place,
        online_link=online_link,
        ad_hoc=ad_hoc,
        created_by=actor,
        created_at=timezone.now(),
    )
    _audit(actor, AuditAction.CREATE, None, mdt_meeting=meeting.pk)
    return_overdue_actions(meeting=meeting)
    return meeting


def _check_person_is_free(meeting: Meeting, person: Person, minutes: int) -> None:
    """Refuse a second slot for the same person on this agenda, or in another meeting at the same time."""
    if meeting.items.filter(person=person).exists():
        raise MdtRefused("person", f"{person} is already on this agenda. Change that item instead of adding another")
    window = meeting_window(meeting, _agenda_minutes(meeting, minutes))
    others = (
        Meeting.objects.filter(items__person=person, starts_at__lt=window[1], starts_at__gt=window[0] - LONGEST_MEETING)
        .exclude(pk=meeting.pk)
        .distinct()
    )
    for other in others:
        if timetable.overlaps(window, meeting_window(other, _agenda_minutes(other))):
            raise MdtRefused(
                "person",
                f"{person} is already on the agenda of another MDT meeting at that time "
                f"({nhs_datetime(other.starts_at)}). Discuss them at one meeting",
            )


def _join_discussion(actor: Staff | None, person: Person, staff: Staff, until: datetime.datetime) -> None:
    """Make `staff` part of the person's care team for MDT discussion until `until`, unless they already are."""
    now = timezone.now()
    current = CareTeamMembership.objects.filter(
        person=person, staff=staff, role=CareRole.MDT_ATTENDEE, started_at__lte=now
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
    if current.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=until)).exists():
        return
    membership = join_care_team(actor=actor, person=person, staff=staff, role=CareRole.MDT_ATTENDEE)
    membership.ended_at = until
    membership.save(update_fields=["ended_at"])


def _checked_question_and_professions(question: str, professions: Iterable[str]) -> list[str]:
    """The professions, sorted and once each; refuses a blank question or no profession."""
    if not question.strip():
        raise MdtRefused("question", "Enter the question for the team")
    chosen = sorted(set(professions))
    if not chosen:
        raise MdtRefused("professions", "Select at least one profession the discussion needs")
    return chosen


def _may_propose(actor: Staff, person: Person) -> None:
    decision = ask(actor, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE)
    if not decision.allowed:
        raise MdtRefused("person", decision.reason)


@transaction.atomic
def add_item(
    *,
    actor: Staff,
    meeting: Meeting,
    person: Person,
    question: str,
    professions: Iterable[str],
    expected_minutes: int,
    source: ItemSource = ItemSource.MANUAL,
    reason: str = "",
    request: AgendaRequest | None = None,
    returned_action: MdtAction | None = None,
    risk_proposal: MdtProposal | None = None,
) -> AgendaItem:
    """Put a named person on the agenda with a question and the professions the discussion needs.

    The proposer must be allowed to see the person's care plan. The proposer, the
    chair and everyone invited (the professions the item needs, the person's GPs)
    take part in the discussion, so they join the person's care team for MDT
    discussion; others see only that an item exists and when.
    """
    if actor.pk != meeting.chair_id and meeting.neighbourhood_id not in staff_neighbourhood_ids(actor):
        raise MdtRefused("person", "Only the meeting's neighbourhood team can add items to its agenda.")
    _may_propose(actor, person)
    chosen = _checked_question_and_professions(question, professions)
    _check_person_is_free(meeting, person, expected_minutes)
    item = AgendaItem.objects.create(
        meeting=meeting,
        person=person,
        question=question.strip(),
        professions=chosen,
        expected_minutes=expected_minutes,
        proposed_by=actor,
        proposed_at=timezone.now(),
        source=source,
        reason=reason,
        request=request,
        returned_action=returned_action,
    )
    if risk_proposal is not None:
        # The proactive care list's proposal is on an agenda now, so it stops being suggested.
        mark_proposal_taken(proposal=risk_proposal, when=item.proposed_at)
    until = meeting.starts_at + ATTENDEE_ACCESS
    # Everyone invited takes part, so each may prepare: they see who the item is about wherever the
    # sharing agreement allows MDT discussion for the care team (the policy still decides).
    for staff in {actor, meeting.chair, *queries.invitees(meeting, item)}:
        _join_discussion(actor, person, staff, until)
    _audit(actor, AuditAction.CREATE, person, mdt_item=item.pk, source=source.value)
    return item


@transaction.atomic
def request_discussion(
    *, actor: Staff, person: Person, question: str, professions: Iterable[str], expected_minutes: int
) -> AgendaRequest:
    """Ask for the person to be discussed at their neighbourhood's next MDT; the chair sees it as a suggestion."""
    _may_propose(actor, person)
    neighbourhood_id = person.practice_neighbourhood_id or person.ward_neighbourhood_id
    if neighbourhood_id is None:
        raise MdtRefused("person", "This person lives and is registered outside the area, so has no MDT here.")
    chosen = _checked_question_and_professions(question, professions)
    request = AgendaRequest.objects.create(
        person=person,
        neighbourhood_id=neighbourhood_id,
        question=question.strip(),
        professions=chosen,
        expected_minutes=expected_minutes,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    _audit(actor, AuditAction.CREATE, person, mdt_request=request.pk)
    return request


def _must_chair(actor: Staff, item: AgendaItem) -> None:
    if actor.pk != item.meeting.chair_id:
        raise MdtRefused("staff", "Only the meeting's chair records its minutes.")


@transaction.atomic
def record_attendance(*, actor: Staff, item: AgendaItem, attendees: Iterable[Staff]) -> list[Attendance]:
    """Record who took part in discussing the item. Each joins the person's care team for MDT discussion."""
    _must_chair(actor, item)
    now = timezone.now()
    recorded = []
    already = set(item.attendance.values_list("staff_id", flat=True))
    for staff in attendees:
        if staff.pk in already:
            continue
        recorded.append(
            Attendance.objects.create(
                item=item, staff=staff, profession=staff.profession, recorded_by=actor, recorded_at=now
            )
        )
        _join_discussion(actor, item.person, staff, max(item.meeting.starts_at, now) + ATTENDEE_ACCESS)
    _audit(actor, AuditAction.UPDATE, item.person, mdt_item=item.pk, attended=[a.staff_id for a in recorded])
    return recorded


@transaction.atomic
def record_outcome(*, actor: Staff, item: AgendaItem, summary: str, decision: str, actual_minutes: int) -> AgendaItem:
    """Record the discussion summary, the decision and how long the discussion took."""
    _must_chair(actor, item)
    if timezone.now() < item.meeting.starts_at:
        raise MdtRefused(
            "decision",
            f"The meeting has not started yet. Record the decision once it has, from "
            f"{nhs_datetime(item.meeting.starts_at)}",
        )
    if not decision.strip():
        raise MdtRefused("decision", "Enter what the team decided")
    item.summary, item.decision, item.actual_minutes = summary.strip(), decision.strip(), actual_minutes
    item.discussed_at = timezone.now()
    item.save(update_fields=["summary", "decision", "actual_minutes", "discussed_at"])
    _audit(actor, AuditAction.UPDATE, item.person, mdt_item=item.pk, outcome=True)
    return item


@transaction.atomic
def add_action(*, actor: Staff, item: AgendaItem, description: str, owner: Staff, due_on: datetime.date) -> MdtAction:
    """An action the team agreed: a named owner and a due date. It shows in the owner's inbox until done."""
    _must_chair(actor, item)
    if not description.strip():
        raise MdtRefused("description", "Enter what needs to be done")
    if not owner.is_active:
        raise MdtRefused("owner", "Choose someone whose account is active")
    action = MdtAction.objects.create(
        item=item,
        person=item.person,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    _audit(actor, AuditAction.CREATE, item.person, mdt_action=action.pk, owner=owner.pk)
    return action


@transaction.atomic
def complete_action(*, actor: Staff, action: MdtAction) -> MdtAction:
    """The owner (or the chair of the meeting that set it) marks the action done."""
    if actor.pk not in (action.owner_id, action.item.meeting.chair_id):
        raise MdtRefused("action", "Only the action's owner or the meeting's chair can mark it done.")
    if action.status == ActionStatus.DONE:
        return action
    action.status, action.done_at = ActionStatus.DONE, timezone.now()
    action.save(update_fields=["status", "done_at"])
    _audit(actor, AuditAction.UPDATE, action.person, mdt_action=action.pk, done=True)
    return action


def overdue_actions(neighbourhood_id: int, today: datetime.date) -> list[MdtAction]:
    """Open actions past their due date, from the neighbourhood's meetings, with their owners."""
    return list(
        MdtAction.objects.filter(
            status=ActionStatus.OPEN, due_on__lt=today, item__meeting__neighbourhood_id=neighbourhood_id
        ).select_related("owner", "person")
    )


def returned_question(actions: list[MdtAction]) -> str:
    """The question for a person whose MDT actions are overdue."""
    listed = "; ".join(f"{a.description} ({a.owner}, due {nhs_date(a.due_on)})" for a in actions)
    return f"Overdue MDT action{'s' if len(actions) > 1 else ''}: {listed}. What is needed to finish?"


@transaction.atomic
def return_overdue_actions(*, meeting: Meeting) -> list[AgendaItem]:
    """Put each person with overdue actions from earlier meetings on this agenda, once, unless they are on it already
    or on another upcoming meeting's agenda for the same actions.
    """
    today = timezone.localdate()
    by_person: dict[int, list[MdtAction]] = {}
    for action in overdue_actions(meeting.neighbourhood_id, today):
        by_person.setdefault(action.person_id, []).append(action)
    already_returned = set(
        AgendaItem.objects.filter(
            returned_action__in=[a for actions in by_person.values() for a in actions],
            meeting__starts_at__gte=timezone.now(),
        ).values_list("returned_action__person_id", flat=True)
    )
    on_agenda = set(meeting.items.values_list("person_id", flat=True))
    added = []
    for person_id, actions in by_person.items():
        if person_id in already_returned or person_id in on_agenda:
            continue
        person = actions[0].person
        item = AgendaItem.objects.create(
            meeting=meeting,
            person=person,
            question=returned_question(actions),
            professions=sorted({a.owner.profession for a in actions}),
            expected_minutes=RETURNED_ACTION_MINUTES,
            proposed_by=None,
            proposed_at=timezone.now(),
            source=ItemSource.OVERDUE_ACTION,
            reason=f"{len(actions)} MDT action{'s' if len(actions) > 1 else ''} overdue",
            returned_action=actions[0],
        )
        _join_discussion(None, person, meeting.chair, meeting.starts_at + ATTENDEE_ACCESS)
        _audit(None, AuditAction.CREATE, person, mdt_item=item.pk, source=ItemSource.OVERDUE_ACTION.value)
        added.append(item)
    return added


def next_meeting(neighbourhood_id: int) -> Meeting | None:
    """The neighbourhood's next meeting that has not started."""
    return Meeting.objects.filter(neighbourhood_id=neighbourhood_id, starts_at__gt=timezone.now()).first()
