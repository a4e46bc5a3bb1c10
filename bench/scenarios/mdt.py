"""MDT pages on the city: the agenda of a meeting with 40 items, as its chair sees it."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from bench.scenarios import PageRequest, PageScenario
from oneteam.mdt import services
from oneteam.mdt.models import Meeting
from oneteam.organisations.models import Profession, Staff, Team
from oneteam.people.models import Person

ITEMS = 40
# Marks the benchmark's meeting, so later runs find it instead of adding another.
PLACE = "Benchmark: a 40-item agenda"


def _meeting() -> Meeting:
    """The benchmark meeting: chaired by a front door's care coordinator, 40 of its people from several practices."""
    existing = Meeting.objects.filter(place=PLACE).select_related("chair").first()
    if existing is not None:
        return existing
    team = Team.objects.filter(takes_referrals=True).order_by("pk").first()
    if team is None or team.neighbourhood is None:
        raise SystemExit("The city has no front-door team: generate the city first (bench/generate_city.py).")
    chair = Staff.objects.filter(teams=team, profession=Profession.CARE_COORDINATOR).order_by("pk").first()
    if chair is None:
        raise SystemExit(f"{team.name} has no care coordinator to chair its MDT.")
    print(f"Adding an MDT meeting of {ITEMS} items in {team.neighbourhood.name}…")
    meeting = services.schedule_meeting(
        actor=chair,
        neighbourhood=team.neighbourhood,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        chair=chair,
        place=PLACE,
    )
    # Every fifth person by practice, so the timetable has several GP practice slots.
    people = Person.objects.filter(practice_neighbourhood=team.neighbourhood).order_by("gp_practice_id", "pk")
    for person in people[: ITEMS * 5 : 5]:
        services.add_item(
            actor=chair,
            meeting=meeting,
            person=person,
            question="What support would keep this person well at home?",
            professions=[Profession.GP, Profession.DISTRICT_NURSE],
            expected_minutes=5,
        )
    return meeting


def agenda() -> PageRequest:
    """The 40-item agenda, as its chair sees it (every item allowed, so every item is drawn in full)."""
    meeting = _meeting()
    return PageRequest(
        staff=meeting.chair,
        path=reverse("mdt:meeting", args=[meeting.pk]),
        data_size=f"{meeting.items.count()} agenda items, {Person.objects.count():,} residents in the city",
    )


def scenarios() -> list[PageScenario]:
    """The MDT pages the benchmark times."""
    return [PageScenario(name="MDT agenda, 40 items", target_p95_ms=150, prepare=agenda)]
