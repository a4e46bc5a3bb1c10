"""Referral forms beyond the staff referral itself save once however often they are sent (ADR 0024).

A staff referral finds its own duplicate by person and need (test_idempotent.py); the self-referral
and a declined discharge carry the form's key, as every create form does (a key-worker change:
test_key_worker_views.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Neighbourhood, Staff, Team
from oneteam.organisations.tests.factories import make_practice, make_staff
from oneteam.people.models import Person
from oneteam.referrals.models import DischargeDecline, Referral, SelfReferralSubmission
from oneteam.referrals.services import intake
from oneteam.referrals.tests.factories import make_discharge
from oneteam.submissions.tests.twice import send_twice

from .test_intake import FORM, answers

pytestmark = pytest.mark.django_db
Sign_in = Callable[[Staff], Client]


def test_a_self_referral_sent_twice_is_one_referral(
    monkeypatch: pytest.MonkeyPatch, client: Client, home: Neighbourhood, front_door: Team
) -> None:
    monkeypatch.setattr(intake, "MINIMUM_SECONDS", 0)
    send_twice(client, FORM, answers(make_practice(home)))
    assert (Referral.objects.count(), SelfReferralSubmission.objects.count()) == (1, 1)


def test_declining_a_discharge_twice_is_one_decline(
    client_for: Sign_in, home: Neighbourhood, front_door: Team, person: Person
) -> None:
    handover = make_discharge(person, front_door)
    member = make_staff(home)
    member.teams.add(front_door)
    send_twice(
        client_for(member),
        reverse("referrals_public:discharge_handover", args=[handover.pk]),
        {"reason": "No capacity this week"},
        to=reverse("referrals_public:decline_discharge", args=[handover.pk]),
    )
    assert DischargeDecline.objects.filter(handover=handover).count() == 1
