"""A person's timeline: every kind of entry, newest first, only what the viewer may see, at a pinned query cost."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, DataCategory
from oneteam.access.services.care_team import join_care_team
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import completed_assessment, full_plan, visit
from oneteam.mdt.models import AgendaItem
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.notes import services as notes
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_organisation, make_staff
from oneteam.people.models import AdmissionMethod, HospitalAdmission, Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door, make_referral

pytestmark = pytest.mark.django_db
KINDS = ("Referral", "Visit", "Assessment", "Care plan", "MDT decision", "Hospital admission", "Hospital discharge")


def signed_in(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def in_care_team(home: Neighbourhood, person: Person, profession: str) -> Staff:
    staff = make_staff(home, profession=profession)
    join_care_team(actor=None, person=person, staff=staff, role=CareRole.ALLOCATED_PROFESSIONAL)
    return staff


@pytest.fixture
def record() -> tuple[Neighbourhood, Person, Staff]:
    """A person with one of everything the timeline shows, and the nurse in their care team."""
    ensure_reference_data()
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    nurse = in_care_team(home, person, Profession.DISTRICT_NURSE)
    today = timezone.localdate()
    make_referral(home, person=person, referred_by=nurse)
    visit(person, nurse, timezone.now() - datetime.timedelta(days=2), purpose="Dress the leg ulcer")
    completed_assessment(person, nurse, days_ago=5)
    full_plan(person, nurse, goals=1, actions=0)
    item = make_item(make_meeting(home, make_staff(home, profession=Profession.TEAM_LEAD)), person)
    AgendaItem.objects.filter(pk=item.pk).update(decision="Refer to the falls clinic", discussed_at=timezone.now())
    HospitalAdmission.objects.create(
        person=person,
        hospital=make_organisation(),
        method=AdmissionMethod.NON_ELECTIVE,
        admitted_on=today - datetime.timedelta(days=20),
        discharged_on=today - datetime.timedelta(days=12),
    )
    notes.add_note(actor=nurse, person=person, about_day=today - datetime.timedelta(days=1), text="Rang the daughter")
    return home, person, nurse


def test_the_care_team_nurse_sees_every_kind_newest_first(record: tuple[Neighbourhood, Person, Staff]) -> None:
    _home, person, nurse = record
    page = signed_in(nurse).get(reverse("workspace:timeline", args=[person.pk])).content.decode()
    for kind in (*KINDS, "Note"):
        assert f"· {kind}</p>" in page, kind
    assert "Refer to the falls clinic" in page and "Rang the daughter" in page and "Dress the leg ulcer" in page
    # Newest first: the note (yesterday) before the discharge (12 days ago) before the admission (20 days ago).
    assert page.index("Rang the daughter") < page.index("Discharged from") < page.index("admission to")
    assert "Not shown" not in page
    for category in (DataCategory.CARE_PLAN, DataCategory.PHYSICAL_HEALTH, DataCategory.NOTES):
        assert AuditEvent.objects.filter(
            staff=nurse, person_id=person.pk, action=AuditAction.VIEW, category=category
        ).exists()


def test_a_link_worker_sees_only_what_the_agreement_allows_and_is_told_what_is_left_out(
    record: tuple[Neighbourhood, Person, Staff],
) -> None:
    home, person, _nurse = record
    link_worker = in_care_team(home, person, Profession.VCSE_LINK_WORKER)
    page = signed_in(link_worker).get(reverse("workspace:timeline", args=[person.pk])).content.decode()
    assert "Rang the daughter" in page and "Dress the leg ulcer" in page  # notes and care plan: care team
    assert "admission to" not in page and "Discharged from" not in page  # physical health: no rule
    assert "Not shown: physical health." in page


def test_someone_who_may_see_nothing_is_refused(record: tuple[Neighbourhood, Person, Staff]) -> None:
    _home, person, _nurse = record
    outsider = make_staff(make_neighbourhood(), profession=Profession.DISTRICT_NURSE)
    assert signed_in(outsider).get(reverse("workspace:timeline", args=[person.pk])).status_code == 403


def _queries(client: Client, person: Person) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("workspace:timeline", args=[person.pk])).status_code == 200
    return len(captured)


def test_the_timeline_costs_the_same_number_of_queries_however_long_the_record(
    record: tuple[Neighbourhood, Person, Staff],
) -> None:
    _home, person, nurse = record
    client = signed_in(nurse)
    client.get(reverse("workspace:timeline", args=[person.pk]))  # the first request records the session's activity
    before = _queries(client, person)
    for _ in range(5):
        visit(person, nurse, timezone.now() - datetime.timedelta(days=3))
        notes.add_note(actor=nurse, person=person, about_day=timezone.localdate(), text="Another")
        completed_assessment(person, nurse, code="falls-risk")
    assert _queries(client, person) == before
