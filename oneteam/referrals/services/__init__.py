"""Every change to a referral, an offer or an episode. Each is one transaction and is audited.

A referral never leaves its owner except by an accepted handover offer or an
allocation by its owner, so it can never be "referred into the void".
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction, CareRole, CareTeamMembership, DataCategory, FlagKind
from oneteam.access.services import decide_referral, gives_direct_care, record_event, staff_neighbourhood_ids
from oneteam.access.services.care_team import join_care_team, leave_care_team
from oneteam.access.services.governance_flags import raise_flag
from oneteam.jinja2 import nhs_date
from oneteam.organisations.models import Neighbourhood, Organisation, Staff, Team
from oneteam.people.models import Person

from ..models import (
    Episode,
    EventKind,
    HandoverOffer,
    HospitalSystem,
    KeyWorkerChange,
    Notice,
    NoticeKind,
    OfferStatus,
    Outcome,
    Referral,
    ReferralEvent,
    Source,
    State,
    Urgency,
)


class ReferralRefused(Exception):
    """The change cannot be made; the message says why, in words for the person who tried."""


class AlreadyReferred(ReferralRefused):
    """The same person was already referred for the same need and that referral is still open: nothing new is made."""

    def __init__(self, existing: Referral) -> None:
        super().__init__(
            f"{existing.given_name} {existing.family_name} was already referred for "
            f"{existing.get_need_display().lower()} on {nhs_date(existing.received_at)}, and that referral is "
            f"still open, held by {owner_in_words(existing)}. Yours was not sent a second time."
        )
        self.existing = existing


@dataclass(frozen=True)
class ReferralDetails:
    """What a referrer tells us: who, what they need, how urgent, what matters to them."""

    given_name: str
    family_name: str
    need: str
    urgency: Urgency
    consent_to_share: bool
    what_matters: str = ""
    need_detail: str = ""
    date_of_birth: datetime.date | None = None
    nhs_number: str = ""
    postcode: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    referrer_name: str = ""
    referrer_relationship: str = ""


def owner_in_words(referral: Referral) -> str:
    """The referral's owner as a person reads it: a team's name or a professional's name and role."""
    if referral.owner_staff is not None:
        return f"{referral.owner_staff.get_full_name()} ({referral.owner_staff.get_profession_display()})"
    assert referral.owner_team is not None
    return referral.owner_team.name


def front_door(neighbourhood: Neighbourhood | None) -> Team:
    """The team whose queue new referrals for the neighbourhood wait in (None: someone outside the area)."""
    if neighbourhood is None:
        raise ReferralRefused("This person lives and is registered outside the area, so no team here takes referrals.")
    team = Team.objects.filter(neighbourhood=neighbourhood, takes_referrals=True).first()
    if team is None:
        raise ReferralRefused(f"{neighbourhood.name} has no team taking referrals yet.")
    return team


def _log(referral: Referral, kind: EventKind, actor: Staff | None, note: str = "") -> None:
    now = timezone.now()
    ReferralEvent.objects.create(
        referral=referral, at=now, actor=actor, kind=kind, owner=owner_in_words(referral), note=note
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE if kind == EventKind.RECEIVED else AuditAction.UPDATE,
        person_id=referral.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"referral": referral.pk, "step": kind.value},
    )


def notify(
    recipient: Staff,
    kind: NoticeKind,
    text: str,
    *,
    person: Person | None = None,
    referral: Referral | None = None,
    note: str = "",
) -> Notice:
    """Put a notice in a member of staff's inbox, with any longer note that goes with it."""
    return Notice.objects.create(
        recipient=recipient,
        kind=kind,
        text=text,
        person=person,
        referral=referral,
        note=note,
        created_at=timezone.now(),
    )


def _move(referral: Referral, state: State) -> None:
    referral.state = state
    referral.state_changed_at = timezone.now()


def open_referral_for(person: Person) -> Referral | None:
    """The person's referral that is still open, if any."""
    return Referral.objects.filter(person=person).exclude(state=State.CLOSED).order_by("received_at").first()


