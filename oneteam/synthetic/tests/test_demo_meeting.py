"""The demo MDT meeting `make run` sets up: one still to come, with the demo nurse's people on its agenda."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from oneteam.mdt.models import AgendaItem, Meeting
from oneteam.organisations.models import Staff, Team
from oneteam.organisations.tests.factories import make_demo_team
from oneteam.people.tests.factories import make_person
from oneteam.synthetic.demo import ensure_demo_staff
from oneteam.synthetic.demo_meeting import DEMO_PLACE, ensure_demo_meeting, next_meeting_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_team() -> Team:
    """The North 1 team with its demo staff, and residents for their caseloads."""
    team = make_demo_team()
    assert team.neighbourhood is not None
    for _ in range(40):
        make_person(team.neighbourhood)
    ensure_demo_staff()
    return team


def test_the_demo_meeting_is_next_week_with_three_people_on_the_agenda(demo_team: Team) -> None:
    meeting = ensure_demo_meeting()
    assert meeting.chair.username == "demo.care.coordinator"
    assert meeting.neighbourhood_id == demo_team.neighbourhood_id
    assert meeting.starts_at > timezone.now()
    items = list(meeting.items.all())
    nurse = Staff.objects.get(username="demo.district.nurse")
    assert [item.proposed_by_id for item in items] == [nurse.pk] * 3
    assert len({item.person_id for item in items}) == 3


def test_running_again_sets_up_nothing_new(demo_team: Team) -> None:
    first = ensure_demo_meeting()
    assert ensure_demo_meeting() == first
    assert Meeting.objects.count() == 1 and AgendaItem.objects.count() == 3


def test_a_new_one_once_the_last_has_happened(demo_team: Team) -> None:
    first = ensure_demo_meeting()
    Meeting.objects.filter(pk=first.pk).update(starts_at=timezone.now() - datetime.timedelta(days=1))
    assert ensure_demo_meeting() != first
    assert Meeting.objects.filter(place=DEMO_PLACE).count() == 2


def test_the_command_says_when_and_who(demo_team: Team) -> None:
    out = StringIO()
    call_command("ensure_demo_meeting", stdout=out)
    assert "chaired by demo.care.coordinator, 3 people on the agenda" in out.getvalue()


def test_never_in_production(demo_team: Team, settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured):
        ensure_demo_meeting()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-02 09:00", "2026-12-08 13:00"),  # a Wednesday: the Tuesday after
        ("2026-12-07 09:00", "2026-12-08 13:00"),  # a Monday: tomorrow
        ("2026-12-08 09:00", "2026-12-15 13:00"),  # a Tuesday: not the same day
    ],
)
def test_the_meeting_is_the_next_tuesday_lunchtime_at_least_a_day_away(now: str, expected: str) -> None:
    moment = timezone.make_aware(datetime.datetime.fromisoformat(now))
    assert timezone.localtime(next_meeting_start(moment)).strftime("%Y-%m-%d %H:%M") == expected
