"""Application logs carry no personal data (docs/adr/0004): a busy session is logged and searched."""

import datetime
import logging

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

TYPED_PASSWORD = "Tr0ub4dor&3-never-logged"  # the wrong password the test types


@pytest.mark.django_db
def test_signing_in_searching_and_reading_a_record_logs_no_personal_data(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    neighbourhood = make_neighbourhood()
    nurse = make_staff(neighbourhood)
    person = make_person(
        neighbourhood, family_name="Quillfeather", date_of_birth=datetime.date(1939, 11, 2), postcode="OT7 4XJ"
    )
    caplog.set_level(logging.DEBUG)
    search = reverse("people:search")

    client.post(reverse("access:sign_in"), {"username": nurse.username, "password": TYPED_PASSWORD})
    client.post(reverse("access:sign_in"), {"username": nurse.username, "password": TEST_PASSWORD})
    by_name = {"by": "name", "family_name": "Quillfeather", "dob_day": "2", "dob_month": "11", "dob_year": "1939"}
    for criteria in (
        {"by": "nhs_number", "nhs_number": person.nhs_number},
        by_name,
        {"by": "postcode", "postcode": "OT7 4XJ"},
    ):
        assert "1 person found" in client.post(search, criteria).content.decode()
    assert "Quillfeather" in client.get(reverse("people:summary", args=[person.pk])).content.decode().title()
    # A mistyped search is logged as a bad request: the log must not echo what was typed.
    assert client.post(search, {"by": "nhs_number", "nhs_number": "Quillfeather OT7 4XJ"}).status_code == 400

    logged = "\n".join(f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert caplog.records, "expected at least the refused sign-in to be logged"
    for personal in (person.nhs_number, person.display_nhs_number, "Quillfeather", "OT7 4XJ", "OT74XJ", TYPED_PASSWORD):
        assert personal.lower() not in logged.lower(), f"{personal!r} appeared in the logs:\n{logged}"


@pytest.mark.django_db
def test_a_page_not_found_does_not_log_its_path(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """Django logs every 4xx and 5xx answer with the path asked for, which can carry an NHS number (a FHIR
    Patient read by NHS number instead of id, say). The path is withheld; the status and reason stay."""
    nurse = make_staff(make_neighbourhood())
    client.force_login(nurse)
    caplog.set_level(logging.DEBUG)
    assert client.get("/people/4857773456/").status_code == 404
    assert client.get("/fhir/Patient/4857773456").status_code in (401, 404)
    logged = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert logged and all("Not Found" in line or "Unauthorized" in line for line in logged)
    assert not [line for line in logged if "4857773456" in line]
