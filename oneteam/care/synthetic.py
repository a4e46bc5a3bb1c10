"""Plausible care for the synthetic city: assessments, care plans, capacity records and visits.

People on an integrated neighbourhood team's caseload are taken to be those
alive with a current social care package, or aged 75 or over with five or more
long-term conditions (about 4.5% of residents). Each gets a holistic
assessment by a district nurse (a trusted assessor), other assessments by
chance, a care plan in their own words with actions for the professions of their
neighbourhood team, and a fortnight of visits, some days overloaded.

Deterministic: each person's care comes from a random stream seeded by the
seed and their id, and every time is relative to `as_of`, so the same city,
seed and day always give the same rows. Nothing here changes the city's own
tables, so `city_digest()` is untouched.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from tqdm import tqdm

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import CarePackage, Person
from oneteam.synthetic.sampling import rng_for

from .models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CapacityAssessment,
    CapacityOutcome,
    CarePlan,
    Goal,
    PersonDecision,
    PlanAction,
    PlanChange,
    ServiceType,
    Visit,
    VisitOutcome,
)

CHUNK = 1_000
WHAT_MATTERS = (
    "I want to stay in my own home, with my cat.",
    "Seeing my grandchildren on Sundays.",
    "Getting to church and the lunch club on Wednesdays.",
    "Being able to look after my garden again.",
    "Not going back into hospital.",
    "Keeping my independence and making my own choices.",
    "Having a proper bath, and feeling clean.",
    "Getting out of the house and seeing people.",
)
GOALS = (
    ("I want to walk to the corner shop on my own.", False),
    ("I'll do my balance exercises every morning.", True),
    ("I want to make my own breakfast.", False),
    ("I'll check my feet every day and tell the nurse if anything changes.", True),
    ("I want to get to the lunch club once a week.", False),
    ("I'll take my tablets from the dosette box myself.", True),
    ("I want my leg to heal so I can wear my shoes.", False),
    ("I want my daughter to have a break.", False),
)
ACTIONS = (
    (Profession.DISTRICT_NURSE, "district-nursing", "Dress the leg ulcer twice a week"),
    (Profession.OCCUPATIONAL_THERAPIST, "equipment-minor-adaptations", "Fit a grab rail by the bath"),
    (Profession.PHYSIOTHERAPIST, "community-therapy", "Six weeks of strength and balance"),
    (Profession.SOCIAL_WORKER, "home-care", "Review the home care package"),
    (Profession.SOCIAL_CARE_ASSESSOR, "day-centre", "Arrange a day centre place"),
    (Profession.VCSE_LINK_WORKER, "community-group", "Introduce to the lunch club"),
    (Profession.GP, "gp-review", "Medicines review"),
    (Profession.COMMUNITY_MATRON, "district-nursing", "Agree an advance care plan"),
)
VISIT_PURPOSES = {
    Profession.DISTRICT_NURSE: "Wound dressing",
    Profession.COMMUNITY_MATRON: "Long-term conditions review",
    Profession.OCCUPATIONAL_THERAPIST: "Home safety check",
    Profession.PHYSIOTHERAPIST: "Strength and balance",
    Profession.SOCIAL_WORKER: "Care and support review",
    Profession.SOCIAL_CARE_ASSESSOR: "Care Act assessment visit",
    Profession.VCSE_LINK_WORKER: "Community connections",
    Profession.MENTAL_HEALTH_NURSE: "Mood and memory check",
}
# Assessments other than the holistic one: who does them and how often.
OTHER_ASSESSMENTS = (
    ("falls-risk", Profession.PHYSIOTHERAPIST, 0.4),
    ("community-nursing", Profession.DISTRICT_NURSE, 0.5),
    ("care-act-needs", Profession.SOCIAL_WORKER, 0.3),
    ("carers-assessment", Profession.SOCIAL_WORKER, 0.15),
)


@dataclass
class _Batch:
    """Rows for a chunk of people, written together."""

    assessments: list[Assessment] = field(default_factory=list)
    plans: list[tuple[CarePlan, list[Goal], list[tuple[PlanAction, int | None]], list[PersonDecision]]] = field(
        default_factory=list
    )
    capacity: list[CapacityAssessment] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)


def caseload(as_of: datetime.date) -> Any:
    """The people on a neighbourhood team's caseload, by id: (id, practice neighbourhood id)."""
    born_by = as_of.replace(year=as_of.year - 75)
    current_package = CarePackage.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
    return (
        Person.objects.filter(date_of_death__isnull=True)
        .annotate(conditions_count=Count("conditions"))
        .filter(Q(Exists(current_package)) | Q(date_of_birth__lte=born_by, conditions_count__gte=5))
        .order_by("pk")
        .values_list("pk", "practice_neighbourhood_id")
    )


