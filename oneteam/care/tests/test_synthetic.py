"""Synthetic care for the synthetic city: plausible, deterministic, and leaving the city itself unchanged."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db.models import Exists, OuterRef
from pytest_django import DjangoDbBlocker

from oneteam.access.models import CareTeamMembership
from oneteam.care.models import Assessment, CarePlan, PlanAction, Visit, VisitOutcome
from oneteam.care.seed import ensure_reference_data
from oneteam.care.synthetic import caseload, generate_care
from oneteam.synthetic.city import city_digest, clear_city, generate_city

AS_OF = datetime.date(2026, 11, 23)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        ensure_reference_data()
        generate_city(residents=3000, seed=5, as_of=AS_OF)
        yield city_digest()
        clear_city()


def _fingerprint() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    rows += Assessment.objects.order_by("person_id", "template__code", "completed_at").values_list(
        "person_id", "template__code", "assessor_id", "completed_at", "is_repeat", "trusted_assessor"
    )
    rows += CarePlan.objects.order_by("person_id").values_list("person_id", "what_matters", "updated_by_id")
    rows += PlanAction.objects.order_by("plan__person_id", "description").values_list(
        "plan__person_id", "description", "owner_id", "due_on"
    )
    rows += Visit.objects.order_by("person_id", "starts_at", "visitor_id").values_list(
        "person_id", "visitor_id", "starts_at", "outcome"
    )
    return rows


def test_people_on_caseloads_get_plausible_care_deterministically(city: str) -> None:
    people, rows = generate_care(seed=5, as_of=AS_OF)
    on_caseload = caseload(AS_OF).count()
    assert people == on_caseload > 50
    assert rows > people * 5
    assert CarePlan.objects.count() == people
    # Every plan has goals in the person's words and actions owned by more than one profession overall.
    assert not CarePlan.objects.filter(goals__isnull=True).exists()
    assert PlanAction.objects.values("owner_profession").distinct().count() >= 4
    assert Assessment.objects.filter(template__code="holistic-what-matters", trusted_assessor=True).count() == people
    assert Assessment.objects.filter(is_repeat=True, repeat_of__isnull=False).exists()
    # Whoever is booked for a planned visit is on the person's care team, so they see where to go.
    planned = Visit.objects.filter(outcome=VisitOutcome.PLANNED)
    assert planned.exists()
    assert not planned.exclude(
        Exists(CareTeamMembership.objects.filter(person=OuterRef("person"), staff=OuterRef("visitor")))
    ).exists()
    first = _fingerprint()

    assert generate_care(seed=5, as_of=AS_OF) == (0, 0)  # everyone has care already: nothing new
    for model in (Visit, Assessment, CarePlan):
        model.objects.all().delete()
    generate_care(seed=5, as_of=AS_OF)
    assert _fingerprint() == first
    assert city_digest() == city  # the city's own rows are untouched
