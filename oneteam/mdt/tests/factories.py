"""Factories for MDT meetings and their items, made through the services so the rules hold."""

from __future__ import annotations

import datetime

from django.utils import timezone

from oneteam.mdt import services
from oneteam.mdt.models import AgendaItem, Meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.people.models import Person


def make_meeting(
    neighbourhood: Neighbourhood, chair: Staff, *, in_days: int = 1, hour: int = 10, place: str = "Health centre"
) -> Meeting:
    """A meeting `in_days` from now at `hour` local time, chaired by `chair` (who must work in the neighbourhood)."""
    day = timezone.localdate() + datetime.timedelta(days=in_days)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return services.schedule_meeting(
        actor=chair, neighbourhood=neighbourhood, starts_at=starts_at, chair=chair, place=place
    )


def make_item(
    meeting: Meeting,
    person: Person,
    *,
    professions: tuple[str, ...] = (Profession.DISTRICT_NURSE,),
    minutes: int = 10,
    question: str = "What support does this person need at home?",
) -> AgendaItem:
    """An item added by the meeting's chair."""
    return services.add_item(
        actor=meeting.chair,
        meeting=meeting,
        person=person,
        question=question,
        professions=professions,
        expected_minutes=minutes,
    )


def start(meeting: Meeting) -> Meeting:
    """Move the meeting to have started a minute ago: decisions are recorded only once it has."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    meeting.refresh_from_db()
    return meeting
