"""MDT forms that create something save once however often they are sent (ADR 0024)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.mdt.models import AgendaItem, AgendaRequest, MdtAction, Meeting
from oneteam.mdt.tests.factories import make_item, make_meeting, start
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.tests.factories import make_person
from oneteam.submissions.tests.twice import send_twice

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def test_a_meeting_set_up_twice_is_one_meeting(client_for: SignIn, home: Neighbourhood, chair: Staff) -> None:
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "neighbourhood": str(home.pk), "kind": "regular", "time": "10:00",
        "date_day": str(day.day), "date_month": str(day.month), "date_year": str(day.year),
        "place": "Health centre", "online_link": "", "chair": str(chair.pk),
    }  # fmt: skip
    send_twice(client_for(chair), reverse("mdt:schedule"), data)
    assert Meeting.objects.count() == 1


def test_an_item_and_an_action_sent_twice_are_each_added_once(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair)
    person = make_person(home)
    client = client_for(chair)
    item_form = {"nhs_number": person.nhs_number, "question": "Care at home?", "professions": ["gp"]}
    send_twice(client, reverse("mdt:add_item", args=[meeting.pk]), item_form | {"expected_minutes": "10"})
    item = AgendaItem.objects.get()
    due = timezone.localdate() + datetime.timedelta(days=7)
    action = {
        "description": "Ask the GP to review medicines", "owner": str(chair.pk),
        "due_on_day": str(due.day), "due_on_month": str(due.month), "due_on_year": str(due.year),
    }  # fmt: skip
    send_twice(client, reverse("mdt:item", args=[item.pk]), action, to=reverse("mdt:add_action", args=[item.pk]))
    assert MdtAction.objects.filter(item=item).count() == 1


def test_a_decision_sent_twice_is_recorded_once(client_for: SignIn, home: Neighbourhood, chair: Staff) -> None:
    item = make_item(start(make_meeting(home, chair)), make_person(home))
    decision = {"summary": "", "decision": "Refer to falls clinic", "actual_minutes": "12"}
    outcome = reverse("mdt:outcome", args=[item.pk])
    send_twice(client_for(chair), reverse("mdt:item", args=[item.pk]), decision, to=outcome)
    item.refresh_from_db()
    assert item.decision == "Refer to falls clinic"


def test_a_request_for_discussion_sent_twice_is_one_request(client_for: SignIn, home: Neighbourhood) -> None:
    person = make_person(home)
    data = {"question": "Falls at night?", "professions": ["physiotherapist"], "expected_minutes": "10"}
    send_twice(client_for(make_staff(home)), reverse("mdt:request", args=[person.pk]), data)
    assert AgendaRequest.objects.count() == 1
