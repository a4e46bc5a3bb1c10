"""Reads of MDT meetings: the agenda and timetable (each item shown only to those the policy allows), a member
of staff's own part of a meeting, actions for the inbox and the person record, meeting measures, the huddle board.

Agenda items are read for MDT discussion: an item's person and question are shown
to those the policy allows (their care team, including MDT attendees for that
case); everyone else sees only that an item exists and when.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from oneteam.access import audit
from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose
from oneteam.access.services import (
    Decision,
    ask,
    audit_list,
    gives_direct_care,
    new_event,
    prefetch,
    staff_neighbourhood_ids,
    staff_teams,
)
from oneteam.organisations.models import Organisation, Profession, Staff, Team
from oneteam.people.models import Person, SafetyAlert
from oneteam.referrals.models import DischargeHandover, Episode, Referral, State, Urgency

from . import timetable, words
from .models import ActionStatus, AgendaItem, Attendance, MdtAction, Meeting

UPCOMING_SHOWN = 20
PERSON_DECISIONS_SHOWN = 50
# No meeting runs longer than this, so only meetings starting this long before another can overlap it.
_LONGEST = datetime.timedelta(hours=4)


# What an agenda item shows, each as the policy allows the viewer for MDT discussion: who it is about (their
# name and NHS number), and what will be discussed (the question, the needs and the decision).
ITEM_CATEGORIES = (DataCategory.DEMOGRAPHICS, DataCategory.CARE_PLAN)


@dataclass(frozen=True)
class Line:
    """One agenda item in the timetable, and whether the viewer may see who and what it is about."""

    item: AgendaItem
    starts: datetime.datetime
    ends: datetime.datetime
    decisions: dict[DataCategory, Decision]
    relevant: bool
    # The person's safety alerts, for anyone who may see who they are.
    alerts: tuple[SafetyAlert, ...] = ()

    @property
    def who_visible(self) -> bool:
        """Whether the viewer may see who the item is about."""
        return self.decisions[DataCategory.DEMOGRAPHICS].allowed

    @property
    def visible(self) -> bool:
        """Whether the viewer may see what will be discussed."""
        return self.decisions[DataCategory.CARE_PLAN].allowed

    @property
    def when(self) -> str:
        return words.time_range(self.starts, self.ends)

    @property
    def professions(self) -> str:
        return words.professions(self.item.professions)


@dataclass(frozen=True)
class SlotView:
    """One GP practice's consecutive part of the meeting."""

    practice: Organisation | None  # None: people whose GP practice is not known
    starts: datetime.datetime
    ends: datetime.datetime
    lines: list[Line]

    @property
    def when(self) -> str:
        return words.time_range(self.starts, self.ends)


@dataclass
class Agenda:
    """A meeting's timetable as the viewer may see it."""

    meeting: Meeting
    slots: list[SlotView]
    ends: datetime.datetime
    is_chair: bool
    lines: list[Line] = field(default_factory=list)
    # Another meeting the same chair chairs that overlaps this one as its agenda now stands.
    chair_clash: Meeting | None = None

    @property
    def ends_words(self) -> str:
        return words.time_of_day(self.ends)

    def relevant_slots(self) -> list[SlotView]:
        """Only the slots and items that need the viewer: their profession, or for a GP their practice's slot."""
        kept = [SlotView(s.practice, s.starts, s.ends, [line for line in s.lines if line.relevant]) for s in self.slots]
        return [slot for slot in kept if slot.lines]


def is_relevant(staff: Staff, item: AgendaItem) -> bool:
    """Whether an item needs `staff`: GPs join their own practice's slot; others, items needing their profession."""
    if staff.profession == Profession.GP:
        return staff.organisation_id == item.person.gp_practice_id
    return staff.profession in item.professions


