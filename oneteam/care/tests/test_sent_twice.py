"""Every care form that creates something saves once however often it is sent (ADR 0024)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.care.models import Assessment, CapacityAssessment, CarePlan, PlanAction, ServiceType, Visit
from oneteam.organisations.models import Staff
from oneteam.people.models import Person
from oneteam.referrals.tests.parallel import parallel_posts
from oneteam.submissions.tests.twice import key_on, send_twice

from .factories import template
from .test_assessments import GOOD_HOLISTIC
from .test_capacity import FORM as CAPACITY

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]
BOOKING = {"day_day": "1", "day_month": "3", "day_year": "2030", "time": "09:00", "minutes": "30", "purpose": "Check"}
HOLISTIC = GOOD_HOLISTIC | {"q_next_review_day": "1", "q_next_review_month": "6", "q_next_review_year": "2027"}


def test_booking_a_visit_twice_books_one(client_for: SignIn, person: Person, nurse: Staff) -> None:
    send_twice(client_for(nurse), reverse("care:visits", args=[person.pk]), BOOKING | {"visitor": str(nurse.pk)})
    assert Visit.objects.filter(person=person).count() == 1


def test_completing_a_new_assessment_twice_saves_one(client_for: SignIn, person: Person, nurse: Staff) -> None:
    page = reverse("care:new_assessment", args=[person.pk, template("holistic-what-matters").pk])
    send_twice(client_for(nurse), page, HOLISTIC | {"repeat_reason": ""})
    assert Assessment.objects.filter(person=person).count() == 1


def test_a_capacity_assessment_sent_twice_is_recorded_once(
    client_for: SignIn, person: Person, social_worker: Staff
) -> None:
    data = CAPACITY | {"best_interests_decision": "Move to extra-care housing near her daughter"}
    send_twice(client_for(social_worker), reverse("care:add_capacity", args=[person.pk]), data)
    assert CapacityAssessment.objects.filter(person=person).count() == 1


def test_a_goal_an_action_and_a_decision_sent_twice_are_each_added_once(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    client, due = client_for(nurse), timezone.localdate()
    goal = {"version": "0", "text": "I want to walk to the post office", "self_care": "no"}
    send_twice(client, reverse("care:add_goal", args=[person.pk]), goal)
    action = {
        "version": "1",
        "description": "Dress leg ulcer",
        "owner": str(nurse.pk),
        "service_type": str(ServiceType.objects.get(code="district-nursing").pk),
        "due_day": str(due.day),
        "due_month": str(due.month),
        "due_year": str(due.year),
    }
    send_twice(client, reverse("care:add_action", args=[person.pk]), action)
    decision = {"version": "2", "decision": "No carers", "considered_unwise": "no"}
    send_twice(client, reverse("care:add_decision", args=[person.pk]), decision)
    plan = CarePlan.objects.get(person=person)
    assert (plan.goals.count(), PlanAction.objects.filter(plan=plan).count(), plan.decisions.count()) == (1, 1, 1)
    assert plan.version == 3  # the second of each changed nothing, not even the version


@pytest.mark.django_db(transaction=True)
def test_a_visit_booked_by_parallel_clicks_is_booked_once(person: Person, nurse: Staff) -> None:
    client = Client()
    client.force_login(nurse)
    path = reverse("care:visits", args=[person.pk])
    data = BOOKING | {"visitor": str(nurse.pk), "submission": key_on(client, path)}
    assert parallel_posts([nurse] * 4, path, data) == [302] * 4
    assert Visit.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_assessment_completed_by_parallel_clicks_is_saved_once(person: Person, nurse: Staff) -> None:
    client = Client()
    client.force_login(nurse)
    path = reverse("care:new_assessment", args=[person.pk, template("holistic-what-matters").pk])
    data = HOLISTIC | {"repeat_reason": "", "submission": key_on(client, path)}
    assert parallel_posts([nurse] * 4, path, data) == [302] * 4
    assert Assessment.objects.filter(person=person).count() == 1
