"""Invitees prepare: whoever an item needs sees who it is about, when the sharing agreement allows MDT discussion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def test_an_invited_nurse_sees_who_her_item_is_about(client_for: SignIn, home: Neighbourhood, chair: Staff) -> None:
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    physio = make_staff(home, profession=Profession.PHYSIOTHERAPIST)
    person = make_person(home, given_name="Ada", family_name="Khan")
    meeting = make_meeting(home, chair)
    make_item(meeting, person, professions=(Profession.DISTRICT_NURSE,), question="Is the leg ulcer healing?")

    part = client_for(nurse).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Ada KHAN" in part and "Is the leg ulcer healing?" in part
    assert "You cannot see who this item is about" not in part
    membership = CareTeamMembership.objects.get(person=person, staff=nurse)
    assert membership.role == CareRole.MDT_ATTENDEE and membership.ended_at is not None
    # Not invited (the item does not need physiotherapy): still only that an item exists.
    page = client_for(physio).get(reverse("mdt:meeting", args=[meeting.pk]) + "?view=all").content.decode()
    assert "KHAN" not in page and "You cannot see who this item is about" in page


def test_the_item_page_names_the_key_worker_the_record_names(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    person = make_person(home)
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=nurse)
    item = make_item(make_meeting(home, chair), person)
    page = client_for(chair).get(reverse("mdt:item", args=[item.pk])).content.decode()
    assert f"{nurse.get_full_name()} (District nurse)" in page