def _staff_by_place() -> dict[tuple[int, str], list[Staff]]:
    """The caring staff of each neighbourhood, by profession, in a fixed order."""
    places: dict[tuple[int, str], list[Staff]] = defaultdict(list)
    memberships = Staff.teams.through.objects.select_related("staff", "team").order_by("staff_id", "team_id")
    for membership in memberships:
        if membership.team.neighbourhood_id is not None and membership.staff.is_active:
            places[(membership.team.neighbourhood_id, membership.staff.profession)].append(membership.staff)
    return places


def _answer(rng: random.Random, question: dict[str, Any]) -> Any:
    """A plausible answer to a required question."""
    if question["choices"]:
        return rng.choice(question["choices"])[0]
    if question["type"] == "boolean":
        return True
    if question["type"] == "integer":
        return rng.randint(0, 3)
    return rng.choice(WHAT_MATTERS)


class _Synthesiser:
    def __init__(self, seed: int, as_of: datetime.date) -> None:
        self.seed = seed
        self.as_of = as_of
        self.staff = _staff_by_place()
        self.templates = {t.code: t for t in AssessmentTemplate.objects.filter(version=1)}
        self.services = {s.code: s for s in ServiceType.objects.all()}

    def at(self, days: int, hour: int, minute: int = 0) -> datetime.datetime:
        day = self.as_of + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def pick(self, rng: random.Random, neighbourhood: int, profession: str) -> Staff | None:
        staff = self.staff.get((neighbourhood, profession))
        return rng.choice(staff) if staff else None

    def person(self, batch: _Batch, person_id: int, neighbourhood: int) -> None:
        rng = rng_for(self.seed, "care", person_id)
        nurse = self.pick(rng, neighbourhood, Profession.DISTRICT_NURSE)
        if nurse is None:
            return
        self.assess(batch, rng, person_id, "holistic-what-matters", nurse, days_ago=rng.randint(10, 200))
        for code, profession, chance in OTHER_ASSESSMENTS:
            assessor = self.pick(rng, neighbourhood, profession)
            if assessor is not None and rng.random() < chance:
                first = self.assess(batch, rng, person_id, code, assessor, days_ago=rng.randint(20, 300))
                if rng.random() < 0.08:  # a repeat within 90 days, with its reason
                    other = self.pick(rng, neighbourhood, profession) or assessor
                    repeat = self.assess(batch, rng, person_id, code, other, days_ago=rng.randint(1, 19))
                    repeat.is_repeat, repeat.repeat_reason = True, "Needs changed after a fall"
                    repeat.repeat_of = first
        self.plan(batch, rng, person_id, neighbourhood, nurse)
        if rng.random() < 0.05:
            self.capacity(batch, rng, person_id, neighbourhood, nurse)
        self.visits(batch, rng, person_id, neighbourhood)

    def assess(
        self, batch: _Batch, rng: random.Random, person_id: int, code: str, assessor: Staff, days_ago: int
    ) -> Assessment:
        template = self.templates[code]
        done = self.at(-days_ago, rng.randint(9, 16))
        answers = {
            question["link_id"]: question["choices"][0][0]
            if question["choices"]
            else True
            if question["type"] == "boolean"
            else 1
            if question["type"] == "integer"
            else rng.choice(WHAT_MATTERS)
            for question in template.questions
            if question["required"]
        }
        assessment = Assessment(
            person_id=person_id,
            template=template,
            assessor=assessor,
            assessor_profession=assessor.profession,
            trusted_assessor=assessor.profession in template.trusted_professions,
            status=AssessmentStatus.COMPLETED,
            started_at=done - datetime.timedelta(hours=1),
            completed_at=done,
            answers=answers,
        )
        batch.assessments.append(assessment)
        return assessment

    def plan(self, batch: _Batch, rng: random.Random, person_id: int, neighbourhood: int, nurse: Staff) -> None:
        written = self.at(-rng.randint(5, 60), 11)
        plan = CarePlan(
            person_id=person_id,
            version=1,
            what_matters=rng.choice(WHAT_MATTERS),
            crisis_plan="Call the district nursing team; out of hours, call 111.",
            contingency_plan="A neighbour holds a key and can check in.",
            carers=rng.choice(("Daughter visits daily.", "Husband, who is 84.", "No unpaid carer.")),
            created_at=written,
            updated_at=written,
            updated_by=nurse,
        )
        chosen = rng.sample(GOALS, rng.randint(2, 3))
        goals = [Goal(text=text, self_care=self_care, added_by=nurse, added_at=written) for text, self_care in chosen]
        actions = []
        for profession, service, description in rng.sample(ACTIONS, rng.randint(2, 4)):
            owner = self.pick(rng, neighbourhood, profession)
            if owner is not None:
                action = PlanAction(
                    description=description,
                    owner=owner,
                    owner_profession=profession,
                    service_type=self.services[service],
                    due_on=self.as_of + datetime.timedelta(days=rng.randint(-10, 40)),
                )
                actions.append((action, rng.randrange(len(goals)) if rng.random() < 0.7 else None))
        decisions = []
        if rng.random() < 0.2:
            unwise = rng.random() < 0.5
            decisions.append(
                PersonDecision(
                    decision="I will keep using the stairs to go to bed.",
                    considered_unwise=unwise,
                    risks_discussed="Falls risk explained; she weighed it against staying in her own bed."
                    if unwise
                    else "",
                    recorded_by=nurse,
                    recorded_at=written,
                )
            )
        batch.plans.append((plan, goals, actions, decisions))

    def capacity(self, batch: _Batch, rng: random.Random, person_id: int, neighbourhood: int, nurse: Staff) -> None:
        assessor = self.pick(rng, neighbourhood, Profession.SOCIAL_WORKER) or nurse
        lacks = rng.random() < 0.4
        batch.capacity.append(
            CapacityAssessment(
                person_id=person_id,
                decision="Whether to accept carers at home",
                assessed_on=self.as_of - datetime.timedelta(days=rng.randint(1, 90)),
                assessor=assessor,
                assessor_profession=assessor.profession,
                recorded_at=self.at(-1, 17),
                impairment=True,
                impairment_evidence="Diagnosis of dementia",
                understands=True,
                understands_evidence="Repeated the options back",
                retains=not lacks,
                retains_evidence="Recall checked on two visits",
                uses_or_weighs=True,
                uses_or_weighs_evidence="Weighed up the options",
                communicates=True,
                communicates_evidence="Clear speech",
                outcome=CapacityOutcome.LACKS_CAPACITY if lacks else CapacityOutcome.HAS_CAPACITY,
                best_interests_decision="Carers twice a day, agreed with her son" if lacks else "",
                best_interests_consulted="Son (lasting power of attorney)" if lacks else "",
            )
        )

    def visits(self, batch: _Batch, rng: random.Random, person_id: int, neighbourhood: int) -> None:
        for _ in range(rng.randint(2, 8)):
            profession = rng.choice(list(VISIT_PURPOSES))
            visitor = self.pick(rng, neighbourhood, profession)
            if visitor is None:
                continue
            days = rng.randint(-7, 14)
            outcome = VisitOutcome.PLANNED
            if days < 0:
                outcome = rng.choices(
                    [VisitOutcome.COMPLETED, VisitOutcome.NO_ACCESS, VisitOutcome.CANCELLED_BY_PERSON], [90, 6, 4]
                )[0]
            batch.visits.append(
                Visit(
                    person_id=person_id,
                    visitor=visitor,
                    profession=profession,
                    starts_at=self.at(days, rng.randint(8, 17), rng.choice((0, 15, 30, 45))),
                    minutes=rng.choice((20, 30, 45, 60)),
                    purpose=VISIT_PURPOSES[profession],
                    outcome=outcome,
                    booked_by=visitor,
                    booked_at=self.at(days - 3, 9),
                )
            )


