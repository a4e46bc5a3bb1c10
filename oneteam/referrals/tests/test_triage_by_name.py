"""Triage without an NHS number: find the person's record by last name and date of birth, then confirm."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Neighbourhood, Staff, Team
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Referral, Source, State, Urgency
from oneteam.referrals.services import ReferralDetails, receive_referral

pytestmark = pytest.mark.django_db
BORN = datetime.date(1938, 5, 4)


@pytest.fixture
def self_referral(home: Neighbourhood, front_door: Team) -> Referral:
    """A self-referral with a name and date of birth but no NHS number."""
    details = ReferralDetails(
        given_name="Ada",
        family_name="Khan",
        date_of_birth=BORN,
        need="falls",
        urgency=Urgency.SOON,
        consent_to_share=True,
    )
    return receive_referral(neighbourhood=home, details=details, source=Source.SELF)


def test_the_triager_finds_the_record_by_name_and_date_of_birth_and_matches_it(
    client_for: Callable[[Staff], Client], triager: Staff, home: Neighbourhood, self_referral: Referral
) -> None:
    ada = make_person(home, given_name="Ada", family_name="Khan", date_of_birth=BORN)
    make_person(home, given_name="Ada", family_name="Khan", date_of_birth=datetime.date(1950, 1, 1))  # not her
    client = client_for(triager)
    form = html.unescape(client.get(reverse("referrals:referral", args=[self_referral.pk])).content.decode())
    assert "No NHS number? Find them by name and date of birth" in form
    assert 'value="Khan"' in form and 'name="find-dob_year"' in form and 'value="1938"' in form

    found = client.post(
        reverse("referrals:find_by_name", args=[self_referral.pk]),
        {
            "find-family_name": "khan",
            "find-given_name": "",
            "find-dob_day": "4",
            "find-dob_month": "5",
            "find-dob_year": "1938",
        },
    )
    page = html.unescape(found.content.decode())
    assert "1 record has this name and date of birth" in page
    assert "Match to Ada KHAN, NHS number" in page

    client.post(
        reverse("referrals:triage", args=[self_referral.pk]),
        {"triage-nhs_number": ada.nhs_number, "triage-confirm": "on"},
    )
    self_referral.refresh_from_db()
    assert (self_referral.person, self_referral.state) == (ada, State.TRIAGED)


def test_no_one_found_is_said_next_to_the_name(
    client_for: Callable[[Staff], Client], triager: Staff, self_referral: Referral
) -> None:
    response = client_for(triager).post(
        reverse("referrals:find_by_name", args=[self_referral.pk]),
        {"find-family_name": "Nobody", "find-dob_day": "4", "find-dob_month": "5", "find-dob_year": "1938"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "No one with this name and date of birth was found" in page[page.index('id="id_find-family_name-error"') :]
