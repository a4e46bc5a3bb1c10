"""Factories for referrals."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from oneteam.organisations.models import Neighbourhood, Organisation, Sector, Staff, Team
from oneteam.people.models import Person
from oneteam.referrals.models import (
    DischargeHandover,
    HospitalEvent,
    HospitalEventKind,
    HospitalSystem,
    Referral,
    Source,
    Urgency,
)
from oneteam.referrals.services import ReferralDetails, receive_referral


def make_front_door(neighbourhood: Neighbourhood) -> Team:
    return Team.objects.create(
        name=f"{neighbourhood.name} front door", neighbourhood=neighbourhood, takes_referrals=True
    )


def make_referral(
    neighbourhood: Neighbourhood, *, person: Person | None = None, referred_by: Staff | None = None, need: str = "falls"
) -> Referral:
    """A staff referral for `person` (or for someone not yet matched) at the neighbourhood's front door.

    Each unmatched referral is about someone new: the same name, birth date and need while one is open would
    be refused as a double submission. The first is for Ada Khan, as the people factory's first person is.
    """
    earlier = Referral.objects.filter(neighbourhood=neighbourhood, given_name="Ada").count()
    details = ReferralDetails(
        given_name=person.given_name if person else "Ada",
        family_name=person.family_name if person else ("Khan" if not earlier else f"Khan {earlier + 1}"),
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


_discharges = itertools.count(1)


def make_discharge(person: Person, team: Team, *, due_in_hours: int = 24) -> DischargeHandover:
    """A discharge from St Mary's Hospital, sent by its feed (named differently, as real feeds are)."""
    number = next(_discharges)
    hospital, _ = Organisation.objects.get_or_create(
        ods_code="RSM", defaults={"name": "St Mary's Hospital", "sector": Sector.ACUTE_HOSPITAL}
    )
    system, _ = HospitalSystem.objects.get_or_create(
        organisation=hospital,
        defaults={"name": "St Mary's ADT feed", "token_hash": "0" * 64, "created_at": timezone.now()},
    )
    now = timezone.now()
    event = HospitalEvent.objects.create(
        system=system,
        external_id=f"DIS-{number}",
        kind=HospitalEventKind.DISCHARGE,
        person=person,
        occurred_at=now - datetime.timedelta(hours=2),
        received_at=now,
    )
    return DischargeHandover.objects.create(
        event=event,
        person=person,
        team=team,
        due_at=now + datetime.timedelta(hours=due_in_hours),
        summary="Home after a fall; needs a wound check",
    )
