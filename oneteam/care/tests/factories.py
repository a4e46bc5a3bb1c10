"""Factories for care records: completed assessments, a full plan, visits."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from oneteam.care import services
from oneteam.care.models import Assessment, AssessmentStatus, AssessmentTemplate, ServiceType, Visit
from oneteam.organisations.models import Staff
from oneteam.people.models import Person


def template(code: str = "holistic-what-matters") -> AssessmentTemplate:
    """A shipped template (loaded by the data migration)."""
    return AssessmentTemplate.objects.get(code=code, version=1)


def completed_assessment(
    person: Person, assessor: Staff, *, code: str = "holistic-what-matters", days_ago: int = 0, **fields: Any
) -> Assessment:
    """A completed assessment, `days_ago` days ago."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    chosen = template(code)
    values: dict[str, Any] = {
        "person": person,
        "template": chosen,
        "assessor": assessor,
        "assessor_profession": assessor.profession,
        "trusted_assessor": assessor.profession in chosen.trusted_professions,
        "status": AssessmentStatus.COMPLETED,
        "started_at": at,
        "completed_at": at,
        "answers": {"what-matters": "My garden"},
    }
    values.update(fields)
    return Assessment.objects.create(**values)


def full_plan(person: Person, by: Staff, *, goals: int = 2, actions: int = 2) -> int:
    """A plan with text, goals, actions and a decision, made through the services; returns its version."""
    version = services.update_plan_text(
        actor=by,
        person=person,
        expected_version=0,
        what_matters="I want to stay in my own home",
        crisis_plan="Call my daughter",
        contingency_plan="Neighbour has a key",
        carers="Daughter, daily",
    ).version
    for n in range(goals):
        services.add_goal(actor=by, person=person, expected_version=version, text=f"Goal {n}", self_care=n % 2 == 0)
        version += 1
    service = ServiceType.objects.get(code="district-nursing")
    for n in range(actions):
        details = services.ActionDetails(
            description=f"Action {n}", owner=by, service_type=service, due_on=timezone.localdate()
        )
        services.add_action(actor=by, person=person, expected_version=version, details=details)
        version += 1
    services.record_decision(
        actor=by,
        person=person,
        expected_version=version,
        decision="I will keep using the stairs",
        considered_unwise=True,
        risks_discussed="Falls risk explained",
    )
    return version + 1


def visit(person: Person, visitor: Staff, starts_at: datetime.datetime, minutes: int = 30, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "person": person,
        "visitor": visitor,
        "profession": visitor.profession,
        "starts_at": starts_at,
        "minutes": minutes,
        "purpose": "Check-in",
        "booked_by": visitor,
        "booked_at": timezone.now(),
    }
    values.update(fields)
    return Visit.objects.create(**values)