@transaction.atomic
def receive_referral(
    *,
    neighbourhood: Neighbourhood,
    details: ReferralDetails,
    source: Source,
    referred_by: Staff | None = None,
    person: Person | None = None,
) -> Referral:
    """Take a new referral in at the neighbourhood's front door.

    If the person already has an open referral or an open episode, the new one
    is joined to it and closed, and the existing owner is told in its history:
    one person, one queue entry.

    Raises AlreadyReferred if the same person already has an open referral for
    the same need (a form sent twice, or several staff referring at once): the
    front door's row is locked first, so referrals to one neighbourhood are taken
    one at a time and the second always sees the first.
    """
    door = Team.objects.select_for_update().get(pk=front_door(neighbourhood).pk)
    # Public self-referrals are not matched by name: that would tell a stranger someone else was referred.
    # Their own double submissions are refused by the intake (by the form's content).
    duplicate = _open_duplicate(neighbourhood, details, person) if person or source == Source.STAFF else None
    if duplicate is not None:
        raise AlreadyReferred(duplicate)
    now = timezone.now()
    referral = Referral(
        neighbourhood=neighbourhood,
        person=person,
        source=source,
        referred_by=referred_by,
        received_at=now,
        state_changed_at=now,
        owner_team=door,
        **details.__dict__,
    )
    existing = open_referral_for(person) if person else None
    episode = Episode.objects.filter(person=person, closed_at__isnull=True).first() if person else None
    if existing is not None:
        referral.linked_to = existing
        referral.owner_team, referral.owner_staff = existing.owner_team, existing.owner_staff
        referral.state, referral.closed_at, referral.outcome = State.CLOSED, now, Outcome.LINKED
    elif episode is not None:
        # Already in the team's care: the key worker takes it, not the front-door queue.
        referral.owner_team, referral.owner_staff, referral.state = None, episode.key_worker, State.ALLOCATED
    referral.save()
    _log(referral, EventKind.RECEIVED, referred_by)
    if episode is not None and existing is None:
        _log(referral, EventKind.ALLOCATED, referred_by, "The person already has a key worker, who holds it.")
    if existing is not None:
        _log(referral, EventKind.LINKED, referred_by, f"Joined to referral {existing.pk}")
        _log(
            existing,
            EventKind.LINKED,
            referred_by,
            f"A new referral ({referral.pk}) for the same need came in: {details.need}",
        )
    return referral


@transaction.atomic
def take_on(
    *, actor: Staff, person: Person, neighbourhood: Neighbourhood, details: ReferralDetails, source: Source, note: str
) -> Referral:
    """Open a referral that `actor` holds from the start, because they have already agreed to do the work.

    It joins them to the person's care team and opens an episode (with them as
    key worker) if the person has none, as an allocation would.
    """
    now = timezone.now()
    referral = Referral.objects.create(
        neighbourhood=neighbourhood,
        person=person,
        source=source,
        referred_by=actor,
        received_at=now,
        state=State.ALLOCATED,
        state_changed_at=now,
        owner_staff=actor,
        **details.__dict__,
    )
    join_care_team(actor=actor, person=person, staff=actor, role=CareRole.REFERRAL_OWNER)
    _ensure_episode(referral, key_worker=actor, actor=actor)
    _log(referral, EventKind.RECEIVED, actor, note)
    _log(referral, EventKind.ALLOCATED, actor, "Taken on by the person who accepted it.")
    return referral


def _open_duplicate(neighbourhood: Neighbourhood, details: ReferralDetails, person: Person | None) -> Referral | None:
    """An open referral for the same need and the same person: their record, or the same name and date of birth.

    Only called with the front door locked, so two referrals at once cannot both miss each other.
    """
    same_need = Referral.objects.filter(need=details.need).exclude(state=State.CLOSED)
    if person is not None:
        same_need = same_need.filter(person=person)
    elif details.date_of_birth is None:
        return None  # a name alone is too weak to say two referrals are about one person
    else:
        same_need = same_need.filter(
            neighbourhood=neighbourhood,
            given_name__iexact=details.given_name.strip(),
            family_name__iexact=details.family_name.strip(),
            date_of_birth=details.date_of_birth,
        )
    return same_need.select_related("owner_team", "owner_staff").order_by("received_at", "pk").first()


def _require_owner(actor: Staff, referral: Referral) -> None:
    """Only the owner (or a member of the owning team) may act on a referral, and only if the access policy
    lets them see it: holding a referral gives no right to a record the policy refuses.
    """
    holds = referral.owner_staff_id == actor.pk or (
        referral.owner_team_id is not None and actor.teams.filter(pk=referral.owner_team_id).exists()
    )
    if not holds:
        raise ReferralRefused(f"Only {owner_in_words(referral)} can do this, because they hold the referral.")
    decision = decide_referral(actor, referral.person, holds=True, offered=False)
    if not decision.allowed:
        raise ReferralRefused(decision.reason)


