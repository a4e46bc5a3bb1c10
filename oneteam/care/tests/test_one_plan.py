"""One plan: actions agreed at MDT meetings and community help signposted to show on the person's care page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.directory import services as directory
from oneteam.directory.tests.factories import make_service
from oneteam.mdt import services as mdt
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode
from oneteam.referrals.tests.factories import make_front_door, make_referral

from .factories import full_plan

pytestmark = pytest.mark.django_db


def test_the_care_page_shows_mdt_actions_and_signposting() -> None:
    home = make_neighbourhood()
    door = make_front_door(home)
    person = make_person(home)
    nurse = make_staff(home)
    chair = make_staff(home, profession=Profession.CARE_COORDINATOR)
    chair.teams.add(door)
    make_referral(home, person=person)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=nurse)
    full_plan(person, nurse)
    item = make_item(make_meeting(home, chair), person)
    in_a_week = timezone.localdate() + datetime.timedelta(days=7)
    mdt.add_action(
        actor=chair, item=item, description="Ask the GP to review her tablets", owner=nurse, due_on=in_a_week
    )
    directory.signpost(
        actor=nurse, person=person, service=make_service(name="Tuesday lunch club"), note="Likes company",
        follow_up_on=in_a_week,
    )  # fmt: skip

    client = Client()
    client.force_login(nurse)
    page = client.get(reverse("care:record", args=[person.pk])).content.decode()

    assert "Ask the GP to review her tablets" in page
    assert "Tuesday lunch club" in page
