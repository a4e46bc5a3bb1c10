import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership, DataCategory
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Profession, Sector, Staff
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
from oneteam.referrals.models import Episode
from oneteam.referrals.tests.factories import make_front_door, make_referral
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

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
    assert person.gp_practice is not None and f"({person.gp_practice.ods_code})" in page
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
        DataCategory.CARE_PLAN,
    }
    assert all(event.reason.startswith("Allowed:") for event in events)


def test_an_outsider_sees_only_that_they_may_not_see_the_record_and_the_emergency_access_form() -> None:
    client = Client()
    elsewhere = make_neighbourhood("HV9")
    stranger = make_person(elsewhere, given_name="Ada", family_name="Khan", address_line_1="7 Secret Lane")
    add_history(stranger, 1)
    staff = make_staff(make_neighbourhood(), profession="social_worker")
    client.force_login(staff)
    response = client.get(reverse("people:summary", args=[stranger.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You may not see this record" in page
    for disclosed in (
        "Ada",
        "KHAN",
        "Khan",
        stranger.nhs_number,
        elsewhere.name,
        "7 Secret Lane",
        "Dog 0",
        "Condition 0",
    ):
        assert disclosed not in page
    assert "Open the record" in page  # a social worker may use emergency access
    assert AuditEvent.objects.filter(staff=staff, person_id=stranger.pk, action=AuditAction.DENIED).exists()


@pytest.mark.parametrize("profession", [Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER])
def test_a_role_without_direct_care_is_not_offered_emergency_access(profession: Profession) -> None:
    client = Client()
    person = make_person(make_neighbourhood(), given_name="Ada", family_name="Khan")
    client.force_login(make_staff(make_neighbourhood(), profession=profession))
    response = client.get(reverse("people:summary", args=[person.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You may not see this record" in page and "Open the record" not in page and "Khan" not in page


def test_mental_health_diagnoses_are_shown_only_to_those_who_may_see_mental_health() -> None:
    home = make_neighbourhood()
    person = make_person(home)
    day = datetime.date(2024, 5, 1)
    Condition.objects.create(person=person, snomed_code="58214004", term="Schizophrenia", recorded_on=day)
    Condition.objects.create(person=person, snomed_code="38341003", term="Hypertension", recorded_on=day)
    nurse = make_staff(home)  # district nurses see mental health only for their own care team
    client = Client()
    client.force_login(nurse)
    page = client.get(reverse("people:summary", args=[person.pk])).content.decode()
    assert "Hypertension" in page and "Schizophrenia" not in page
    refused = AuditEvent.objects.get(staff=nurse, person_id=person.pk, category=DataCategory.MENTAL_HEALTH)
    assert refused.action == AuditAction.DENIED

    key_worker = make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)
    CareTeamMembership.objects.create(
        person=person, staff=key_worker, role=CareRole.KEY_WORKER, started_at=timezone.now()
    )
    client.force_login(key_worker)
    page = client.get(reverse("people:summary", args=[person.pk])).content.decode()
    assert "Schizophrenia" in page
    seen = AuditEvent.objects.get(staff=key_worker, person_id=person.pk, category=DataCategory.MENTAL_HEALTH)
    assert seen.action == AuditAction.VIEW


def test_unknown_person_is_not_found() -> None:
    client = Client()
    client.force_login(make_staff(make_neighbourhood()))
    assert client.get(reverse("people:summary", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_summary_query_count_does_not_grow_with_data(rows: int, django_assert_num_queries: object) -> None:
    client = Client()
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    add_history(person, rows)
    staff = make_staff(home)
    for row in range(rows):  # the first is open; the others (for another need: the same one is refused) join it
        make_referral(home, person=person, need="falls" if row == 0 else "loneliness")
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=staff)
    client.force_login(staff)
    client.get(reverse("people:search"))  # first request of a session records its activity time
    # session, staff, person (+ map), staff's teams, the policy's one query for this person,
    # then the audit append, then contacts, alerts, conditions, stays, care packages,
    # then (with the care plan) the key worker, the referrals and the MDT actions, then the header's inbox count
    expected = 5 + audit_append_queries() + 5 + 3 + INBOX_COUNT_QUERIES
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get(reverse("people:summary", args=[person.pk]))
    assert response.status_code == 200


def test_summary_shows_the_key_worker_and_the_referrals_with_who_holds_them() -> None:
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    key_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    Staff.objects.filter(pk=key_worker.pk).update(email="sam.tester@example.nhs.uk")
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)
    referral = make_referral(home, person=person, need="wound_care")
    client = Client()
    client.force_login(make_staff(home))
    page = client.get(reverse("people:summary", args=[person.pk])).content.decode()
    assert key_worker.get_full_name() in page
    assert "Social worker" in page
    assert key_worker.organisation.name in page  # type: ignore[union-attr]
    assert 'href="mailto:sam.tester@example.nhs.uk"' in page
    assert reverse("referrals:referral", args=[referral.pk]) in page
    assert "Wound care" in page
    assert f"{key_worker.get_full_name()} (Social worker)" in page  # the key worker holds it
    assert "Refer this person" in page


def test_key_worker_and_referrals_are_hidden_with_the_reason_when_the_care_plan_is_not_allowed() -> None:
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    make_referral(home, person=person, need="wound_care")
    client = Client()
    # The neighbourhood's administrator sees who the person is, but not their care plan.
    client.force_login(make_staff(home, profession=Profession.ADMINISTRATOR))
    page = client.get(reverse("people:summary", args=[person.pk])).content.decode()
    assert "Wound care" not in page
    assert page.count("You cannot see this. Not allowed:") >= 2
    assert "Refer this person" in page  # anyone may refer