def _locked(referral: Referral) -> Referral:
    """The referral, locked until the transaction ends, as the last writer left it.

    Locked first and read after: on PostgreSQL, rows joined to a row that had to
    wait for its lock come from before the wait, so a joined owner could be stale.
    """
    list(Referral.objects.select_for_update().filter(pk=referral.pk).values_list("pk"))
    return Referral.objects.select_related("owner_team", "owner_staff").get(pk=referral.pk)


def identity_agrees(referral: Referral, person: Person) -> bool:
    """Do the name and date of birth on the referral agree with the record (ignoring case and spaces)?"""

    def same(a: str, b: str) -> bool:
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    return (
        same(referral.family_name, person.family_name)
        and same(referral.given_name, person.given_name)
        and referral.date_of_birth == person.date_of_birth
    )


def lives_elsewhere(referral: Referral, person: Person, actor: Staff) -> bool:
    """The person lives and is registered in other neighbourhoods than the referral's and the actor's own.

    Someone outside the area altogether has no other front door, so any neighbourhood may match them (the
    care-team relationship that follows goes to the IG review queue as out of area).
    """
    theirs = {person.practice_neighbourhood_id, person.ward_neighbourhood_id} - {None}
    return bool(theirs) and not theirs & ({referral.neighbourhood_id} | set(staff_neighbourhood_ids(actor)))


@transaction.atomic
def triage(*, actor: Staff, referral: Referral, person: Person, note: str = "", mismatch_reason: str = "") -> Referral:
    """Match the referral to a person's record and mark it triaged.

    A match is how a relationship with the person starts, so it is never taken on
    trust: the referral's name and date of birth must agree with the record, or the
    triager writes why they are sure it is the same person (`mismatch_reason`) and
    the match goes to the IG review queue. Someone who lives and is registered in
    another neighbourhood is not matched here: the referral is offered to their
    neighbourhood's front door instead (a warm handover). Refusals name no one.
    """
    referral = _locked(referral)
    _require_owner(actor, referral)
    if referral.state != State.RECEIVED:
        raise ReferralRefused("This referral has already been triaged.")
    if lives_elsewhere(referral, person, actor):
        raise ReferralRefused(
            "This person lives and is registered outside this neighbourhood. Do not match them here: offer the "
            "referral to the front door of the neighbourhood they live in."
        )
    agrees = identity_agrees(referral, person)
    if not agrees and len(mismatch_reason.split()) < 3:
        raise ReferralRefused(
            "The name or date of birth on the referral does not agree with this record. Check with the referrer, "
            "or write why you are sure it is the same person."
        )
    referral.person = person
    _move(referral, State.TRIAGED)
    referral.save()
    _log(referral, EventKind.TRIAGED, actor, note if agrees else f"Name or date of birth differ: {mismatch_reason}")
    if not agrees:
        raise_flag(
            kind=FlagKind.MISMATCHED_MATCH,
            person=person,
            staff=actor,
            note=f"Referral {referral.pk} (for {referral.given_name} {referral.family_name}, born "
            f"{referral.date_of_birth or 'not given'}) matched to {person} (born {person.date_of_birth}): "
            f"{mismatch_reason}",
        )
    return referral


@transaction.atomic
def allocate(*, actor: Staff, referral: Referral, to: Staff, note: str = "") -> Referral:
    """The owner allocates the referral to a professional, who becomes its owner and, if none, the key worker."""
    referral = _locked(referral)
    if referral.owner_team_id is None and referral.owner_staff_id != actor.pk:
        # Someone else in the team allocated it while this person was choosing.
        raise ReferralRefused(f"This referral has already been allocated: {owner_in_words(referral)} holds it now.")
    _require_owner(actor, referral)
    if referral.person is None:
        raise ReferralRefused("Match the referral to a person's record before allocating it.")
    if referral.state == State.CLOSED:
        raise ReferralRefused("This referral is closed.")
    if not gives_direct_care(to) or not to.is_active:
        raise ReferralRefused("Allocate the referral to someone who gives direct care.")
    referral.owner_team, referral.owner_staff = None, to
    _move(referral, State.ALLOCATED)
    referral.save()
    join_care_team(actor=actor, person=referral.person, staff=to, role=CareRole.REFERRAL_OWNER)
    _ensure_episode(referral, key_worker=to, actor=actor)
    _log(referral, EventKind.ALLOCATED, actor, note)
    notify(to, NoticeKind.ALLOCATED, "A referral was allocated to you.", person=referral.person, referral=referral)
    return referral