def meeting_for(staff: Staff, meeting_id: int) -> Meeting:
    """A meeting of one of the staff member's neighbourhoods, or one they chair (404 otherwise)."""
    meeting = (
        Meeting.objects.select_related("chair", "neighbourhood")
        .filter(
            Q(neighbourhood_id__in=staff_neighbourhood_ids(staff))
            | Q(chair=staff)
            | Q(items__attendance__staff=staff)
            | Q(items__person__gp_practice_id=staff.organisation_id)
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def agenda(*, staff: Staff, meeting: Meeting, action: AuditAction = AuditAction.VIEW) -> Agenda:
    """The meeting's timetable with every item decided for MDT discussion; one audit append for all of them.

    Queries: the items with their people and practices, the policy's one query for
    all their people, then the audit append: the same for 4 items or 40.
    """
    items = list(meeting.items.select_related("person__gp_practice", "proposed_by").order_by("proposed_at", "pk"))
    entries = [timetable.Entry(item.pk, item.person.gp_practice_id, item.expected_minutes) for item in items]
    by_pk = {item.pk: item for item in items}
    practices = {item.person.gp_practice_id: item.person.gp_practice for item in items}
    prefetch(staff, [item.person for item in items])
    decisions = {item.pk: _item_decisions(staff, item) for item in items}
    alerts = _safety_alerts([item for item in items if decisions[item.pk][DataCategory.DEMOGRAPHICS].allowed])
    slots = []
    lines = []
    for slot in timetable.build(entries, meeting.starts_at):
        slot_lines = [
            Line(
                by_pk[t.key],
                t.starts,
                t.ends,
                decisions[t.key],
                is_relevant(staff, by_pk[t.key]),
                tuple(alerts.get(by_pk[t.key].person_id, ())),
            )
            for t in slot.items
        ]
        lines += slot_lines
        slots.append(SlotView(practices[slot.practice], slot.starts, slot.ends, slot_lines))
    # Each person on the agenda is recorded, by what the page showed or held back of them, in one append.
    audit.append(
        _item_events(staff, [(item, decisions[item.pk]) for item in items], action)
        or [new_event(staff=staff, action=action, purpose=Purpose.MDT_DISCUSSION, detail={"mdt_meeting": meeting.pk})]
    )
    ends = timetable.ends_at(entries, meeting.starts_at)
    return Agenda(
        meeting=meeting,
        slots=slots,
        ends=ends,
        is_chair=staff.pk == meeting.chair_id,
        lines=lines,
        chair_clash=chair_clash(meeting, ends),
    )


def _item_decisions(staff: Staff, item: AgendaItem) -> dict[DataCategory, Decision]:
    """The policy's answers (not audited: the caller audits them) about an item's person, for MDT discussion."""
    return {category: ask(staff, item.person, category, Purpose.MDT_DISCUSSION) for category in ITEM_CATEGORIES}


def _item_events(
    staff: Staff, answers: list[tuple[AgendaItem, dict[DataCategory, Decision]]], action: AuditAction
) -> list[AuditEvent]:
    """The audit events for the policy's answers about items' people: `action` where allowed, else denied."""
    return [
        new_event(
            staff=staff,
            action=action if decision.allowed else AuditAction.DENIED,
            person_id=item.person_id,
            category=category,
            purpose=Purpose.MDT_DISCUSSION,
            allowed=decision.allowed,
            reason=decision.reason,
            detail={"mdt_item": item.pk},
        )
        for item, decisions in answers
        for category, decision in decisions.items()
    ]


def _safety_alerts(items: list[AgendaItem]) -> dict[int, list[SafetyAlert]]:
    """Active safety alerts of the people of items whose person the viewer may see, in one query.

    The policy shows safety alerts to anyone for MDT discussion; the agenda's audit
    events for these items (for MDT discussion) record the read.
    """
    alerts: dict[int, list[SafetyAlert]] = {}
    for alert in SafetyAlert.objects.filter(person_id__in=[item.person_id for item in items], active=True):
        alerts.setdefault(alert.person_id, []).append(alert)
    return alerts


def chair_clash(meeting: Meeting, ends: datetime.datetime) -> Meeting | None:
    """The first other meeting the chair chairs whose time overlaps this one's, if any. One query."""
    others = (
        Meeting.objects.filter(
            chair_id=meeting.chair_id, starts_at__lt=ends, starts_at__gt=meeting.starts_at - _LONGEST
        )
        .exclude(pk=meeting.pk)
        .annotate(agenda_minutes=Sum("items__expected_minutes"))
        .order_by("starts_at", "pk")
    )
    for other in others:
        other_ends = other.starts_at + datetime.timedelta(
            minutes=timetable.length_in_minutes([other.agenda_minutes or 0])
        )
        if timetable.overlaps((meeting.starts_at, ends), (other.starts_at, other_ends)):
            return other
    return None


@dataclass(frozen=True)
class ItemPage:
    """One agenda item as the chair runs it: who may attend, who did, the outcome and actions."""

    item: AgendaItem
    attendance: list[Attendance]
    actions: list[MdtAction]
    candidates: list[Staff]
    alerts: list[SafetyAlert] = field(default_factory=list)
    key_worker: Staff | None = None  # the key worker of the person's open episode, as their record names them

    @property
    def started(self) -> bool:
        """Decisions are recorded only once the meeting has started."""
        return self.item.meeting.starts_at <= timezone.now()

    @property
    def professions(self) -> str:
        return words.professions(self.item.professions)


def invitees(meeting: Meeting, item: AgendaItem) -> QuerySet[Staff]:
    """Who could take part in an item: the neighbourhood team's members of the professions needed, the chair,
    and the GPs of the person's own practice.
    """
    team_members = Staff.teams.through.objects.filter(team__neighbourhood_id=meeting.neighbourhood_id).values(
        "staff_id"
    )
    return (
        Staff.objects.filter(is_active=True)
        .filter(
            Q(pk__in=team_members, profession__in=item.professions)
            | Q(pk=meeting.chair_id)
            | Q(profession=Profession.GP, organisation_id=item.person.gp_practice_id)
        )
        .order_by("last_name", "first_name", "pk")
    )


def item_page(*, staff: Staff, item_id: int) -> ItemPage | None:
    """The item for the meeting's chair; None (audited) if the policy does not let them see it."""
    item = AgendaItem.objects.select_related("meeting__chair", "person__gp_practice").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such agenda item")
    decisions = _item_decisions(staff, item)
    audit.append(_item_events(staff, [(item, decisions)], AuditAction.VIEW))
    # Running an item names the person and records what is decided about them: the chair needs both.
    if not all(decision.allowed for decision in decisions.values()) or staff.pk != item.meeting.chair_id:
        return None
    return ItemPage(
        item=item,
        attendance=list(item.attendance.select_related("staff")),
        actions=list(item.actions.select_related("owner")),
        candidates=list(invitees(item.meeting, item)),
        alerts=_safety_alerts([item]).get(item.person_id, []),
        key_worker=key_worker_of(item.person),
    )


def key_worker_of(person: Person) -> Staff | None:
    """The person's key worker: the one of their open episode, the same one their record and sharing page name."""
    episode = Episode.objects.filter(person=person, closed_at__isnull=True).select_related("key_worker").first()
    return episode.key_worker if episode else None


def upcoming_meetings(staff: Staff) -> list[Meeting]:
    """Meetings of the staff member's neighbourhoods from today on, or that they chair, with their item counts."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Meeting.objects.filter(Q(neighbourhood_id__in=staff_neighbourhood_ids(staff)) | Q(chair=staff))
        .filter(starts_at__gte=today)
        .select_related("neighbourhood", "chair")
        .annotate(item_count=Count("items"))
        .order_by("starts_at", "pk")[:UPCOMING_SHOWN]
    )


# -- Actions: the owner's inbox and the person record --------------------------------------------------------


def open_actions_owned_by(staff: Staff) -> list[MdtAction]:
    """The MDT actions `staff` owns and has not finished, soonest due first, annotated with `overdue`.

    Owning an action is reason enough to see whom it is for.
    """
    overdue = Case(When(due_on__lt=timezone.localdate(), then=Value(True)), default=Value(False))
    return list(
        MdtAction.objects.filter(owner=staff, status=ActionStatus.OPEN)
        .annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .select_related("person", "item__meeting")
        .order_by("due_on", "pk")
    )


def actions_needing_attention(staff_id: int, today: datetime.date) -> QuerySet[MdtAction]:
    """The staff member's open MDT actions due by `today`, for the header's inbox count."""
    return MdtAction.objects.filter(owner_id=staff_id, status=ActionStatus.OPEN, due_on__lte=today)


def person_decisions(person: Person) -> list[AgendaItem]:
    """The MDT decisions made about the person, newest first, with their meetings; for a caller that has asked the
    policy about the person's care plan.
    """
    return list(
        person.mdt_items.exclude(decision="")
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-pk")[:PERSON_DECISIONS_SHOWN]
    )


def person_actions(person: Person) -> list[MdtAction]:
    """The person's MDT actions, open first. Call only after the policy allowed their care plan."""
    return list(
        MdtAction.objects.filter(person=person).select_related("owner", "item__meeting").order_by("-status", "due_on")
    )


# -- Measures for the outcomes work ------------------------------------------------------------------------


@dataclass(frozen=True)
class Measures:
    """How a set of meetings went. Shares are None when there is nothing to divide by."""

    cases: int
    minutes_per_case: float | None
    attendance_by_profession: dict[str, int]
    gp_attendance: float | None  # share of discussed cases a GP took part in
    actions_due: int
    actions_on_time: float | None  # share of actions due by `on` that were done by their due date


def measures(meetings: QuerySet[Meeting], on: datetime.date | None = None) -> Measures:
    """Minutes per case, attendance by profession, GP attendance and actions done on time, for `meetings`."""
    on = on or timezone.localdate()
    discussed = AgendaItem.objects.filter(meeting__in=meetings, discussed_at__isnull=False)
    minutes = list(discussed.values_list("actual_minutes", "expected_minutes"))
    by_profession = Counter(
        dict(
            Attendance.objects.filter(item__meeting__in=meetings)
            .values("profession")
            .annotate(n=Count("pk"))
            .values_list("profession", "n")
        )
    )
    with_gp = discussed.filter(attendance__profession=Profession.GP).distinct().count()
    due = MdtAction.objects.filter(item__meeting__in=meetings, due_on__lte=on)
    done_in_time = sum(
        1
        for status, done_at, due_on in due.values_list("status", "done_at", "due_on")
        if status == ActionStatus.DONE and timezone.localdate(done_at) <= due_on
    )
    actions_due = due.count()
    return Measures(
        cases=len(minutes),
        minutes_per_case=sum(actual or expected for actual, expected in minutes) / len(minutes) if minutes else None,
        attendance_by_profession=dict(by_profession),
        gp_attendance=with_gp / len(minutes) if minutes else None,
        actions_due=actions_due,
        actions_on_time=done_in_time / actions_due if actions_due else None,
    )


# -- The daily huddle board ----------------------------------------------------------------------------------


@dataclass
class Board:
    """What a team looks at in its daily huddle."""

    team: Team
    urgent_referrals: list[Referral]
    discharges: list[DischargeHandover]
    safety_alerts: list[SafetyAlert]
    actions_due: list[MdtAction]
    updated_at: datetime.datetime
    held_back: int = 0  # entries about people whose care plan the viewer may not see


def huddle_board(*, staff: Staff, team_id: int) -> Board | None:
    """The team's huddle board; None unless `staff` is in the team.

    New urgent referrals are the team's own front-door caseload, shown as its queue
    shows them. Discharges and actions name people, so each is kept only if the
    policy lets the viewer see that person's care plan (one query for all of them):
    someone who withdrew consent to share with the wider team is not put on a wall
    screen. Safety alerts are always shown for direct care. The page records each person
    it showed, in one append. Roles without direct care never see the board.
    """
    team = next((team for team in staff_teams(staff) if team.pk == team_id), None)
    if team is None or team.neighbourhood_id is None or not gives_direct_care(staff):
        return None
    now = timezone.now()
    today = timezone.localdate()
    area = Q(person__practice_neighbourhood_id=team.neighbourhood_id) | Q(
        person__ward_neighbourhood_id=team.neighbourhood_id
    )
    discharges = list(
        DischargeHandover.objects.filter(event__occurred_at__date=today)
        .filter(Q(team=team) | area)
        .select_related("person", "event")
        .order_by("event__occurred_at", "pk")
    )
    actions = list(
        MdtAction.objects.filter(
            status=ActionStatus.OPEN, due_on=today, item__meeting__neighbourhood_id=team.neighbourhood_id
        )
        .select_related("person", "owner")
        .order_by("owner__last_name", "pk")
    )
    prefetch(staff, [handover.person for handover in discharges] + [action.person for action in actions])

    def allowed(person: Person) -> bool:
        return ask(staff, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed

    board = Board(
        team=team,
        urgent_referrals=list(
            Referral.objects.filter(
                neighbourhood_id=team.neighbourhood_id,
                urgency=Urgency.URGENT,
                received_at__gte=now - datetime.timedelta(days=1),
            )
            .exclude(state=State.CLOSED)
            .order_by("-received_at", "-pk")
        ),
        discharges=[handover for handover in discharges if allowed(handover.person)],
        safety_alerts=list(
            SafetyAlert.objects.filter(active=True, raised_on__gte=today - datetime.timedelta(days=1))
            .filter(area)
            .select_related("person")
            .order_by("-raised_on", "-pk")
        ),
        actions_due=[action for action in actions if allowed(action.person)],
        updated_at=now,
        held_back=len(discharges) + len(actions),
    )
    board.held_back -= len(board.discharges) + len(board.actions_due)
    shown = [
        *(referral.person_id for referral in board.urgent_referrals),
        *(handover.person_id for handover in board.discharges),
        *(alert.person_id for alert in board.safety_alerts),
        *(action.person_id for action in board.actions_due),
    ]
    audit_list(
        staff=staff,
        person_ids=[person_id for person_id in shown if person_id is not None],
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        detail={"huddle": team.pk},
    )
    return board
