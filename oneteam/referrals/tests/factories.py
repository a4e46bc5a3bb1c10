"""Factories for referrals."""

from __future__ import annotations

import datetime

from oneteam.organisations.models import Neighbourhood, Staff, Team
from oneteam.people.models import Person
from oneteam.referrals.models import Referral, Source, Urgency
from oneteam.referrals.services import ReferralDetails, receive_referral


def make_front_door(neighbourhood: Neighbourhood) -> Team:
    return Team.objects.create(
        name=f"{neighbourhood.name} front door", neighbourhood=neighbourhood, takes_referrals=True
    )


def make_referral(
    neighbourhood: Neighbourhood, *, person: Person | None = None, referred_by: Staff | None = None, need: str = "falls"
) -> Referral:
    """A staff referral for `person` (or for someone not yet matched) at the neighbourhood's front door."""
    details = ReferralDetails(
        given_name=person.given_name if person else "Ada",
        family_name=person.family_name if person else "Khan",
        # The people factory's date of birth, so an unmatched referral agrees with a record made for "Ada Khan".
        date_of_birth=person.date_of_birth if person else datetime.date(1941, 3, 27),
        need=need,
        urgency=Urgency.SOON,
        consent_to_share=True,
        what_matters="Staying in my own home",
    )
    return receive_referral(
        neighbourhood=neighbourhood, details=details, source=Source.STAFF, referred_by=referred_by, person=person
    )
