"""What OneTeam suggests for a meeting's agenda: pluggable sources, each a plain function.

A source takes the meeting and the time now and returns suggestions: a person,
the reason in words, a suggested question and the professions it needs. The
chair sees only the people the access policy lets them see for direct care.

Sources: requests from people's records, proposals from the proactive care list
and people newly severely frail (oneteam/risk), referrals past their target,
recent discharges, overdue MDT actions and overdue care-plan actions (oneteam/care).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import ask, prefetch, record_event
from oneteam.care.models import ActionStatus, PlanAction
from oneteam.jinja2 import nhs_date
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person
from oneteam.referrals.models import HospitalEvent, HospitalEventKind, Referral
from oneteam.referrals.queries import SUITED_PROFESSIONS
from oneteam.referrals.targets import breached, target_minutes
from oneteam.risk.efi import Category
from oneteam.risk.models import MdtProposal, PersonRisk
from oneteam.risk.queries import current_run

from . import words
from .models import AgendaRequest, ItemSource, Meeting
from .services import overdue_actions, returned_question

# Each source offers at most this many, oldest problem first, so one source cannot crowd out the rest.
PER_SOURCE = 15
DEFAULT_MINUTES = 10
DISCHARGE_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Suggestion:
    """A case OneTeam suggests for the agenda, and why, in words. `key` identifies it in a link."""

    key: str
    source: ItemSource
    person: Person
    reason: str
    question: str
    professions: tuple[str, ...]
    minutes: int = DEFAULT_MINUTES

    @property
    def professions_in_words(self) -> str:
        return words.professions(self.professions)


Source = Callable[[Meeting, datetime.datetime], list[Suggestion]]


def _in_neighbourhood(meeting: Meeting, prefix: str = "person__") -> Q:
    return Q(**{f"{prefix}practice_neighbourhood_id": meeting.neighbourhood_id}) | Q(
        **{f"{prefix}ward_neighbourhood_id": meeting.neighbourhood_id}
    )


def _not_on_agenda(rows: QuerySet, meeting: Meeting) -> QuerySet:  # type: ignore[type-arg]
    return rows.exclude(person_id__in=meeting.items.values("person_id"))


def key_worker_requests(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """Requests made from people's records by any team member, not yet on an agenda."""
    requests = _not_on_agenda(
        AgendaRequest.objects.filter(neighbourhood_id=meeting.neighbourhood_id, item__isnull=True), meeting
    ).select_related("person", "requested_by")
    return [
        Suggestion(
            key=f"request:{request.pk}",
            source=ItemSource.REQUEST,
            person=request.person,
            reason=f"Requested by {request.requested_by} ({request.requested_by.get_profession_display()}) "
            f"on {nhs_date(request.requested_at)}",
            question=request.question,
            professions=tuple(request.professions),
            minutes=request.expected_minutes,
        )
        for request in requests[:PER_SOURCE]
    ]


