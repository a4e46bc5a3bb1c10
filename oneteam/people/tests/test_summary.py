import datetime

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent, DataCategory
from oneteam.organisations.models import Sector
from oneteam.organisations.tests.factories import make_neighbourhood, make_organisation, make_staff
from oneteam.people.models import (
    AdmissionMethod,
    CarePackage,
    Condition,
    HospitalAdmission,
    Person,
    RelatedPerson,
    SafetyAlert,
)
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def add_history(person: Person, rows: int) -> None:
    """Give the person `rows` of each kind of history, to show the page cost does not depend on it."""
    hospital = make_organisation(Sector.ACUTE_HOSPITAL)
    day = datetime.date(2025, 1, 1)
    for n in range(rows):
        Condition.objects.create(person=person, snomed_code=f"{38341003 + n}", term=f"Condition {n}", recorded_on=day)
        HospitalAdmission.objects.create(
            person=person, hospital=hospital, method=AdmissionMethod.NON_ELECTIVE, admitted_on=day, discharged_on=day
        )
        CarePackage.objects.create(person=person, kind="home_care", started_on=day)
        RelatedPerson.objects.create(person=person, name=f"Contact {n}", relationship="Daughter", is_carer=True)
        SafetyAlert.objects.create(person=person, kind="dangerous_dog", detail=f"Dog {n}", raised_on=day)


def test_summary_shows_the_record_and_its_safety_alerts() -> None:
    client = Client()
    home = make_neighbourhood()
    person = make_person(home, given_name="Ada", family_name="Khan", lives_alone=True)
    add_history(person, 1)
    client.force_login(make_staff(home))
    page = client.get(reverse("people:summary", args=[person.pk])).content.decode()
    assert "Ada KHAN" in page
    assert "Safety alert for visiting staff" in page
    assert "Dangerous dog" in page
    assert person.gp_practice.ods_code in page
    assert "Condition 0" in page
    assert "Contact 0" in page


def test_each_section_read_is_audited() -> None:
    client = Client()
    home = make_neighbourhood()
    person = make_person(home)
    staff = make_staff(home)
    client.force_login(staff)
    client.get(reverse("people:summary", args=[person.pk]))
    events = AuditEvent.objects.filter(staff=staff, person_id=person.pk, action=AuditAction.VIEW)
    assert set(events.values_list("category", flat=True)) == {
        DataCategory.DEMOGRAPHICS,
        DataCategory.SAFETY_ALERTS,
        DataCategory.PHYSICAL_HEALTH,
        DataCategory.SOCIAL_CARE_ASSESSMENT,
    }
    assert all(event.reason.startswith("Allowed:") for event in events)


def test_a_person_outside_the_team_neighbourhoods_is_refused_with_the_reason() -> None:
    client = Client()
    stranger = make_person(make_neighbourhood(), given_name="Ada", family_name="Khan")
    staff = make_staff(make_neighbourhood())
    client.force_login(staff)
    response = client.get(reverse("people:summary", args=[stranger.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this record" in page
    assert "Not allowed:" in page
    assert "Khan" not in page.replace("Ada Khan is not registered", "")
    assert AuditEvent.objects.filter(staff=staff, person_id=stranger.pk, action=AuditAction.DENIED).exists()


def test_unknown_person_is_not_found() -> None:
    client = Client()
    client.force_login(make_staff(make_neighbourhood()))
    assert client.get(reverse("people:summary", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_summary_query_count_does_not_grow_with_data(rows: int, django_assert_num_queries: object) -> None:
    client = Client()
    home = make_neighbourhood()
    person = make_person(home)
    add_history(person, rows)
    client.force_login(make_staff(home))
    client.get(reverse("people:search"))  # first request of a session records its activity time
    # session, staff, person (+ map), staff's teams, audit insert, contacts, alerts, conditions, stays, care packages
    with django_assert_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("people:summary", args=[person.pk]))
    assert response.status_code == 200