def _ensure_episode(referral: Referral, *, key_worker: Staff, actor: Staff) -> Episode:
    assert referral.person is not None
    # Locking the person makes two allocations for them at once open one episode between them, not two.
    list(Person.objects.select_for_update().filter(pk=referral.person.pk).values_list("pk"))
    episode = Episode.objects.filter(person=referral.person, closed_at__isnull=True).first()
    if episode is None:
        episode = Episode.objects.create(
            person=referral.person,
            neighbourhood=referral.neighbourhood,
            opened_at=timezone.now(),
            key_worker=key_worker,
        )
        join_care_team(actor=actor, person=referral.person, staff=key_worker, role=CareRole.KEY_WORKER)
    return episode


@transaction.atomic
def offer_handover(
    *, actor: Staff, referral: Referral, note: str, to_staff: Staff | None = None, to_team: Team | None = None
) -> HandoverOffer:
    """Offer the referral to someone else. It stays with its owner until they accept."""
    referral = _locked(referral)
    _require_owner(actor, referral)
    if referral.state == State.CLOSED:
        raise ReferralRefused("This referral is closed.")
    if referral.offers.filter(status=OfferStatus.PENDING).exists():
        raise ReferralRefused("This referral already has a handover offer waiting for an answer.")
    if (to_staff is None) == (to_team is None):
        raise ReferralRefused("Offer the referral to one professional or one team.")
    offer = HandoverOffer.objects.create(
        referral=referral, offered_by=actor, offered_at=timezone.now(), to_staff=to_staff, to_team=to_team, note=note
    )
    receiver = to_staff.get_full_name() if to_staff else to_team.name  # type: ignore[union-attr]
    _log(referral, EventKind.OFFERED, actor, f"Offered to {receiver}: {note}")
    return offer


def _require_receiver(actor: Staff, offer: HandoverOffer) -> None:
    if offer.to_staff_id == actor.pk:
        return
    if offer.to_team_id is not None and actor.teams.filter(pk=offer.to_team_id).exists():
        return
    raise ReferralRefused("This offer was made to someone else.")


def _answerable(offer: HandoverOffer) -> HandoverOffer:
    """The offer, locked; refused if someone has already answered it."""
    # Locked first and read after, as in `_locked`, so who answered is the answer that made us wait.
    list(HandoverOffer.objects.select_for_update().filter(pk=offer.pk).values_list("pk"))
    offer = HandoverOffer.objects.select_related("responded_by").get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        who = offer.responded_by.get_full_name() if offer.responded_by else "someone else"
        raise ReferralRefused(f"This offer has already been {offer.get_status_display().lower()} by {who}.")
    return offer


@transaction.atomic
def accept_handover(*, actor: Staff, offer: HandoverOffer) -> Referral:
    """The receiver takes the referral. If two people accept at once, the first wins and the second is told."""
    offer = _answerable(offer)
    _require_receiver(actor, offer)
    referral = _locked(offer.referral)
    offer.status, offer.responded_by, offer.responded_at = OfferStatus.ACCEPTED, actor, timezone.now()
    offer.save()
    # Accepted by a person: they hold it. Accepted for a team: it waits in that team's queue.
    referral.owner_staff, referral.owner_team = (actor, None) if offer.to_staff_id else (None, offer.to_team)
    referral.save()
    if referral.person is not None and offer.to_staff_id:
        join_care_team(actor=actor, person=referral.person, staff=actor, role=CareRole.REFERRAL_OWNER)
    _log(referral, EventKind.ACCEPTED, actor)
    return referral


