"""Reads of referrals: one referral's page, team queues, the inbox, allocation suggestions, the person record.

Every read that names the people referrals are about is audited: a list records
each person it showed (one append for the page), a referral writes one event for
itself. Whether a member of staff may open or work on a referral is decided by
`oneteam.access.services.decide_referral`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Now
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oneteam.access.models import AuditAction, CareRole, CareTeamMembership, DataCategory, Purpose
from oneteam.access.services import (
    NO_DIRECT_CARE,
    audit_list,
    authorise_read,
    authorise_referral,
    decide_referral,
    gives_direct_care,
    prefetch,
    record_event,
    staff_teams,
)
from oneteam.care.queries import plan_actions_needing_attention
from oneteam.directory.queries import follow_ups_due
from oneteam.mdt.queries import actions_needing_attention
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.people.models import Person

from .models import (
    DischargeHandover,
    Episode,
    HandoverOffer,
    KeyWorkerChange,
    Need,
    Notice,
    OfferStatus,
    Referral,
    ReferralEvent,
    State,
)
from .services import owner_in_words
from .targets import breached, target_minutes, waiting_for_first_contact, with_due_time

QUEUE_PAGE_SIZE = 50
# How many of a person's referrals their record lists, newest first; each links to its full history.
PERSON_REFERRALS_SHOWN = 20
SUGGESTIONS_SHOWN = 5

# The trusted-assessor table: who is best placed to assess each need, whichever door the referral came through.
SUITED_PROFESSIONS: dict[str, tuple[Profession, ...]] = {
    Need.FALLS: (Profession.PHYSIOTHERAPIST, Profession.OCCUPATIONAL_THERAPIST),
    Need.WOUND_CARE: (Profession.DISTRICT_NURSE,),
    Need.PERSONAL_CARE: (Profession.SOCIAL_CARE_ASSESSOR, Profession.SOCIAL_WORKER),
    Need.CARER_STRESS: (Profession.SOCIAL_WORKER, Profession.VCSE_LINK_WORKER),
    Need.LONELINESS: (Profession.VCSE_LINK_WORKER,),
    Need.HOUSING: (Profession.SOCIAL_WORKER,),
    Need.MENTAL_HEALTH: (Profession.MENTAL_HEALTH_NURSE,),
    Need.END_OF_LIFE: (Profession.DISTRICT_NURSE, Profession.COMMUNITY_MATRON),
    Need.MEDICATION: (Profession.COMMUNITY_MATRON, Profession.GP),
    Need.OTHER: (Profession.CARE_COORDINATOR,),
}


def _team_ids(staff: Staff) -> set[int]:
    return {team.pk for team in staff_teams(staff)}


def _annotated(referrals: QuerySet[Referral], now: datetime.datetime) -> QuerySet[Referral]:
    """Add `contact_due_at` and `overdue` (first contact not made in time), both worked out by the database."""
    return with_due_time(referrals, target_minutes()).annotate(
        overdue=_flag(waiting_for_first_contact() & Q(contact_due_at__lt=now))
    )


def _flag(condition: Q) -> Case:
    """True where `condition` holds, as a column."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def waited_in_words(waited: datetime.timedelta) -> str:
    """'2 days 3 hours', '5 hours 10 minutes', '40 minutes': how long someone has waited, to the minute."""

    def unit(amount: int, name: str) -> str:
        return f"{amount} {name}{'' if amount == 1 else 's'}"

    hours, minutes = divmod(max(int(waited.total_seconds()) // 60, 0), 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{unit(days, 'day')} {unit(hours, 'hour')}"
    if hours:
        return f"{unit(hours, 'hour')} {unit(minutes, 'minute')}"
    return unit(minutes, "minute")


@dataclass(frozen=True)
class Waiting:
    """A referral on a list, annotated with `contact_due_at` and `overdue`, and how long it has waited.

    `hidden`: the viewer's team holds it, but the policy does not let the viewer see who it is about
    (for example the person withdrew consent to share with the wider team), so the list does not say.
    """

    referral: Referral
    waited: str
    hidden: bool = False


def _waiting(referrals: list[Referral], now: datetime.datetime, staff: Staff) -> list[Waiting]:
    """The rows of a list of referrals held by `staff` or their team, each shown as the policy allows them."""
    prefetch(staff, [referral.person for referral in referrals if referral.person is not None])
    return [
        Waiting(
            referral,
            waited_in_words(now - referral.received_at),
            hidden=not decide_referral(staff, referral.person, holds=True, offered=False).allowed,
        )
        for referral in referrals
    ]


# -- One referral ------------------------------------------------------------------------------------------


def _holds_and_receives(staff: Staff, referral: Referral, pending: HandoverOffer | None) -> tuple[bool, bool]:
    """Do they (or their team) hold this referral; must they (or their team) answer an offer of it?"""
    teams = _team_ids(staff)
    holds = referral.owner_staff_id == staff.pk or referral.owner_team_id in teams
    receives = pending is not None and (pending.to_staff_id == staff.pk or pending.to_team_id in teams)
    return holds, receives


@dataclass(frozen=True)
class Suggestion:
    """A professional who could assess the person, and why they are suggested, in words."""

    staff: Staff
    reasons: list[str]


@dataclass
class ReferralPage:
    """What a member of staff sees of one referral, and the actions open to them.

    `referral` is annotated with `contact_due_at` and `overdue`.
    """

    referral: Referral
    holder: str
    holds: bool
    events: list[ReferralEvent]
    pending_offer: HandoverOffer | None
    episode: Episode | None
    actions: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    may_change_key_worker: bool = False


def _actions(referral: Referral, pending: HandoverOffer | None, holds: bool, receives: bool) -> list[str]:
    """The steps the viewer may take now. Only the holder moves a referral on; only the receiver answers an offer."""
    actions = []
    if receives:
        actions += ["accept", "decline"]
    if not holds or referral.state == State.CLOSED:
        return actions
    if referral.state == State.RECEIVED:
        actions.append("triage")
    elif referral.owner_team_id is not None and referral.person_id is not None:
        actions.append("allocate")
    if pending is None:
        actions.append("offer")
    if referral.state in (State.TRIAGED, State.ALLOCATED):
        actions.append("first_contact")
    actions.append("close")
    return actions


def referral_page(*, staff: Staff, referral_id: int) -> ReferralPage | None:
    """The referral with its history and the viewer's actions; None if they may not open it. Always audited."""
    referral = get_object_or_404(
        _annotated(Referral.objects.all(), timezone.now()).select_related(
            "person__practice_neighbourhood", "neighbourhood", "owner_team", "owner_staff", "referred_by", "linked_to"
        ),
        pk=referral_id,
    )
    pending = (
        referral.offers.filter(status=OfferStatus.PENDING).select_related("to_staff", "to_team", "offered_by").first()
    )
    holds, receives = _holds_and_receives(staff, referral, pending)
    decision = authorise_referral(
        staff=staff, person=referral.person, holds=holds, offered=receives, detail={"referral": referral.pk}
    )
    if not decision.allowed:
        return None
    episode = open_episode(referral.person) if referral.person else None
    page = ReferralPage(
        referral=referral,
        holder=owner_in_words(referral),
        holds=holds,
        events=list(referral.events.select_related("actor")),
        pending_offer=pending,
        episode=episode,
        actions=_actions(referral, pending, holds, receives),
        may_change_key_worker=episode is not None and may_change_key_worker(staff, episode),
    )
    if "allocate" in page.actions:
        page.suggestions = suggest_assessors(referral)
    return page


def offer_of(referral: Referral, offer_id: int) -> HandoverOffer:
    """One of the referral's handover offers (404 if it belongs to another referral)."""
    return get_object_or_404(HandoverOffer, pk=offer_id, referral=referral)


def sent_referral(*, staff: Staff, referral_id: int) -> Referral | None:
    """A referral `staff` made, for their confirmation page; None if someone else made it. Audited."""
    referral = get_object_or_404(
        Referral.objects.select_related("owner_team", "owner_staff", "linked_to"), pk=referral_id
    )
    made_it = referral.referred_by_id == staff.pk
    reason = "Allowed: you made this referral." if made_it else "Not allowed: someone else made this referral."
    record_event(
        staff=staff,
        action=AuditAction.VIEW if made_it else AuditAction.DENIED,
        person_id=referral.person_id,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        allowed=made_it,
        reason=reason,
        detail={"referral": referral.pk},
    )
    return referral if made_it else None


# -- Choosing who to pass a referral to ---------------------------------------------------------------------


def usual_neighbourhood(staff: Staff) -> int | None:
    """The neighbourhood a member of staff's referrals usually go to: that of their first team that has one."""
    return next((team.neighbourhood_id for team in staff_teams(staff) if team.neighbourhood_id is not None), None)


def care_staff(neighbourhood: Neighbourhood) -> QuerySet[Staff]:
    """The active professionals in the neighbourhood's teams, by name."""
    members = Staff.teams.through.objects.filter(team__neighbourhood=neighbourhood).values("staff_id")
    return (
        Staff.objects.filter(pk__in=members, is_active=True)
        .exclude(profession__in=NO_DIRECT_CARE)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def handover_teams(neighbourhood: Neighbourhood) -> QuerySet[Team]:
    """Teams a referral can be offered to: the neighbourhood's own, and every front door (for a person who moved)."""
    return Team.objects.filter(Q(neighbourhood=neighbourhood) | Q(takes_referrals=True)).order_by("name")


def _count(rows: QuerySet[Any]) -> Subquery:
    """A scalar subquery counting `rows`. COUNT without GROUP BY gives 0, not no row, when nothing matches."""
    return Subquery(rows.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField())).values("n"))


def suggest_assessors(referral: Referral) -> list[Suggestion]:
    """Who is best placed to assess: first those who already know the person, then those whose profession
    suits the need, each group with the smallest caseload (open referrals held) first. One query.
    """
    assert referral.person is not None  # only a matched referral is allocated
    now = timezone.now()
    care_role = (
        CareTeamMembership.objects.filter(person=referral.person, staff=OuterRef("pk"), started_at__lte=now)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .order_by("role")
        .values("role")[:1]
    )
    suited = SUITED_PROFESSIONS[referral.need]
    candidates = (
        care_staff(referral.neighbourhood)
        .annotate(
            care_role=Subquery(care_role),
            suited=_flag(Q(profession__in=suited)),
            caseload=_count(Referral.objects.filter(owner_staff=OuterRef("pk")).exclude(state=State.CLOSED)),
        )
        .filter(Q(care_role__isnull=False) | Q(suited=True))
        .order_by(Case(When(care_role__isnull=False, then=0), default=1), "-suited", "caseload", "last_name", "pk")
    )
    need = referral.get_need_display().lower()
    suggestions = []
    for staff in candidates[:SUGGESTIONS_SHOWN]:
        reasons = []
        if staff.care_role:
            reasons.append(f"Already on this person's care team ({CareRole(staff.care_role).label.lower()})")
        if staff.suited:
            reasons.append(f"{staff.get_profession_display()}s are suited to assess {need}")
        reasons.append(f"Holds {staff.caseload} open referral{'' if staff.caseload == 1 else 's'}")
        suggestions.append(Suggestion(staff, reasons))
    return suggestions


# -- Key workers -------------------------------------------------------------------------------------------


def open_episode(person: Person) -> Episode | None:
    """The person's open episode with its key worker and their organisation, if they are in the team's care."""
    return (
        Episode.objects.filter(person=person, closed_at__isnull=True)
        .select_related("key_worker__organisation", "neighbourhood", "person")
        .first()
    )


def key_worker_changes(episode: Episode) -> list[KeyWorkerChange]:
    """The episode's key-worker changes, newest first, with their handover notes. Only after CARE_PLAN is allowed."""
    return list(
        episode.key_worker_changes.select_related("from_staff", "to_staff", "changed_by").order_by("-changed_at", "-pk")
    )


def may_change_key_worker(staff: Staff, episode: Episode) -> bool:
    """The key worker may hand the role on, and so may the neighbourhood's front-door team, who allocate it."""
    return staff.pk == episode.key_worker_id or any(
        team.takes_referrals and team.neighbourhood_id == episode.neighbourhood_id for team in staff_teams(staff)
    )


def episode_to_change(*, staff: Staff, person_id: int) -> Episode | None:
    """The person's open episode, if `staff` may see their care plan and change its key worker (404 if none).

    The policy is asked first, so the refusal is audited whatever else is true.
    """
    person = get_object_or_404(Person, pk=person_id)
    decisions = authorise_read(
        staff=staff, person=person, categories=[DataCategory.CARE_PLAN], purpose=Purpose.DIRECT_CARE
    )
    if not decisions[DataCategory.CARE_PLAN].allowed:
        return None
    episode = open_episode(person)
    if episode is None:
        raise Http404("This person has no key worker to change.")
    return episode if may_change_key_worker(staff, episode) else None


@dataclass(frozen=True)
class ReferralLine:
    """One of a person's referrals, as their record lists it."""

    referral: Referral
    holder: str


def person_referrals(person: Person) -> list[ReferralLine]:
    """The person's referrals, newest first, with who holds each now. Call only after the policy allowed CARE_PLAN."""
    referrals = person.referrals.select_related("owner_team", "owner_staff").order_by("-received_at", "-pk")
    return [ReferralLine(referral, owner_in_words(referral)) for referral in referrals[:PERSON_REFERRALS_SHOWN]]


# -- Lists: a team's queue and a member of staff's inbox ---------------------------------------------------


@dataclass(frozen=True)
class Queue:
    team: Team
    page: Page[Referral]
    rows: list[Waiting]


def team_queue(*, staff: Staff, team_id: int, page_number: str | None) -> Queue | None:
    """A team's open referrals, oldest first, a page at a time; None unless `staff` is in the team and gives
    direct care. A referral about someone the policy does not let them see is shown without who it is about
    (`Waiting.hidden`). The page records each person it showed, in one append.
    """
    team = next((team for team in staff_teams(staff) if team.pk == team_id), None)
    if team is None or not gives_direct_care(staff):
        return None
    now = timezone.now()
    referrals = (
        _annotated(Referral.objects.filter(owner_team=team).exclude(state=State.CLOSED), now)
        .select_related("person")
        .order_by("received_at", "pk")
    )
    page = Paginator(referrals, QUEUE_PAGE_SIZE).get_page(page_number)
    rows = _waiting(list(page.object_list), now, staff)
    audit_list(
        staff=staff,
        person_ids=[row.referral.person_id for row in rows if row.referral.person_id and not row.hidden],
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        detail={"queue": team.pk},
    )
    return Queue(team=team, page=page, rows=rows)


@dataclass(frozen=True)
class ReferralInbox:
    """The referrals side of a member of staff's inbox: what they hold or must answer."""

    offers: list[HandoverOffer]
    held: list[Waiting]
    notices: list[Notice]
    discharges: Sequence[DischargeHandover]  # annotated with `overdue`, declines prefetched
    queues: list[Team]

    def people_shown(self) -> list[int]:
        """Whom the entries name (not the held referrals the viewer may not see), for the page's audit."""
        return [
            person_id
            for person_id in (
                *(offer.referral.person_id for offer in self.offers),
                *(row.referral.person_id for row in self.held if not row.hidden),
                *(notice.person_id for notice in self.notices),
                *(handover.person_id for handover in self.discharges),
            )
            if person_id is not None
        ]


def referral_inbox(*, staff: Staff) -> ReferralInbox:
    """Offers waiting for them or their teams, referrals they hold, unread notices, discharges their teams must
    accept, and the teams whose queues they work. Not audited here: the inbox page (workspace) records whom it showed.
    """
    teams = staff_teams(staff)
    team_ids = [team.pk for team in teams]
    now = timezone.now()
    offers = list(
        HandoverOffer.objects.filter(Q(to_staff=staff) | Q(to_team_id__in=team_ids), status=OfferStatus.PENDING)
        .select_related("referral__person", "offered_by", "to_team")
        .order_by("offered_at", "pk")
    )
    held = (
        _annotated(Referral.objects.filter(owner_staff=staff).exclude(state=State.CLOSED), now)
        .select_related("person")
        .order_by("received_at", "pk")
    )
    notices = list(
        Notice.objects.filter(recipient=staff, read_at__isnull=True).select_related("person").order_by("-created_at")
    )
    discharges = list(
        DischargeHandover.objects.filter(team_id__in=team_ids, accepted_at__isnull=True)
        .annotate(overdue=_flag(Q(due_at__lt=now)))
        .select_related("person", "team")
        .prefetch_related("declines__declined_by")
        .order_by("due_at", "pk")
    )
    return ReferralInbox(
        offers=offers,
        held=_waiting(list(held), now, staff),
        notices=notices,
        discharges=discharges,
        queues=[team for team in teams if team.takes_referrals],
    )


def inbox_count(staff: Staff) -> int:
    """Offers waiting for them or their teams, unread notices, overdue referrals they hold, signposting
    follow-ups due, MDT and care-plan actions they own that are due today or overdue, and hospital discharges
    waiting for their teams to accept.

    Two queries: the response targets, then the seven counts together.
    """
    minutes = tuple(sorted(target_minutes().items()))
    sql, params = _inbox_count_sql(staff.pk, timezone.localdate(), minutes)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sum(cursor.fetchone())


# The header shows this count on every page, and building its query with the ORM took several times longer than
# running it (about 6 ms of Python a page). Its SQL and parameters depend only on who asks, the day and the
# response targets, because "now" is the database's clock, so each is built once in a process and then only run.
@functools.lru_cache(maxsize=4096)
def _inbox_count_sql(staff_id: int, today: datetime.date, minutes: tuple[tuple[str, int], ...]) -> tuple[str, Any]:
    their_teams = Staff.teams.through.objects.filter(staff_id=staff_id).values("team_id")
    offers = HandoverOffer.objects.filter(
        Q(to_staff_id=staff_id) | Q(to_team_id__in=their_teams), status=OfferStatus.PENDING
    )
    notices = Notice.objects.filter(recipient_id=staff_id, read_at__isnull=True)
    overdue = breached(Referral.objects.filter(owner_staff_id=staff_id), dict(minutes), Now())
    counts = (
        Staff.objects.filter(pk=staff_id)
        .annotate(
            waiting_offers=_count(offers),
            unread_notices=_count(notices),
            overdue_referrals=_count(overdue),
            follow_ups=_count(follow_ups_due(staff_id, today)),
            mdt_actions_due=_count(actions_needing_attention(staff_id, today)),
            plan_actions_due=_count(plan_actions_needing_attention(staff_id, today)),
            discharges_waiting=_count(
                DischargeHandover.objects.filter(team_id__in=their_teams, accepted_at__isnull=True)
            ),
        )
        .values_list(
            "waiting_offers",
            "unread_notices",
            "overdue_referrals",
            "follow_ups",
            "mdt_actions_due",
            "plan_actions_due",
            "discharges_waiting",
        )
    )
    return counts.query.sql_with_params()
