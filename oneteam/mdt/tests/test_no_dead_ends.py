"""Meetings that make sense: decisions once the meeting has started, a length even for an empty agenda, and the
chair warned when two meetings they chair overlap."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.mdt import services
from oneteam.mdt.tests.factories import make_item, make_meeting, start
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def test_a_decision_before_the_meeting_starts_is_refused_and_the_form_not_offered(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    item = make_item(make_meeting(home, chair, in_days=3), make_person(home))
    with pytest.raises(services.MdtRefused, match="The meeting has not started yet"):
        services.record_outcome(actor=chair, item=item, summary="", decision="Refer", actual_minutes=5)
    page = html.unescape(client_for(chair).get(reverse("mdt:item", args=[item.pk])).content.decode())
    assert "You can record the decision once the meeting has started" in page and "Save decision" not in page
    item.refresh_from_db()
    assert item.decision == "" and item.discussed_at is None

    start(item.meeting)
    item.refresh_from_db()
    services.record_outcome(actor=chair, item=item, summary="", decision="Refer", actual_minutes=5)
    assert "Save decision" in client_for(chair).get(reverse("mdt:item", args=[item.pk])).content.decode()


def test_an_empty_agenda_lasts_the_minimum_not_zero_minutes(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair, hour=10)
    page = client_for(chair).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "10:00am to 10:30am" in page or "to 10:30am" in page


def test_a_second_meeting_within_the_first_ones_half_hour_is_refused_for_the_chair(
    home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair, hour=10)
    with pytest.raises(services.MdtRefused, match="already chairing a meeting"):
        services.schedule_meeting(
            actor=chair,
            neighbourhood=home,
            starts_at=meeting.starts_at + datetime.timedelta(minutes=20),
            chair=chair,
            place="Room 2",
        )


def test_the_chair_is_warned_when_a_growing_agenda_runs_into_their_next_meeting(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    first = make_meeting(home, chair, hour=10)
    services.schedule_meeting(
        actor=chair,
        neighbourhood=home,
        starts_at=first.starts_at + datetime.timedelta(minutes=45),
        chair=chair,
        place="Room 2",
    )
    path = reverse("mdt:meeting", args=[first.pk])
    assert "The chair is double booked" not in client_for(chair).get(path).content.decode()
    make_item(first, make_person(home), minutes=30)
    make_item(first, make_person(home), minutes=30)  # now runs until 11:00, past 10:45
    page = html.unescape(client_for(chair).get(path).content.decode())
    assert "The chair is double booked" in page and "10:45am" in page