def stuck_referrals(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """Referrals in the neighbourhood past their first-contact target."""
    referrals = _not_on_agenda(
        breached(Referral.objects.filter(neighbourhood_id=meeting.neighbourhood_id), target_minutes(), now).filter(
            person__isnull=False
        ),
        meeting,
    ).select_related("person")
    suggestions = []
    seen: set[int] = set()
    for referral in referrals.order_by("received_at", "pk")[: PER_SOURCE * 2]:
        assert referral.person is not None
        if referral.person_id in seen:
            continue
        seen.add(referral.person_id)
        need = referral.get_need_display().lower()
        suggestions.append(
            Suggestion(
                key=f"referral:{referral.pk}",
                source=ItemSource.STUCK_REFERRAL,
                person=referral.person,
                reason=f"{referral.get_urgency_display()} referral for {need}, received "
                f"{nhs_date(referral.received_at)}, has had no first contact within its target",
                question=f"The {need} referral has waited past its target. Who will make contact, and by when?",
                professions=tuple(SUITED_PROFESSIONS[referral.need]),
            )
        )
    return suggestions[:PER_SOURCE]


def recent_discharges(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """People from the neighbourhood discharged from hospital in the last week."""
    events = _not_on_agenda(
        HospitalEvent.objects.filter(kind=HospitalEventKind.DISCHARGE, occurred_at__gte=now - DISCHARGE_WINDOW).filter(
            _in_neighbourhood(meeting)
        ),
        meeting,
    ).select_related("person")
    suggestions: dict[int, Suggestion] = {}
    for event in events.order_by("occurred_at", "pk")[: PER_SOURCE * 2]:
        suggestions.setdefault(
            event.person_id,
            Suggestion(
                key=f"discharge:{event.pk}",
                source=ItemSource.DISCHARGE,
                person=event.person,
                reason=f"Discharged from hospital on {nhs_date(event.occurred_at)}",
                question="Is the support at home working since discharge, and does anything need to change?",
                professions=(Profession.DISTRICT_NURSE, Profession.GP, Profession.SOCIAL_WORKER),
            ),
        )
    return list(suggestions.values())[:PER_SOURCE]


def overdue_mdt_actions(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """People with MDT actions past their due date that are not yet back on this agenda."""
    on_agenda = set(meeting.items.values_list("person_id", flat=True))
    by_person: dict[int, list] = {}  # type: ignore[type-arg]
    for action in overdue_actions(meeting.neighbourhood_id, timezone.localdate(now)):
        if action.person_id not in on_agenda:
            by_person.setdefault(action.person_id, []).append(action)
    return [
        Suggestion(
            key=f"action:{actions[0].pk}",
            source=ItemSource.OVERDUE_ACTION,
            person=actions[0].person,
            reason=f"{len(actions)} MDT action{'s' if len(actions) > 1 else ''} overdue",
            question=returned_question(actions),
            professions=tuple(sorted({a.owner.profession for a in actions})),
            minutes=5,
        )
        for actions in list(by_person.values())[:PER_SOURCE]
    ]


PROACTIVE_PROFESSIONS = (Profession.GP, Profession.COMMUNITY_MATRON, Profession.SOCIAL_WORKER)


def newly_in_top_risk_band(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """People proposed from the proactive care list, then people who became severely frail in the latest run."""
    proposals = _not_on_agenda(
        MdtProposal.objects.filter(neighbourhood_id=meeting.neighbourhood_id, taken_at__isnull=True), meeting
    ).select_related("person", "proposed_by")
    suggestions = [
        Suggestion(
            key=f"proposal:{proposal.pk}",
            source=ItemSource.TOP_RISK_BAND,
            person=proposal.person,
            reason=f"Proposed from the proactive care list by {proposal.proposed_by} on "
            f"{nhs_date(proposal.created)}: {proposal.why}",
            question=proposal.question,
            professions=PROACTIVE_PROFESSIONS,
        )
        for proposal in proposals.order_by("created", "pk")[:PER_SOURCE]
    ]
    run = current_run()
    if run is not None:
        proposed = {suggestion.person.pk for suggestion in suggestions}
        newly_severe = _not_on_agenda(
            PersonRisk.objects.filter(run=run, practice_neighbourhood_id=meeting.neighbourhood_id)
            .filter(category=Category.SEVERE)
            .exclude(previous_category=Category.SEVERE)
            .exclude(person_id__in=proposed),
            meeting,
        ).select_related("person")
        suggestions += [
            Suggestion(
                key=f"severe:{score.pk}",
                source=ItemSource.TOP_RISK_BAND,
                person=score.person,
                reason=f"Newly severely frail in the risk run of {nhs_date(run.as_of)} "
                f"({score.deficits} of 36 eFI deficits)",
                question="What proactive support would help before a crisis, and who will offer it?",
                professions=PROACTIVE_PROFESSIONS,
            )
            for score in newly_severe.order_by("-priority", "pk")[: PER_SOURCE - len(suggestions)]
        ]
    return suggestions


def overdue_care_plan_actions(meeting: Meeting, now: datetime.datetime) -> list[Suggestion]:
    """People whose shared care plan has actions past their due date."""
    today = timezone.localdate(now)
    actions = (
        PlanAction.objects.filter(due_on__lt=today, plan__person__practice_neighbourhood_id=meeting.neighbourhood_id)
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
        .exclude(plan__person_id__in=meeting.items.values("person_id"))
        .select_related("plan__person", "owner")
        .order_by("due_on", "pk")
    )
    by_person: dict[int, list[PlanAction]] = {}
    for action in actions[: PER_SOURCE * 3]:
        by_person.setdefault(action.plan.person_id, []).append(action)
    return [
        Suggestion(
            key=f"plan_action:{overdue[0].pk}",
            source=ItemSource.OVERDUE_PLAN_ACTION,
            person=overdue[0].plan.person,
            reason=f"{len(overdue)} care plan action{'s' if len(overdue) > 1 else ''} overdue, "
            f"the oldest due {nhs_date(overdue[0].due_on)}",
            question="Care plan actions are overdue. What is stopping them, and who will pick them up?",
            professions=tuple(sorted({action.owner_profession for action in overdue})),
            minutes=5,
        )
        for overdue in list(by_person.values())[:PER_SOURCE]
    ]


# The sources, in the order the chair sees them.
SOURCES: list[Source] = [
    key_worker_requests,
    newly_in_top_risk_band,
    stuck_referrals,
    recent_discharges,
    overdue_mdt_actions,
    overdue_care_plan_actions,
]


@dataclass(frozen=True)
class Suggestions:
    """The suggestions the viewer may see, and how many others they may not."""

    shown: list[Suggestion]
    hidden: int


def suggest(*, staff: Staff, meeting: Meeting, sources: list[Source] | None = None) -> Suggestions:
    """Every source's suggestions, one per person, kept to those `staff` may see. One audit event for the list."""
    now = timezone.now()
    one_per_person: dict[int, Suggestion] = {}
    for source in SOURCES if sources is None else sources:
        for suggestion in source(meeting, now):
            one_per_person.setdefault(suggestion.person.pk, suggestion)
    prefetch(staff, [suggestion.person for suggestion in one_per_person.values()])
    shown = [
        suggestion
        for suggestion in one_per_person.values()
        if ask(staff, suggestion.person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed
    ]
    hidden = len(one_per_person) - len(shown)
    record_event(
        staff=staff,
        action=AuditAction.SEARCH,
        purpose=Purpose.DIRECT_CARE,
        detail={"mdt_suggestions": meeting.pk, "shown": len(shown), "hidden": hidden},
    )
    return Suggestions(shown=shown, hidden=hidden)


def find(*, staff: Staff, meeting: Meeting, key: str) -> Suggestion | None:
    """The suggestion with this key, if it is still suggested and `staff` may see it."""
    return next((s for s in suggest(staff=staff, meeting=meeting).shown if s.key == key), None)
