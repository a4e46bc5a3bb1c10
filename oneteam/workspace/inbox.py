"""The inbox: everything a member of staff owns or must answer, gathered from each capability's queries.

Referrals (offers, referrals held, notices such as key-worker handover notes,
discharges for their team), care-plan actions, MDT actions and signposting
follow-ups. Each list says when things are due and flags what is overdue. Owning
an entry is reason enough to see whom it is for; the page records each person it
showed (one audit event each, in one append), so "who has seen my record" includes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import audit_list
from oneteam.care.models import PlanAction
from oneteam.care.queries import open_plan_actions_owned_by
from oneteam.directory.models import Signpost
from oneteam.directory.queries import inbox_follow_ups
from oneteam.mdt.models import MdtAction
from oneteam.mdt.queries import open_actions_owned_by
from oneteam.organisations.models import Staff
from oneteam.referrals.queries import ReferralInbox, referral_inbox


@dataclass(frozen=True)
class Inbox:
    """What a member of staff holds or must answer, by capability."""

    referrals: ReferralInbox
    plan_actions: list[PlanAction]  # each with `overdue`
    mdt_actions: list[MdtAction]  # each with `overdue`
    follow_ups: list[Signpost]


def inbox(*, staff: Staff) -> Inbox:
    """The signed-in member of staff's inbox, audited by each person it names."""
    box = Inbox(
        referrals=referral_inbox(staff=staff),
        plan_actions=open_plan_actions_owned_by(staff),
        mdt_actions=open_actions_owned_by(staff),
        follow_ups=inbox_follow_ups(staff),
    )
    shown = [
        *box.referrals.people_shown(),
        *(action.plan.person_id for action in box.plan_actions),
        *(action.person_id for action in box.mdt_actions),
        *(signpost.person_id for signpost in box.follow_ups),
    ]
    audit_list(
        staff=staff,
        person_ids=[person_id for person_id in shown if person_id is not None],
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        detail={"inbox": True},
    )
    return box
