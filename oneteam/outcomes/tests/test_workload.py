"""Workload by need: weights as shown on the page, each person once per professional, and both boundaries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.outcomes.workload import social_care_by_boundary, team_loads
from oneteam.people.models import SafetyAlert, SafetyAlertKind
from oneteam.people.tests.factories import make_person, make_person_outside_the_area

pytestmark = pytest.mark.django_db


def test_caseloads_are_weighted_as_the_page_says_and_recut_by_ward() -> None:
    practice_side, ward_side = make_neighbourhood("A"), make_neighbourhood("B")
    social_worker = make_staff(practice_side, profession=Profession.SOCIAL_WORKER)
    nurse = make_staff(practice_side)
    now = timezone.now()
    at_home = [make_person(practice_side) for _ in range(6)]  # practice and ward both in A
    across = [make_person(practice_side, ward_neighbourhood=ward_side) for _ in range(5)]  # ward in B
    for person in at_home + across:
        for role in (CareRole.KEY_WORKER, CareRole.REFERRAL_OWNER):  # two roles: still one person on the caseload
            CareTeamMembership.objects.create(person=person, staff=social_worker, role=role, started_at=now)
    # Weights: a second profession involved (+0.5), a safety alert (+0.5), living alone (+0.25).
    CareTeamMembership.objects.create(
        person=at_home[0], staff=nurse, role=CareRole.ALLOCATED_PROFESSIONAL, started_at=now
    )
    SafetyAlert.objects.create(
        person=at_home[1], kind=SafetyAlertKind.VISIT_IN_PAIRS, detail="Visit in pairs", raised_on=now.date()
    )
    at_home[2].lives_alone = True
    at_home[2].save()
    # An ended relationship is not a caseload.
    CareTeamMembership.objects.create(
        person=across[0],
        staff=nurse,
        role=CareRole.KEY_WORKER,
        started_at=now - datetime.timedelta(days=30),
        ended_at=now - datetime.timedelta(days=1),
    )

    loads = {(load.neighbourhood, load.profession): load for load in team_loads()}
    social_work = loads[(practice_side.name, "Social worker")]
    # 11 people: 11 + 0.5 + 0.5 + 0.25 = 12.25, carried by one social worker.
    assert (social_work.people, social_work.weighted, social_work.staff) == (11, 12.25, 1)
    assert social_work.per_staff == 12.25
    assert loads[(practice_side.name, "District nurse")].suppressed  # one person: fewer than 5

    boundaries = {row.neighbourhood: row for row in social_care_by_boundary()}
    assert (boundaries[practice_side.name].by_practice, boundaries[practice_side.name].by_ward) == (12.25, 7.25)
    assert (boundaries[ward_side.name].by_practice, boundaries[ward_side.name].by_ward) == (0, 5.0)
    assert boundaries[ward_side.name].suppressed  # nobody is registered with a practice in B


def test_caseloads_of_people_outside_the_area_are_counted_under_outside_the_area() -> None:
    home = make_neighbourhood("A")
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    now = timezone.now()
    for person in [make_person(home) for _ in range(5)] + [make_person_outside_the_area() for _ in range(5)]:
        CareTeamMembership.objects.create(person=person, staff=social_worker, role=CareRole.KEY_WORKER, started_at=now)

    loads = {(load.neighbourhood, load.profession): load.people for load in team_loads()}
    boundaries = {row.neighbourhood: (row.by_practice, row.by_ward) for row in social_care_by_boundary()}

    assert loads == {(home.name, "Social worker"): 5, ("Outside the area", "Social worker"): 5}
    assert boundaries == {home.name: (5.0, 5.0), "Outside the area": (5.0, 5.0)}


def test_the_workload_page_is_for_team_leads_and_analysts() -> None:
    client = Client()
    client.force_login(make_staff(make_neighbourhood(), profession=Profession.TEAM_LEAD))
    page = client.get(reverse("outcomes:workload"))
    assert page.status_code == 200
    assert "Add 0.5 for each other profession involved" in page.content.decode()
    nurse = Client()
    nurse.force_login(make_staff(make_neighbourhood()))
    assert nurse.get(reverse("outcomes:workload")).status_code == 403
