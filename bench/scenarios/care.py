"""Care pages on a city with synthetic care: a person's care page (assessments, plan, capacity, visits) and calendar."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from bench.scenarios import PageRequest, PageScenario
from oneteam.access.services.agreements import ensure_default_agreements
from oneteam.care.models import Assessment, AssessmentStatus, AssessmentTemplate, CarePlan, Visit
from oneteam.care.synthetic import generate_care
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person

CARE_SEED = 1


def _ensure_care() -> None:
    """Give neighbourhoods their default sharing agreement (as `make run` does) and add care if the city has none."""
    ensure_default_agreements()
    if not CarePlan.objects.exists():
        print("Adding synthetic care for people on caseloads…")
        people, rows = generate_care(seed=CARE_SEED, as_of=timezone.localdate(), progress=True)
        print(f"Added care for {people:,} people: {rows:,} rows.")


def _busiest_person(route: str) -> PageRequest:
    """The person with the most visits, as a district nurse in their neighbourhood team sees them."""
    _ensure_care()
    busiest = Visit.objects.values("person_id").annotate(n=Count("id")).order_by("-n", "person_id").first()
    if busiest is None:
        raise SystemExit("No visits in the city: generate the city first (bench/generate_city.py).")
    person = Person.objects.get(pk=busiest["person_id"])
    if person.practice_neighbourhood_id is None:
        raise SystemExit("The busiest person is registered outside the area: generate the city first.")
    staff = (
        Staff.objects.filter(
            teams__neighbourhood_id=person.practice_neighbourhood_id, profession=Profession.DISTRICT_NURSE
        )
        .order_by("pk")
        .first()
    )
    if staff is None:
        raise SystemExit("The person's neighbourhood has no district nurse.")
    size = (
        f"{CarePlan.objects.count():,} care plans, {Assessment.objects.count():,} assessments and "
        f"{Visit.objects.count():,} visits in the city; this person has {busiest['n']} visits and "
        f"{Assessment.objects.filter(person=person).count()} assessments"
    )
    return PageRequest(staff=staff, path=reverse(route, args=[person.pk]), data_size=size)


def _heavy_person(route: str) -> PageRequest:
    """The first person with a plan, given (once) 10 assessments and 50 visits in the coming fortnight."""
    _ensure_care()
    plan = CarePlan.objects.select_related("person", "updated_by").order_by("person_id").first()
    if plan is None:
        raise SystemExit("No care plans in the city: generate the city first (bench/generate_city.py).")
    person, nurse = plan.person, plan.updated_by
    template = AssessmentTemplate.objects.get(code="holistic-what-matters", version=1)
    missing = 10 - Assessment.objects.filter(person=person).count()
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            person=person,
            template=template,
            assessor=nurse,
            assessor_profession=nurse.profession,
            status=AssessmentStatus.COMPLETED,
            started_at=now,
            completed_at=now,
            answers={"what-matters": "Bench"},
        )
        for _ in range(max(0, missing))
    )
    upcoming = Visit.objects.filter(person=person, starts_at__gte=now)
    Visit.objects.bulk_create(
        Visit(
            person=person,
            visitor=nurse,
            profession=nurse.profession,
            starts_at=now + datetime.timedelta(hours=6 * n + 1),
            minutes=30,
            purpose="Bench visit",
            booked_by=nurse,
            booked_at=now,
        )
        for n in range(max(0, 50 - upcoming.count()))
    )
    assessments = Assessment.objects.filter(person=person).count()
    size = f"a person with {assessments} assessments and {upcoming.count()} visits to come"
    return PageRequest(staff=nurse, path=reverse(route, args=[person.pk]), data_size=size)


def scenarios() -> list[PageScenario]:
    """The care pages the benchmark times."""
    return [
        PageScenario(name="care page", target_p95_ms=150, prepare=lambda: _busiest_person("care:record")),
        PageScenario(name="visit calendar", target_p95_ms=150, prepare=lambda: _busiest_person("care:visits")),
        PageScenario(name="care page, 10 assessments", target_p95_ms=150, prepare=lambda: _heavy_person("care:record")),
        PageScenario(name="visit calendar, 50 visits", target_p95_ms=150, prepare=lambda: _heavy_person("care:visits")),
    ]
