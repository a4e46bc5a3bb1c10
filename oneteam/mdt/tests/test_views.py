"""The MDT pages: privacy of each item, relevance, field-level errors, suggestions, the printed agenda, query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.mdt import services
from oneteam.mdt.models import AgendaItem, AgendaRequest, ItemSource
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Referral
from oneteam.referrals.tests.factories import make_referral
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def test_staff_without_a_relationship_see_that_an_item_exists_but_not_who_or_what(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    person = make_person(home, given_name="Ada", family_name="Khan")
    meeting = make_meeting(home, chair)
    make_item(meeting, person, question="Is a package of care needed?")
    physio = make_staff(home, profession=Profession.PHYSIOTHERAPIST)

    for path in (reverse("mdt:meeting", args=[meeting.pk]) + "?view=all", reverse("mdt:print", args=[meeting.pk])):
        page = client_for(physio).get(path).content.decode()
        assert "an item for discussion" in page
        assert "You cannot see who this item is about" in page
        assert "KHAN" not in page and "Ada" not in page
        assert "package of care" not in page
    # Two pages, each refusing who the item is about and what will be discussed.
    assert AuditEvent.objects.filter(staff=physio, person_id=person.pk, action=AuditAction.DENIED).count() == 4

    chair_page = client_for(chair).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Ada KHAN" in chair_page and "Is a package of care needed?" in chair_page
    printed = client_for(chair).get(reverse("mdt:print", args=[meeting.pk]))
    assert "Ada KHAN" in printed.content.decode()
    assert AuditEvent.objects.filter(staff=chair, person_id=person.pk, action=AuditAction.EXPORT).exists()


def test_after_attending_the_item_they_see_it(client_for: SignIn, home: Neighbourhood, chair: Staff) -> None:
    person = make_person(home, family_name="Khan")
    meeting = make_meeting(home, chair)
    item = make_item(meeting, person, professions=(Profession.PHYSIOTHERAPIST,))
    physio = make_staff(home, profession=Profession.PHYSIOTHERAPIST)
    services.record_attendance(actor=chair, item=item, attendees=[physio])
    page = client_for(physio).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "KHAN" in page


def test_each_invitee_sees_only_their_part_and_a_gp_only_their_practices_slot(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair)
    first, second = make_person(home, family_name="First"), make_person(home, family_name="Second")
    make_item(meeting, first, professions=(Profession.GP, Profession.DISTRICT_NURSE), minutes=15)
    make_item(meeting, second, professions=(Profession.SOCIAL_WORKER,), minutes=10)
    gp = make_staff(None, profession=Profession.GP)
    gp.organisation = first.gp_practice
    gp.save()
    gp_page = client_for(gp).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert first.gp_practice is not None and second.gp_practice is not None
    assert "10:00am to 10:15am: people registered at " + first.gp_practice.name in gp_page
    assert second.gp_practice.name not in gp_page
    assert "10:15am" in gp_page and "10:25am" not in gp_page.split("Your part of the meeting")[1]

    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    page = client_for(social_worker).get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    part = page.split("Your part of the meeting")[1]
    assert "10:15am to 10:25am" in part and "10:00am to 10:15am" not in part


def test_adding_an_item_without_a_question_or_profession_shows_errors_by_the_fields(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair)
    person = make_person(home)
    response = client_for(chair).post(
        reverse("mdt:add_item", args=[meeting.pk]), {"nhs_number": person.nhs_number, "expected_minutes": "10"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_question-error"' in page and "Enter the question for the team" in page
    assert 'id="id_professions-error"' in page and "Select at least one profession the discussion needs" in page
    assert not AgendaItem.objects.exists()


def test_a_second_slot_for_the_same_person_is_refused_next_to_the_person(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair)
    person = make_person(home)
    make_item(meeting, person)
    data = {"nhs_number": person.nhs_number, "question": "Again?", "professions": ["gp"], "expected_minutes": "5"}
    response = client_for(chair).post(reverse("mdt:add_item", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert 'id="id_nhs_number-error"' in response.content.decode()
    assert "already on this agenda" in response.content.decode()


def test_suggestions_come_from_requests_stuck_referrals_discharges_and_overdue_actions(
    client_for: SignIn, home: Neighbourhood, chair: Staff, front_door: Team
) -> None:
    meeting = make_meeting(home, chair)
    requested = make_person(home, family_name="Requested")
    nurse = make_staff(home)
    services.request_discussion(
        actor=nurse,
        person=requested,
        question="Should we start end of life planning?",
        professions=["gp"],
        expected_minutes=15,
    )
    stuck = make_person(home, family_name="Stuck")
    referral = make_referral(home, person=stuck)
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.now() - datetime.timedelta(days=5))
    hidden = make_person(make_neighbourhood(), family_name="Elsewhere")  # another area
    make_referral(home, person=hidden)

    page = client_for(chair).get(reverse("mdt:suggestions", args=[meeting.pk])).content.decode()
    assert "REQUESTED" in page and "Should we start end of life planning?" in page
    assert "STUCK" in page and "has had no first contact within its target" in page
    assert "ELSEWHERE" not in page

    request = AgendaRequest.objects.get()
    add = reverse("mdt:add_item", args=[meeting.pk]) + f"?suggestion=request:{request.pk}"
    form = client_for(chair).get(add).content.decode()
    assert "Should we start end of life planning?" in form
    response = client_for(chair).post(
        add, {"question": "Should we start end of life planning?", "professions": ["gp"], "expected_minutes": "15"}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(person=requested)
    assert item.source == ItemSource.REQUEST and item.request == request
    # Taken up, the request is no longer suggested.
    assert "REQUESTED" not in client_for(chair).get(reverse("mdt:suggestions", args=[meeting.pk])).content.decode()


def test_requesting_a_discussion_from_the_record(client_for: SignIn, home: Neighbourhood, chair: Staff) -> None:
    person = make_person(home)
    nurse = make_staff(home)
    path = reverse("mdt:request", args=[person.pk])
    assert (
        "Ask for this person to be discussed at an MDT"
        in client_for(nurse).get(reverse("people:summary", args=[person.pk])).content.decode()
    )
    bad = client_for(nurse).post(path, {"question": "", "expected_minutes": "10"})
    assert bad.status_code == 400 and "Enter the question for the team" in bad.content.decode()
    good = client_for(nurse).post(
        path, {"question": "Falls at night?", "professions": ["physiotherapist"], "expected_minutes": "10"}
    )
    assert good.status_code == 302
    assert AgendaRequest.objects.get().requested_by == nurse


def test_actions_show_in_the_owners_inbox_and_count_in_the_header_when_due(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    person = make_person(home, family_name="Khan")
    item = make_item(make_meeting(home, chair), person)
    owner = make_staff(home)
    services.add_action(
        actor=chair, item=item, description="Check the pressure areas", owner=owner, due_on=timezone.localdate()
    )
    inbox = client_for(owner).get(reverse("workspace:inbox")).content.decode()
    assert "Check the pressure areas" in inbox and "KHAN" in inbox
    assert "Inbox (1)" in inbox
    record = client_for(owner).get(reverse("people:summary", args=[person.pk])).content.decode()
    assert "Check the pressure areas" in record


def test_the_agenda_of_40_items_costs_a_pinned_number_of_queries(
    client_for: SignIn, home: Neighbourhood, chair: Staff, django_assert_num_queries: object
) -> None:
    meeting = make_meeting(home, chair)
    for n in range(40):
        make_item(meeting, make_person(home, family_name=f"Person{n}"), minutes=5)
    client = client_for(chair)
    client.get(reverse("mdt:meetings"))  # the first request of a session records its activity time
    # session, staff, staff's teams, the meeting, the items with their people and practices,
    # the policy's one query for all 40 people, their safety alerts, the audit append, the chair's other
    # meetings (a clash), then the header's inbox count. The append records who and what for each item: its
    # 80 events are one insert on PostgreSQL, two on SQLite (at most 999 values a statement).
    extra_insert = 1 if connection.vendor == "sqlite" else 0
    with django_assert_num_queries(8 + audit_append_queries() + extra_insert + INBOX_COUNT_QUERIES):  # type: ignore[operator]
        response = client.get(reverse("mdt:meeting", args=[meeting.pk]))
    assert response.content.decode().count('class="mdt-item"') == 40
