"""The information governance audit pages: who may open them, finding a log, what is shown and exported."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose
from oneteam.access.services import record_event
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person, next_nhs_number
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Person:
    return make_person(make_neighbourhood(), given_name="Ada", family_name="Khan")


@pytest.fixture
def nurse(person: Person) -> Staff:
    return make_staff(person.practice_neighbourhood, username="dn.smith")


@pytest.fixture
def ig_client() -> Client:
    client = Client()
    client.force_login(make_staff(make_neighbourhood(), profession=Profession.INFORMATION_GOVERNANCE_OFFICER))
    return client


def record_views(staff: Staff, person: Person, count: int) -> None:
    for _ in range(count):
        record_event(
            staff=staff,
            action=AuditAction.VIEW,
            person_id=person.pk,
            category=DataCategory.PHYSICAL_HEALTH,
            purpose=Purpose.DIRECT_CARE,
            allowed=True,
            reason="Allowed: test.",
        )


def audit_pages(person: Person, staff: Staff) -> list[str]:
    return [
        reverse("access:audit"),
        reverse("access:audit_person", args=[person.pk]),
        reverse("access:subject_access_report", args=[person.pk]),
        reverse("access:subject_access_csv", args=[person.pk]),
        reverse("access:audit_staff", args=[staff.username]),
    ]


def test_staff_who_are_not_information_governance_officers_are_refused_and_the_attempt_is_audited(
    person: Person, nurse: Staff
) -> None:
    client = Client()
    client.force_login(nurse)  # the person is in the nurse's own neighbourhood: that is not enough
    for path in audit_pages(person, nurse):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You cannot do this" in response.content.decode()
    refusals = AuditEvent.objects.filter(staff=nurse, action=AuditAction.DENIED, purpose=Purpose.AUDIT)
    assert refusals.count() == 5
    assert refusals.filter(person_id=person.pk).count() == 3


def test_a_person_is_found_by_nhs_number(ig_client: Client, person: Person) -> None:
    response = ig_client.post(reverse("access:audit"), {"nhs_number": person.display_nhs_number})
    assert response.status_code == 302
    assert response["Location"] == reverse("access:audit_person", args=[person.pk])


def test_an_invalid_nhs_number_is_explained_next_to_the_field(ig_client: Client) -> None:
    response = ig_client.post(reverse("access:audit"), {"nhs_number": "123 456 7890"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_nhs_number"' in page
    assert "This is not a valid NHS number" in page


def test_an_nhs_number_nobody_has_is_explained(ig_client: Client) -> None:
    response = ig_client.post(reverse("access:audit"), {"nhs_number": next_nhs_number()})
    assert response.status_code == 400
    assert "No one with this NHS number was found" in response.content.decode()


def test_the_person_log_shows_each_access_and_reading_it_is_audited(
    ig_client: Client, person: Person, nurse: Staff
) -> None:
    record_views(nurse, person, 1)
    response = ig_client.get(reverse("access:audit_person", args=[person.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Audit log for Ada KHAN" in page
    assert nurse.organisation is not None
    for text in [nurse.get_full_name(), "District nurse", nurse.organisation.name, "Viewed a record"]:
        assert text in page
    for text in ["Physical health", "Direct care", "Allowed", "Allowed: test."]:
        assert text in page
    reading = AuditEvent.objects.get(purpose=Purpose.AUDIT, person_id=person.pk)
    assert reading.action == AuditAction.VIEW
    assert reading.category == DataCategory.DEMOGRAPHICS
    assert reading.allowed is True
    assert reading.reason == "Information governance audit"


def test_the_person_log_shows_50_events_a_page_newest_first(ig_client: Client, person: Person, nurse: Staff) -> None:
    record_views(nurse, person, 60)
    newest = AuditEvent.objects.filter(person_id=person.pk).order_by("-id")[0]
    first = ig_client.get(reverse("access:audit_person", args=[person.pk])).content.decode()
    # 61 events once this reading is recorded, and it is the newest.
    assert "Showing events 1 to 50 of 61, newest first." in first
    assert first.index("Information governance audit") < first.index(newest.reason)
    second = ig_client.get(reverse("access:audit_person", args=[person.pk]), {"page": 2}).content.decode()
    assert "Showing events 51 to 62 of 62, newest first." in second


@pytest.mark.parametrize("page_name", ["access:audit_person", "access:subject_access_report"])
def test_the_query_count_does_not_grow_with_the_events_shown(
    ig_client: Client, person: Person, nurse: Staff, page_name: str
) -> None:
    def queries_with(events: int) -> int:
        record_views(nurse, person, events)
        with CaptureQueriesContext(connection) as queries:
            assert ig_client.get(reverse(page_name, args=[person.pk])).status_code == 200
        return len(queries)

    ig_client.get(reverse("access:audit"))  # the first request after signing in also saves the session
    # Session, staff, their teams, reviews waiting, the person, the events (and the page count for the log),
    # then the header's inbox count.
    expected = audit_append_queries() + (7 if page_name == "access:audit_person" else 6) + INBOX_COUNT_QUERIES
    assert queries_with(2) == expected
    assert queries_with(60) == expected


def test_staff_are_found_by_name_and_their_log_lists_what_they_did(
    ig_client: Client, person: Person, nurse: Staff
) -> None:
    record_views(nurse, person, 2)
    found = ig_client.get(reverse("access:audit"), {"q": nurse.last_name.lower()}).content.decode()
    assert "1 member of staff found" in found
    assert reverse("access:audit_staff", args=["dn.smith"]) in found

    page = ig_client.get(reverse("access:audit_staff", args=["dn.smith"])).content.decode()
    assert f"Audit log for {nurse.get_full_name()}" in page
    assert "Showing events 1 to 2 of 2" in page
    assert person.nhs_number[:3] in page
    assert reverse("access:audit_person", args=[person.pk]) in page
    reading = AuditEvent.objects.get(purpose=Purpose.AUDIT, detail__staff_id=nurse.pk)
    assert reading.person_id is None


def test_an_empty_staff_search_is_explained(ig_client: Client) -> None:
    response = ig_client.get(reverse("access:audit"), {"q": ""})
    assert response.status_code == 400
    assert "Enter a username or name" in response.content.decode()


def test_the_subject_access_report_page_lists_accesses_and_is_audited(
    ig_client: Client, person: Person, nurse: Staff
) -> None:
    record_views(nurse, person, 1)
    response = ig_client.get(reverse("access:subject_access_report", args=[person.pk]))
    page = response.content.decode()
    assert "Who has accessed your record" in page
    assert nurse.get_full_name() in page
    assert "Physical health" in page
    # Printing is done by a script file: the Content-Security-Policy forbids inline scripts.
    assert "data-print-page" in page
    assert "js/print.js" in page
    assert reverse("access:subject_access_csv", args=[person.pk]) in page
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, person_id=person.pk)
    assert export.purpose == Purpose.AUDIT
    assert export.detail == {"format": "printed page"}


def test_the_subject_access_report_downloads_as_csv_named_by_date(
    ig_client: Client, person: Person, nurse: Staff
) -> None:
    nurse.first_name = "=HYPERLINK"  # a formula must arrive as text
    nurse.save()
    record_views(nurse, person, 2)
    response = ig_client.get(reverse("access:subject_access_csv", args=[person.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="record-accesses-{timezone.localdate():%Y-%m-%d}.csv"'
    assert "Khan" not in disposition
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Date and time",
        "Staff member",
        "Role",
        "Organisation",
        "What was accessed",
        "Purpose",
        "Allowed or refused",
    ]
    # Newest first: the export itself, then the nurse's two reads.
    assert len(rows) == 4
    assert rows[1][2:] == ["Information governance officer", rows[1][3], "Demographics", "Audit", "Allowed"]
    assert nurse.organisation is not None
    nurse_read = [f"'=HYPERLINK {nurse.last_name}", "District nurse", nurse.organisation.name, "Physical health"]
    assert rows[2][1:] == [*nurse_read, "Direct care", "Allowed"]
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, person_id=person.pk)
    assert export.detail == {"format": "CSV"}
