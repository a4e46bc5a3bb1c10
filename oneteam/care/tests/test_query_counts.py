"""Pages cost a bounded number of queries however much care is recorded (invariant 7)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode
from oneteam.referrals.tests.factories import make_front_door, make_referral
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

from .factories import completed_assessment, full_plan, visit

pytestmark = pytest.mark.django_db

ASSESSMENT_CODES = ["holistic-what-matters", "care-act-needs", "community-nursing", "falls-risk", "carers-assessment"]


def _person_with_care(assessments: int, visits: int) -> tuple[Person, Staff]:
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    staff = make_staff(home, profession=Profession.DISTRICT_NURSE)
    make_referral(home, person=person)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=staff)
    full_plan(person, staff, goals=max(1, assessments // 2), actions=max(1, assessments // 2))
    for n in range(assessments):
        completed_assessment(person, staff, code=ASSESSMENT_CODES[n % 5], days_ago=n)
    start = timezone.now() + datetime.timedelta(hours=1)
    for n in range(visits):
        visit(person, staff, start + datetime.timedelta(hours=n * 5))
    return person, staff


@pytest.mark.parametrize(("assessments", "visits"), [(1, 1), (10, 50)])
def test_person_record_page_keeps_its_pinned_count(
    assessments: int, visits: int, django_assert_num_queries: object
) -> None:
    person, staff = _person_with_care(assessments, visits)
    client = Client()
    client.force_login(staff)
    client.get(reverse("people:search"))
    # As pinned in oneteam/people/tests/test_summary.py: the care links add no queries.
    expected = 5 + audit_append_queries() + 5 + 3 + INBOX_COUNT_QUERIES
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get(reverse("people:summary", args=[person.pk]))
    assert reverse("care:record", args=[person.pk]) in response.content.decode()


@pytest.mark.parametrize(("assessments", "visits"), [(1, 1), (10, 50)])
def test_care_page_count_does_not_grow_with_data(
    assessments: int, visits: int, django_assert_num_queries: object
) -> None:
    person, staff = _person_with_care(assessments, visits)
    client = Client()
    client.force_login(staff)
    client.get(reverse("people:search"))
    # session, staff, person, the categories of their assessments, staff's teams, the policy's query, the audit
    # append; assessments; the plan and its goals, actions and decisions; its history; visits; capacity records;
    # the inbox count ... and, with the care plan, its MDT actions and the community help signposted to (2)
    expected = 6 + audit_append_queries() + 1 + 4 + 1 + 1 + 1 + 2 + INBOX_COUNT_QUERIES
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get(reverse("care:record", args=[person.pk]))
    assert response.status_code == 200
    assert "Goal 0" in response.content.decode()
