"""Referring a person: from their record or with new details, and the confirmation the referrer sees."""

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent, DataCategory
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.referrals.models import Referral, Source, State
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db

ABOUT_THE_NEED = {"need": "personal_care", "urgency": "soon", "consent_to_share": "yes", "what_matters": "My garden"}
NEW_PERSON = {
    "given_name": "Ada",
    "family_name": "Khan",
    "dob_day": "27",
    "dob_month": "3",
    "dob_year": "1946",
    "nhs_number": "",
    "postcode": "ot1 2ab",
}


@pytest.fixture
def gp(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.GP)


def test_the_person_record_offers_to_refer_them(
    client_for: Callable[[Staff], Client], gp: Staff, person: Person
) -> None:
    page = client_for(gp).get(reverse("people:summary", args=[person.pk])).content.decode()
    assert reverse("referrals:refer_person", args=[person.pk]) in page


def test_referring_a_known_person_sends_it_to_their_front_door(
    client_for: Callable[[Staff], Client], gp: Staff, person: Person, home: Neighbourhood, front_door: Team
) -> None:
    client = client_for(gp)
    form = client.get(reverse("referrals:refer_person", args=[person.pk])).content.decode()
    assert f'<option value="{home.pk}" selected' in form  # the person's practice neighbourhood
    assert AuditEvent.objects.filter(staff=gp, person_id=person.pk, category=DataCategory.DEMOGRAPHICS).exists()

    response = client.post(
        reverse("referrals:refer_person", args=[person.pk]), {"neighbourhood": home.pk, **ABOUT_THE_NEED}
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:sent", args=[referral.pk])
    assert (referral.person, referral.referred_by, referral.source) == (person, gp, Source.STAFF)
    assert (referral.owner_team, referral.state, referral.what_matters) == (front_door, State.RECEIVED, "My garden")
    sent = client.get(response["Location"]).content.decode()
    assert "It is now held by <strong>" + front_door.name in sent


def test_a_second_referral_says_it_joined_the_open_one(
    client_for: Callable[[Staff], Client], gp: Staff, person: Person, home: Neighbourhood, front_door: Team
) -> None:
    make_referral(home, person=person)
    client = client_for(gp)
    response = client.post(
        reverse("referrals:refer_person", args=[person.pk]), {"neighbourhood": home.pk, **ABOUT_THE_NEED}
    )
    sent = client.get(response["Location"]).content.decode()
    assert "already has an open referral, so yours has joined it" in sent
    assert front_door.name in sent


def test_referring_someone_new(
    client_for: Callable[[Staff], Client], gp: Staff, home: Neighbourhood, front_door: Team
) -> None:
    client = client_for(gp)
    assert f'<option value="{home.pk}" selected' in client.get(reverse("referrals:refer")).content.decode()
    response = client.post(
        reverse("referrals:refer"),
        {**NEW_PERSON, "nhs_number": "999 000 0018", "neighbourhood": home.pk, **ABOUT_THE_NEED},
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:sent", args=[referral.pk])
    assert referral.person is None  # triage matches the record
    assert (referral.given_name, referral.nhs_number, referral.postcode) == ("Ada", "9990000018", "OT1 2AB")
    assert referral.date_of_birth.isoformat() == "1946-03-27"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({}, "given_name", "Enter the person's first name"),
        ({}, "postcode", "Enter a postcode"),
        ({}, "need", "Select what the person needs help with"),
        ({}, "urgency", "Select how urgent it is"),
        ({}, "consent_to_share", "Select yes if the person agreed to share their information"),
        ({"nhs_number": "999 000 0019"}, "nhs_number", "This is not a valid NHS number"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode"),
        ({"need_detail": "x" * 2001}, "need_detail", "Ensure this value has at most 2000 characters"),
    ],
)
def test_problems_are_shown_next_to_their_fields(
    client_for: Callable[[Staff], Client],
    gp: Staff,
    home: Neighbourhood,
    front_door: Team,
    posted: dict[str, Any],
    field: str,
    message: str,
) -> None:
    data = {**NEW_PERSON, "neighbourhood": home.pk, **ABOUT_THE_NEED, **posted} if posted else {}
    response = client_for(gp).post(reverse("referrals:refer"), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in page[page.index(f'id="id_{field}-error"') :][:300]
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert not Referral.objects.exists()


def test_the_date_of_birth_is_checked_as_search_checks_it(
    client_for: Callable[[Staff], Client], gp: Staff, home: Neighbourhood, front_door: Team
) -> None:
    data = {**NEW_PERSON, "dob_month": "13", "neighbourhood": home.pk, **ABOUT_THE_NEED}
    page = client_for(gp).post(reverse("referrals:refer"), data).content.decode()
    assert "Date of birth must be a real date" in page[page.index('id="id_dob-error"') :][:300]
    assert 'href="#id_dob_day"' in page


def test_a_neighbourhood_with_no_front_door_is_refused_next_to_the_field(
    client_for: Callable[[Staff], Client], gp: Staff, person: Person
) -> None:
    elsewhere = make_neighbourhood()
    response = client_for(gp).post(
        reverse("referrals:refer_person", args=[person.pk]), {"neighbourhood": elsewhere.pk, **ABOUT_THE_NEED}
    )
    assert response.status_code == 400
    assert "has no team taking referrals yet" in response.content.decode()
    assert 'id="id_neighbourhood-error"' in response.content.decode()


def test_only_the_referrer_sees_the_confirmation(
    client_for: Callable[[Staff], Client], gp: Staff, home: Neighbourhood, front_door: Team
) -> None:
    referral = make_referral(home, referred_by=gp)
    other = make_staff(home)
    assert client_for(other).get(reverse("referrals:sent", args=[referral.pk])).status_code == 403
    assert client_for(gp).get(reverse("referrals:sent", args=[referral.pk])).status_code == 200
    events = AuditEvent.objects.filter(detail__referral=referral.pk, action__in=[AuditAction.VIEW, AuditAction.DENIED])
    assert list(events.values_list("staff", "allowed")) == [(other.pk, False), (gp.pk, True)]
