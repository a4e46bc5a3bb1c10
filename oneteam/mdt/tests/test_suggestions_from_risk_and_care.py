"""Agenda suggestions from the proactive care list and from care plans with overdue actions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from oneteam.care.models import ActionStatus, CarePlan, PlanAction, ServiceType
from oneteam.mdt import services, suggestions
from oneteam.mdt.models import ItemSource
from oneteam.mdt.tests.factories import make_meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.risk.models import AgeBand, MdtProposal, PersonRisk, StratificationRun

pytestmark = pytest.mark.django_db


def suggested(chair: Staff, home: Neighbourhood, in_days: int = 1) -> dict[int, suggestions.Suggestion]:
    meeting = make_meeting(home, chair, in_days=in_days)
    found = suggestions.suggest(staff=chair, meeting=meeting)
    return {suggestion.person.pk: suggestion for suggestion in found.shown}


def scored(run: StratificationRun, person: Person, category: str, previous: str | None) -> PersonRisk:
    places = (person.practice_neighbourhood_id, person.ward_neighbourhood_id, person.gp_practice_id)
    practice_neighbourhood, ward_neighbourhood, gp_practice = places
    assert practice_neighbourhood and ward_neighbourhood and gp_practice  # scored people live in the area
    return PersonRisk.objects.create(
        run=run,
        person=person,
        practice_neighbourhood_id=practice_neighbourhood,
        ward_neighbourhood_id=ward_neighbourhood,
        gp_practice_id=gp_practice,
        ethnic_category=person.ethnic_category,
        age_band=AgeBand.OLDEST,
        deficits=14 if category == "severe" else 10,
        category=category,
        previous_category=previous,
        emergency_admissions=0,
        bed_days=0,
        lives_alone=False,
        has_carer=False,
        imd_decile=5,
        recent_fall=False,
        known_to_team=True,
        priority=10,
    )


def test_proposals_and_people_newly_severely_frail_are_suggested_once(chair: Staff, home: Neighbourhood) -> None:
    proposed, newly_severe, already_severe = make_person(home), make_person(home), make_person(home)
    proposal = MdtProposal.objects.create(
        person=proposed,
        neighbourhood=home,
        question="Would a falls review help?",
        why="Moderate frailty (10 of 36)",
        proposed_by=chair,
        created=timezone.now(),
    )
    now = timezone.now()
    run = StratificationRun.objects.create(
        started_at=now, finished_at=now, seconds=1.0, as_of=now.date(), codelist_version="v1"
    )
    scored(run, newly_severe, "severe", previous="moderate")
    scored(run, already_severe, "severe", previous="severe")

    shown = suggested(chair, home)

    assert shown[proposed.pk].question == "Would a falls review help?"
    assert shown[proposed.pk].source == ItemSource.TOP_RISK_BAND
    assert "Newly severely frail" in shown[newly_severe.pk].reason
    assert already_severe.pk not in shown

    meeting = make_meeting(home, chair, in_days=2)
    services.add_item(
        actor=chair,
        meeting=meeting,
        person=proposed,
        question=proposal.question,
        professions=[Profession.GP],
        expected_minutes=10,
        source=ItemSource.TOP_RISK_BAND,
        risk_proposal=proposal,
    )
    proposal.refresh_from_db()
    assert proposal.taken_at is not None
    assert proposed.pk not in suggested(chair, home, in_days=3)


def test_overdue_care_plan_actions_are_suggested_but_done_ones_are_not(chair: Staff, home: Neighbourhood) -> None:
    late, finished = make_person(home), make_person(home)
    service = ServiceType.objects.get(code="district-nursing")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for person, status in ((late, ActionStatus.TO_DO), (finished, ActionStatus.DONE)):
        plan = CarePlan.objects.create(
            person=person, created_at=timezone.now(), updated_at=timezone.now(), updated_by=chair
        )
        PlanAction.objects.create(
            plan=plan,
            description="Order a perching stool",
            owner=chair,
            owner_profession=Profession.OCCUPATIONAL_THERAPIST,
            service_type=service,
            due_on=yesterday,
            status=status,
        )

    shown = suggested(chair, home)

    assert shown[late.pk].source == ItemSource.OVERDUE_PLAN_ACTION
    assert shown[late.pk].professions == (Profession.OCCUPATIONAL_THERAPIST,)
    assert finished.pk not in shown
