"""Every change the risk capability makes: priority weights, referrals and MDT proposals from a list, exports.

Each is one transaction and leaves an audit event. Whether the member of staff
may see the person at all is asked of the access policy by the view first
(`queries.explanation`); these functions check what only they can know.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import record_event, staff_neighbourhood_ids
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.people.models import Person
from oneteam.referrals.models import Need, Referral, Source, Urgency
from oneteam.referrals.services import ReferralDetails, ReferralRefused, receive_referral

from .. import priority
from ..models import MdtProposal, PriorityWeights
from .stratify import reprioritise

DEFAULT_MDT_QUESTION = "Found by the proactive risk list: does the team need a plan for this person?"
# How a referral made from the list starts its detail: the outcomes work counts these as proactive.
PROACTIVE_REFERRAL_NOTE = "Found by the proactive risk list."


class RiskRefused(Exception):
    """The change cannot be made; the message says why, in words for the person who tried."""


def may_change_weights(staff: Staff, neighbourhood: Neighbourhood | None) -> bool:
    """Team leads set the weights of their own neighbourhoods, and the weights used everywhere else."""
    if staff.profession != Profession.TEAM_LEAD:
        return False
    return neighbourhood is None or neighbourhood.pk in staff_neighbourhood_ids(staff)


@transaction.atomic
def change_weights(
    *, actor: Staff, neighbourhood: Neighbourhood | None, weights: priority.Weights, change_note: str
) -> PriorityWeights:
    """Record a new version of the priority weights and recompute the current run's priorities with them."""
    if not may_change_weights(actor, neighbourhood):
        raise RiskRefused("Only a team lead of this neighbourhood can change its priority weights.")
    if not change_note.strip():
        raise RiskRefused("Say why the weights are changing.")
    same_scope = PriorityWeights.objects.select_for_update().filter(neighbourhood=neighbourhood)
    version = (same_scope.aggregate(latest=Max("version"))["latest"] or 0) + 1
    record = PriorityWeights.objects.create(
        neighbourhood=neighbourhood,
        version=version,
        created_at=timezone.now(),
        created_by=actor,
        change_note=change_note.strip(),
        **asdict(weights),
    )
    reprioritise([neighbourhood] if neighbourhood else None)
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        detail={
            "priority_weights": record.pk,
            "neighbourhood": neighbourhood.pk if neighbourhood else None,
            "version": version,
        },
    )
    return record


def refer_to_front_door(*, actor: Staff, person: Person, why: str) -> Referral:
    """Refer a person found on a risk list to their neighbourhood's single point of access, in one step.

    The referral says it came from the risk list and why; the person has not been
    asked yet, so consent to share is recorded as not given until the team speaks
    to them. `receive_referral` joins it to any referral already open.
    """
    details = ReferralDetails(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
        postcode=person.postcode,
        need=Need.OTHER,
        need_detail=f"{PROACTIVE_REFERRAL_NOTE} {why}",
        urgency=Urgency.ROUTINE,
        consent_to_share=False,
    )
    if person.practice_neighbourhood is None:  # never on a list, so never referred from one (ADR 14)
        raise ReferralRefused("This person is registered outside the area, so no team here takes their referral.")
    return receive_referral(
        neighbourhood=person.practice_neighbourhood,
        details=details,
        source=Source.STAFF,
        referred_by=actor,
        person=person,
    )


@transaction.atomic
def propose_for_mdt(*, actor: Staff, person: Person, question: str, why: str) -> MdtProposal:
    """Propose a person for their neighbourhood's next MDT; refused if a proposal is already waiting."""
    waiting = (
        MdtProposal.objects.select_for_update()
        .filter(person=person, taken_at__isnull=True)
        .select_related("proposed_by")
        .first()
    )
    if person.practice_neighbourhood is None:  # never on a list, so never proposed from one (ADR 14)
        raise RiskRefused("This person is registered outside the area, so has no neighbourhood MDT here.")
    if waiting is not None:
        raise RiskRefused(f"{person} is already proposed for the next MDT (by {waiting.proposed_by.get_full_name()}).")
    proposal = MdtProposal.objects.create(
        person=person,
        neighbourhood=person.practice_neighbourhood,
        question=question.strip() or DEFAULT_MDT_QUESTION,
        why=why,
        proposed_by=actor,
        created=timezone.now(),
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.MDT_DISCUSSION,
        detail={"mdt_proposal": proposal.pk},
    )
    return proposal


def mark_proposal_taken(*, proposal: MdtProposal, when: datetime.datetime) -> bool:
    """Record that the proposal is on an MDT agenda now, so the risk list stops suggesting it; True the first time.

    The MDT app calls this when it adds the item, and audits that.
    """
    return bool(MdtProposal.objects.filter(pk=proposal.pk, taken_at__isnull=True).update(taken_at=when))


def record_export(*, actor: Staff, rows: int, destination: str) -> None:
    """Audit a risk-list export: who, how many people, and where it was written (not who was in it)."""
    record_event(
        staff=actor,
        action=AuditAction.EXPORT,
        purpose=Purpose.DIRECT_CARE,
        detail={"risk_export": rows, "to": destination},
    )
