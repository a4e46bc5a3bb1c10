"""A demo MDT meeting for `make run`: next week's North 1 meeting with a few people already on the agenda.

Without it, a team lead trying OneTeam out opens the MDT pages to an empty
list. Never available in production, like the demo sign-ins it is chaired by.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from oneteam.mdt import services
from oneteam.mdt.models import Meeting
from oneteam.organisations.models import Profession, Staff, Team

from .demo import DEMO_TEAM, demo_username
from .demo_key_workers import ensure_demo_key_workers

DEMO_PLACE = "North 1 health centre, meeting room 2 (demo)"
# Tuesday lunchtime, the slot GP practices most often keep free for the INT meeting.
_WEEKDAY, _HOUR = 1, 13
# What the demo district nurse brings, in the words a key worker would use.
_ITEMS = (
    (
        "Falls twice this month and lives alone: is a care package or reablement the right next step?",
        [Profession.GP, Profession.SOCIAL_WORKER, Profession.OCCUPATIONAL_THERAPIST],
        15,
    ),
    (
        "Not eating well since a bereavement and missing appointments: who is best placed to visit?",
        [Profession.GP, Profession.VCSE_LINK_WORKER, Profession.MENTAL_HEALTH_NURSE],
        10,
    ),
    ("Many repeat medicines and dizzy in the mornings: can we review them together?", [Profession.GP], 10),
)


def next_meeting_start(now: datetime.datetime) -> datetime.datetime:
    """The first Tuesday at 13:00 (local time) at least one day after `now`."""
    day = timezone.localtime(now).date() + datetime.timedelta(days=1)
    day += datetime.timedelta(days=(_WEEKDAY - day.weekday()) % 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(_HOUR)))


@transaction.atomic
def ensure_demo_meeting() -> Meeting:
    """The demo MDT meeting still to come, set up (with its agenda) if there is none. Safe to run again."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo meetings are never set up in production.")
    chair = Staff.objects.get(username=demo_username(Profession.CARE_COORDINATOR))
    # The people on the agenda are "people the demo nurse is key worker for" on every page, not only the MDT's.
    caseload = ensure_demo_key_workers()
    upcoming = Meeting.objects.filter(chair=chair, place=DEMO_PLACE, starts_at__gt=timezone.now()).first()
    if upcoming is not None:
        return upcoming
    team = Team.objects.select_related("neighbourhood").get(name=DEMO_TEAM)
    if team.neighbourhood is None:
        raise ImproperlyConfigured(f"{DEMO_TEAM} has no neighbourhood: run generate_city first.")
    meeting = services.schedule_meeting(
        actor=chair,
        neighbourhood=team.neighbourhood,
        starts_at=next_meeting_start(timezone.now()),
        chair=chair,
        place=DEMO_PLACE,
    )
    # The demo nurse proposes people she is key worker for: the policy lets her see their care plans.
    for episode, (question, professions, minutes) in zip(caseload, _ITEMS, strict=False):
        services.add_item(
            actor=episode.key_worker,
            meeting=meeting,
            person=episode.person,
            question=question,
            professions=professions,
            expected_minutes=minutes,
        )
    return meeting
