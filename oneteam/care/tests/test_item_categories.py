"""The care page asks the policy about each item's own category: an assessment is in its template's (a mental-health
review is mental health), so it shows to those the policy lets see that category, and the audit records it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership, DataCategory
from oneteam.care.models import Assessment, AssessmentTemplate
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person

from .factories import completed_assessment, template

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


@pytest.fixture
def key_worker(home: Neighbourhood, person: Person) -> Staff:
    """A mental health nurse who is the person's key worker."""
    staff = make_staff(home, profession=Profession.MENTAL_HEALTH_NURSE)
    CareTeamMembership.objects.create(person=person, staff=staff, role=CareRole.KEY_WORKER, started_at=timezone.now())
    return staff


@pytest.fixture
def review(person: Person, key_worker: Staff) -> Assessment:
    """A completed mental-health review, beside a completed community nursing assessment."""
    holistic = template()
    mental_health = AssessmentTemplate.objects.create(
        code="mental-health-review",
        version=1,
        title="Mental health review",
        category=DataCategory.MENTAL_HEALTH,
        questions=holistic.questions,
        published_at=timezone.now(),
    )
    completed_assessment(person, key_worker, code="community-nursing")
    return completed_assessment(person, key_worker, template=mental_health)


def test_a_nurse_outside_the_care_team_sees_the_physical_health_assessment_not_the_mental_health_review(
    client_for: SignIn, person: Person, nurse: Staff, review: Assessment
) -> None:
    page = client_for(nurse).get(reverse("care:record", args=[person.pk])).content.decode()

    assert "Community nursing assessment" in page and "Mental health review" not in page
    refused = AuditEvent.objects.get(staff=nurse, person_id=person.pk, category=DataCategory.MENTAL_HEALTH)
    assert refused.action == AuditAction.DENIED
    assert AuditEvent.objects.filter(
        staff=nurse, person_id=person.pk, category=DataCategory.PHYSICAL_HEALTH, action=AuditAction.VIEW
    ).exists()
    opened = client_for(nurse).get(reverse("care:assessment", args=[person.pk, review.pk]))
    assert opened.status_code == 403 and "Mental health review" not in opened.content.decode()
    assert AuditEvent.objects.filter(staff=nurse, category=DataCategory.MENTAL_HEALTH, allowed=False).count() == 2


def test_the_key_worker_sees_and_opens_the_review_and_the_audit_records_a_mental_health_read(
    client_for: SignIn, person: Person, key_worker: Staff, review: Assessment
) -> None:
    client = client_for(key_worker)
    page = client.get(reverse("care:record", args=[person.pk])).content.decode()

    assert "Mental health review" in page
    assert AuditEvent.objects.filter(
        staff=key_worker, person_id=person.pk, category=DataCategory.MENTAL_HEALTH, action=AuditAction.VIEW
    ).exists()
    assert client.get(reverse("care:assessment", args=[person.pk, review.pk])).status_code == 200


def test_a_page_without_assessments_does_not_record_reading_their_categories(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    client_for(nurse).get(reverse("care:record", args=[person.pk]))
    read = set(AuditEvent.objects.filter(staff=nurse, person_id=person.pk).values_list("category", flat=True))
    assert read == {DataCategory.CARE_PLAN, DataCategory.CAPACITY}
