"""Matching a referral to a record earns a relationship, so it is never taken on trust (issue 16)."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import CareRole, FlagKind, GovernanceFlag
from oneteam.access.services import care_team
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals import queries
from oneteam.referrals.models import Referral, State
from oneteam.referrals.tests.factories import make_front_door, make_referral

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]


def triage(client: Client, referral: Referral, person: Person, **data: str) -> tuple[int, str]:
    fields = {"triage-nhs_number": person.nhs_number, "triage-confirm": "on"}
    fields.update({f"triage-{name}": value for name, value in data.items()})
    response = client.post(reverse("referrals:triage", args=[referral.pk]), fields)
    return response.status_code, html.unescape(response.content.decode())


def test_the_referral_and_the_record_are_shown_side_by_side(
    client_for: Sign_in, triager: Staff, home: Neighbourhood
) -> None:
    referral = make_referral(home)  # for Ada Khan, born 27 March 1941
    other = make_person(home, given_name="Bea", family_name="Jones", date_of_birth=datetime.date(1950, 1, 2))
    response = client_for(triager).post(
        reverse("referrals:triage", args=[referral.pk]), {"triage-nhs_number": other.nhs_number}
    )
    page = html.unescape(response.content.decode())
    assert "On the referral" in page and "On the record" in page
    assert "Ada KHAN" in page and "Bea JONES" in page and "2 January 1950" in page
    assert "The name or date of birth differ" in page


def test_a_match_whose_name_or_birth_date_differ_needs_a_reason_and_goes_to_ig(
    client_for: Sign_in, triager: Staff, home: Neighbourhood
) -> None:
    referral = make_referral(home)
    other = make_person(home, given_name="Ada", family_name="Khan", date_of_birth=datetime.date(1941, 3, 28))
    client = client_for(triager)

    status, page = triage(client, referral, other)
    assert status == 400
    assert "does not agree with this record" in page
    referral.refresh_from_db()
    assert referral.person is None and referral.state == State.RECEIVED
    assert not GovernanceFlag.objects.exists()

    status, _ = triage(client, referral, other, mismatch_reason="Daughter confirmed the date on the referral is wrong")
    assert status == 302
    referral.refresh_from_db()
    assert referral.person == other and referral.state == State.TRIAGED
    flag = GovernanceFlag.objects.get(kind=FlagKind.MISMATCHED_MATCH)
    assert (flag.person, flag.staff) == (other, triager)
    assert "Daughter confirmed" in flag.note


def test_a_matching_name_and_birth_date_need_no_reason_and_raise_no_flag(
    client_for: Sign_in, triager: Staff, home: Neighbourhood, person: Person
) -> None:
    referral = make_referral(home)
    assert triage(client_for(triager), referral, person)[0] == 302
    referral.refresh_from_db()
    assert referral.person == person
    assert not GovernanceFlag.objects.exists()


def test_someone_living_in_another_neighbourhood_is_not_matched_here(
    client_for: Sign_in, triager: Staff, home: Neighbourhood
) -> None:
    elsewhere = make_neighbourhood()
    make_front_door(elsewhere)
    referral = make_referral(home)
    resident = make_person(elsewhere, given_name="Ada", family_name="Khan")
    status, page = triage(client_for(triager), referral, resident)
    assert status == 400
    assert "offer the referral to the front door of the neighbourhood they live in" in page
    referral.refresh_from_db()
    assert referral.person is None
    # The warm handover: the other neighbourhood's front door is among the teams it can be offered to.
    assert any(team.neighbourhood == elsewhere for team in queries.handover_teams(referral.neighbourhood))


def test_a_relationship_outside_the_staff_members_neighbourhoods_is_flagged_for_ig(home: Neighbourhood) -> None:
    person = make_person(home)
    local, outsider = make_staff(home), make_staff(make_neighbourhood())
    care_team.join_care_team(actor=None, person=person, staff=local, role=CareRole.KEY_WORKER)
    assert not GovernanceFlag.objects.exists()
    care_team.join_care_team(actor=None, person=person, staff=outsider, role=CareRole.ALLOCATED_PROFESSIONAL)
    flag = GovernanceFlag.objects.get()
    assert (flag.kind, flag.person, flag.staff) == (FlagKind.OUT_OF_AREA_RELATIONSHIP, person, outsider)