def _write(batch: _Batch) -> int:
    """Write a chunk's rows, parents before children; returns the number of rows."""
    # A repeat points at the assessment it repeats, so those are written first.
    firsts = [a for a in batch.assessments if not a.is_repeat]
    Assessment.objects.bulk_create(firsts)
    for assessment in batch.assessments:
        if assessment.repeat_of is not None:
            assessment.repeat_of_id = assessment.repeat_of.pk
    Assessment.objects.bulk_create([a for a in batch.assessments if a.is_repeat])
    plans = CarePlan.objects.bulk_create([plan for plan, *_ in batch.plans])
    goals, actions, decisions, changes = [], [], [], []
    for plan, (_plan, plan_goals, _actions, plan_decisions) in zip(plans, batch.plans, strict=True):
        for goal in plan_goals:
            goal.plan = plan
        goals.extend(plan_goals)
        for decision in plan_decisions:
            decision.plan = plan
        decisions.extend(plan_decisions)
        changes.append(
            PlanChange(
                plan=plan,
                version=1,
                changed_by=plan.updated_by,
                profession=plan.updated_by.profession,
                changed_at=plan.updated_at,
                summary="Wrote the plan with the person",
            )
        )
    Goal.objects.bulk_create(goals)
    for plan, (_plan, plan_goals, plan_actions, _decisions) in zip(plans, batch.plans, strict=True):
        for action, goal_index in plan_actions:
            action.plan = plan
            action.goal = plan_goals[goal_index] if goal_index is not None else None
            actions.append(action)
    PlanAction.objects.bulk_create(actions)
    PersonDecision.objects.bulk_create(decisions)
    PlanChange.objects.bulk_create(changes)
    CapacityAssessment.objects.bulk_create(batch.capacity)
    Visit.objects.bulk_create(batch.visits)
    memberships = _visitors_in_care_team(batch.visits)
    return (
        len(memberships)
        + len(batch.assessments)
        + len(plans) * 2
        + len(goals)
        + len(actions)
        + len(decisions)
        + len(batch.capacity)
        + len(batch.visits)
    )


