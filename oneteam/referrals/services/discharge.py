"""Discharge handovers as owned work: the team accepts one (and holds a follow-up) or declines it with a reason.

A discharge handover waits in the neighbourhood front-door team's queue (see
`hospital`). Accepting it opens a referral held by whoever accepted, with first
contact due within the team's response target for "soon", and tells the
person's key worker. Declining needs a reason and leaves the handover in the
team's queue, with the reason shown, for someone else to take.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction
from oneteam.access.services import decide_referral, record_event
from oneteam.jinja2 import nhs_datetime
from oneteam.organisations.models import Staff

from ..models import DischargeDecline, DischargeHandover, Episode, Need, NoticeKind, Referral, Source, Urgency
from ..targets import target_minutes
from . import ReferralDetails, ReferralRefused, notify, take_on

# How soon after acceptance first contact is due: the team's response target for this urgency.
FOLLOW_UP_URGENCY = Urgency.SOON


def hospital_name(handover: DischargeHandover) -> str:
    """The hospital the person left, by its own name, not the name of the system that sent the notification."""
    return handover.event.system.organisation.name


def overdue(handover: DischargeHandover, now: datetime.datetime | None = None) -> bool:
    """Not accepted, and past the time it should have been."""
    return handover.accepted_at is None and handover.due_at < (now or timezone.now())


def may_answer(staff: Staff, handover: DischargeHandover) -> bool:
    """Any member of the team the handover was sent to may accept or decline it."""
    return staff.teams.filter(pk=handover.team_id).exists()


def _already_accepted(handover_id: int) -> ReferralRefused:
    taken = DischargeHandover.objects.select_related("accepted_by").get(pk=handover_id)
    assert taken.accepted_by is not None and taken.accepted_at is not None
    return ReferralRefused(
        f"{taken.accepted_by.get_full_name()} already accepted this handover on {nhs_datetime(taken.accepted_at)}."
    )


def _answerable(actor: Staff, handover: DischargeHandover) -> DischargeHandover:
    handover = DischargeHandover.objects.select_related(
        "person", "team__neighbourhood", "event__system__organisation"
    ).get(pk=handover.pk)
    if not may_answer(actor, handover):
        raise ReferralRefused(f"Only members of {handover.team.name} can answer this handover.")
    # Being in the team is not enough: roles without direct care never take on (or turn away) a person.
    decision = decide_referral(actor, handover.person, holds=False, offered=True)
    if not decision.allowed:
        raise ReferralRefused(decision.reason)
    return handover


@transaction.atomic
def accept_discharge(*, actor: Staff, handover: DischargeHandover) -> Referral:
    """Take the person on after their discharge; returns the follow-up referral `actor` now holds.

    Exactly one acceptor: the acceptance is a conditional UPDATE (only while
    nobody has accepted), so of two people accepting at once the database lets
    one change the row and the other is told who did.
    """
    handover = _answerable(actor, handover)
    now = timezone.now()
    won = DischargeHandover.objects.filter(pk=handover.pk, accepted_at__isnull=True).update(
        accepted_by=actor, accepted_at=now
    )
    if not won:
        raise _already_accepted(handover.pk)
    person, hospital = handover.person, hospital_name(handover)
    details = ReferralDetails(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
        need=Need.OTHER,
        need_detail=f"Follow-up after discharge from {hospital}. {handover.summary}".strip(),
        urgency=FOLLOW_UP_URGENCY,
        # A transfer of care from hospital is direct care; the person was not asked on a form.
        consent_to_share=False,
    )
    neighbourhood = handover.team.neighbourhood or person.practice_neighbourhood or person.ward_neighbourhood
    if neighbourhood is None:
        raise ReferralRefused(
            "This team serves no neighbourhood, and the person lives and is registered outside the area."
        )
    follow_up = take_on(
        actor=actor,
        person=person,
        neighbourhood=neighbourhood,
        details=details,
        source=Source.HOSPITAL,
        note=f"Discharge handover from {hospital} accepted.",
    )
    DischargeHandover.objects.filter(pk=handover.pk).update(follow_up=follow_up)
    due = now + datetime.timedelta(minutes=target_minutes()[FOLLOW_UP_URGENCY])
    key_worker = Episode.objects.filter(person=person, closed_at__isnull=True).values_list("key_worker", flat=True)
    for staff in Staff.objects.filter(pk__in=key_worker).exclude(pk=actor.pk):
        notify(
            staff,
            NoticeKind.DISCHARGE_ACCEPTED,
            f"{actor.get_full_name()} accepted the handover after discharge from {hospital} "
            f"and will make first contact by {nhs_datetime(due)}.",
            person=person,
            referral=follow_up,
        )
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=person.pk,
        detail={"discharge_handover": handover.pk, "step": "accepted", "referral": follow_up.pk},
    )
    return follow_up


@transaction.atomic
def decline_discharge(*, actor: Staff, handover: DischargeHandover, reason: str) -> DischargeDecline:
    """Say why you cannot take this person on. The handover stays in the team's queue, showing the reason."""
    if not reason.strip():
        raise ReferralRefused("Give a reason for declining, so the next person in your team knows why")
    handover = _answerable(actor, handover)
    locked = DischargeHandover.objects.select_for_update().get(pk=handover.pk)
    if locked.accepted_at is not None:
        raise _already_accepted(handover.pk)
    decline = DischargeDecline.objects.create(
        handover=handover, declined_by=actor, declined_at=timezone.now(), reason=reason.strip()
    )
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=handover.person_id,
        detail={"discharge_handover": handover.pk, "step": "declined"},
    )
    return decline
