"""The inbox gathers everything a member of staff owns: care-plan and MDT actions, handover notes, discharges."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.care import services as care
from oneteam.care.models import ServiceType
from oneteam.care.seed import ensure_reference_data
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals import services as referrals
from oneteam.referrals.models import Episode, NoticeKind
from oneteam.referrals.services import discharge
from oneteam.referrals.tests.factories import make_discharge, make_front_door

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def inbox_of(client: Client) -> str:
    return html.unescape(client.get(reverse("workspace:inbox")).content.decode())


def test_a_care_plan_action_is_in_its_owners_inbox_with_its_due_date_and_overdue_flag(client_for: SignIn) -> None:
    home = make_neighbourhood()
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    person = make_person(home, given_name="Ada", family_name="Khan")
    join_care_team(actor=None, person=person, staff=nurse, role=CareRole.KEY_WORKER)
    service = ServiceType.objects.get(code="district-nursing")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for version, (text, due) in enumerate([("Arrange a carers assessment", yesterday), ("Book a review", None)]):
        details = care.ActionDetails(
            description=text, owner=social_worker, service_type=service, due_on=due or timezone.localdate()
        )
        care.add_action(actor=nurse, person=person, expected_version=version, details=details)

    page = inbox_of(client_for(social_worker))
    section = page[page.index("Care-plan actions you own (2)") :]
    assert "Ada KHAN" in section and "Arrange a carers assessment" in section
    overdue_row = section[section.index("Arrange a carers") : section.index("Book a review")]
    assert "Overdue" in overdue_row
    assert "Overdue" not in section[section.index("Book a review") : section.index("</table>")]
    assert "You have no open care-plan actions" in inbox_of(client_for(nurse))
    # The inbox records each person it named (once, however many of their actions it showed).
    listed = AuditEvent.objects.filter(staff=social_worker, action=AuditAction.LIST, detail__inbox=True)
    assert list(listed.values_list("person_id", flat=True)) == [person.pk]


def test_a_key_worker_handover_note_reaches_the_new_key_workers_inbox(client_for: SignIn) -> None:
    home = make_neighbourhood()
    old, new = make_staff(home), make_staff(home, profession=Profession.SOCIAL_WORKER)
    person = make_person(home, given_name="Ada", family_name="Khan")
    episode = Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=old)
    referrals.change_key_worker(actor=old, episode=episode, to=new, handover_note="Daughter visits on Tuesdays")

    page = inbox_of(client_for(new))
    assert "You are now the key worker</strong> – Ada KHAN" in page
    assert "Daughter visits on Tuesdays" in page
    assert reverse("people:summary", args=[person.pk]) in page
    assert "Daughter visits on Tuesdays" not in inbox_of(client_for(old))


def test_a_discharge_for_the_team_shows_when_it_is_due_and_why_a_colleague_declined(client_for: SignIn) -> None:
    home = make_neighbourhood()
    door = make_front_door(home)
    member = make_staff(home)
    member.teams.add(door)
    handover = make_discharge(make_person(home, family_name="Home"), door, due_in_hours=-1)
    colleague = make_staff(home)
    colleague.teams.add(door)
    discharge.decline_discharge(actor=colleague, handover=handover, reason="On leave from Monday")
    page = inbox_of(client_for(member))
    section = page[page.index("Hospital discharges your team must accept (1)") :]
    assert "HOME" in section and "Overdue" in section
    assert f"Declined by {colleague.get_full_name()}: On leave from Monday" in section


def inbox_queries(rows: int) -> int:
    """Queries for one inbox page whose owner has `rows` of each kind of entry."""
    home = make_neighbourhood()
    door = make_front_door(home)
    staff = make_staff(home, profession=Profession.SOCIAL_WORKER)
    staff.teams.add(door)
    nurse = make_staff(home)
    nurse.teams.add(door)
    ensure_reference_data()
    service = ServiceType.objects.get(code="district-nursing")
    for _ in range(rows):
        person = make_person(home)
        join_care_team(actor=None, person=person, staff=nurse, role=CareRole.KEY_WORKER)
        details = care.ActionDetails(
            description="Visit", owner=staff, service_type=service, due_on=timezone.localdate()
        )
        care.add_action(actor=nurse, person=person, expected_version=0, details=details)
        referrals.notify(staff, NoticeKind.ALLOCATED, "A referral was allocated to you.", person=person)
        discharge.decline_discharge(actor=nurse, handover=make_discharge(person, door), reason="Not me")
    client = Client()
    client.force_login(staff)
    client.get(reverse("people:search"))  # the first request of a session records its activity time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workspace:inbox")).status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_for_1_or_15_of_everything() -> None:
    assert inbox_queries(1) == inbox_queries(15)