def _visitors_in_care_team(visits: list[Visit]) -> list[CareTeamMembership]:
    """Whoever is booked for a planned visit is on the person's care team, as `services.book_visit` makes them."""
    booked: dict[tuple[int, int], datetime.datetime] = {}
    for visit in visits:
        if visit.outcome == VisitOutcome.PLANNED:
            pair = (visit.person_id, visit.visitor_id)
            booked[pair] = min(booked.get(pair, visit.booked_at), visit.booked_at)
    on_team = set(
        CareTeamMembership.objects.filter(person_id__in={person for person, _staff in booked}, ended_at__isnull=True)
        .exclude(role=CareRole.MDT_ATTENDEE)
        .values_list("person_id", "staff_id")
    )
    return CareTeamMembership.objects.bulk_create(
        CareTeamMembership(person_id=person, staff_id=staff, role=CareRole.ALLOCATED_PROFESSIONAL, started_at=at)
        for (person, staff), at in sorted(booked.items())
        if (person, staff) not in on_team
    )


def _chunks(rows: Sequence[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def generate_care(*, seed: int, as_of: datetime.date, progress: bool = False) -> tuple[int, int]:
    """Add care to everyone on a caseload who has none yet, in one transaction; returns (people, rows)."""
    synthesiser = _Synthesiser(seed, as_of)
    with_plan = set(CarePlan.objects.values_list("person_id", flat=True))
    people = [row for row in caseload(as_of) if row[0] not in with_plan]
    rows = 0
    with transaction.atomic(), tqdm(total=len(people), unit=" people", disable=not progress) as bar:
        for chunk in _chunks(people):
            batch = _Batch()
            for person_id, neighbourhood in chunk:
                synthesiser.person(batch, person_id, neighbourhood)
            rows += _write(batch)
            bar.update(len(chunk))
    return len(people), rows