@transaction.atomic
def decline_handover(*, actor: Staff, offer: HandoverOffer, reason: str) -> Referral:
    """The receiver declines with a reason; the referral stays with the person who offered it."""
    if not reason.strip():
        raise ReferralRefused("Give a reason for declining, so the person who offered it knows what to do next.")
    offer = _answerable(offer)
    _require_receiver(actor, offer)
    offer.status, offer.responded_by, offer.responded_at = OfferStatus.DECLINED, actor, timezone.now()
    offer.decline_reason = reason
    offer.save()
    referral = _locked(offer.referral)
    _log(referral, EventKind.DECLINED, actor, reason)
    notify(
        offer.offered_by,
        NoticeKind.OFFER_DECLINED,
        f"{actor.get_full_name()} declined your handover offer: {reason}"[:300],
        person=referral.person,
        referral=referral,
    )
    return referral


@transaction.atomic
def record_first_contact(*, actor: Staff, referral: Referral) -> Referral:
    """The owner has spoken to or seen the person: the wait ends and the referral is in progress."""
    referral = _locked(referral)
    _require_owner(actor, referral)
    if referral.state not in (State.ALLOCATED, State.TRIAGED):
        raise ReferralRefused("Only a triaged or allocated referral can be started.")
    referral.first_contact_at = timezone.now()
    _move(referral, State.IN_PROGRESS)
    referral.save()
    _log(referral, EventKind.STARTED, actor)
    return referral


@transaction.atomic
def close_referral(*, actor: Staff, referral: Referral, outcome: Outcome, note: str = "") -> Referral:
    """Close the referral with an outcome. Any offer still waiting is withdrawn."""
    referral = _locked(referral)
    _require_owner(actor, referral)
    if referral.state == State.CLOSED:
        raise ReferralRefused("This referral is already closed.")
    referral.offers.filter(status=OfferStatus.PENDING).update(status=OfferStatus.WITHDRAWN)
    referral.outcome, referral.outcome_note, referral.closed_at = outcome, note, timezone.now()
    _move(referral, State.CLOSED)
    referral.save()
    _log(referral, EventKind.CLOSED, actor, note)
    return referral


@transaction.atomic
def change_key_worker(*, actor: Staff, episode: Episode, to: Staff, handover_note: str) -> Episode:
    """Hand the key-worker role to someone else; the note is what they need to know."""
    if not handover_note.strip():
        raise ReferralRefused("Write a handover note for the new key worker.")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.closed_at is not None:
        raise ReferralRefused("This episode is closed.")
    KeyWorkerChange.objects.create(
        episode=episode,
        from_staff_id=episode.key_worker_id,
        to_staff=to,
        changed_by=actor,
        changed_at=timezone.now(),
        handover_note=handover_note,
    )
    for membership in CareTeamMembership.objects.filter(
        person=episode.person, staff_id=episode.key_worker_id, role=CareRole.KEY_WORKER, ended_at__isnull=True
    ):
        leave_care_team(actor=actor, membership=membership)
    episode.key_worker = to
    episode.save(update_fields=["key_worker"])
    join_care_team(actor=actor, person=episode.person, staff=to, role=CareRole.KEY_WORKER)
    # The note is delivered, not only stored: the new key worker finds it in their inbox.
    notify(
        to,
        NoticeKind.KEY_WORKER_HANDOVER,
        f"{actor.get_full_name()} made you this person's key worker. Their handover note is below.",
        person=episode.person,
        note=handover_note,
    )
    record_event(
        staff=actor,
        action=AuditAction.CARE_TEAM_CHANGED,
        person_id=episode.person_id,
        detail={"episode": episode.pk, "key_worker": to.pk},
    )
    return episode


def mark_notice_read(*, actor: Staff, notice_id: int) -> bool:
    """Mark one of the actor's own notices as read. False if they have no such unread notice."""
    unread = Notice.objects.filter(pk=notice_id, recipient=actor, read_at__isnull=True)
    return bool(unread.update(read_at=timezone.now()))


def token_hash(token: str) -> str:
    """What is stored for an API token: its SHA-256, so a copy of the database does not give the token away."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def register_hospital_system(
    *, actor: Staff | None, name: str, organisation: Organisation
) -> tuple[HospitalSystem, str]:
    """Let a system send admissions and discharges; return it with its new token (only the hash is kept)."""
    token = secrets.token_urlsafe(32)
    system = HospitalSystem.objects.create(
        name=name, organisation=organisation, token_hash=token_hash(token), created_at=timezone.now()
    )
    record_event(staff=actor, action=AuditAction.CREATE, detail={"hospital_system": system.pk})
    return system, token
