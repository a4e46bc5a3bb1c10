"""An MDT meeting's length in a real browser: an empty agenda lasts the minimum, a growing one pushes the end
time out, and the chair is warned when it runs into another meeting they chair, or refused a meeting that
would overlap one (issue 17, item 7).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.mdt import services
from oneteam.mdt.models import Meeting
from oneteam.mdt.timetable import MINIMUM_MINUTES
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door

from .conftest import axe, click, fill_date, named, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agenda_length_comes_from_its_items_and_the_double_booked_chair_is_warned(
    page: Page, live_server: object
) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    coordinator = named(home, Profession.CARE_COORDINATOR, "Cara Coordinator")
    coordinator.teams.add(make_front_door(home))
    ada, ben = make_person(home, given_name="Ada"), make_person(home, given_name="Ben")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Cara already chairs a meeting at 10:45 tomorrow, in another room.
    services.schedule_meeting(
        actor=coordinator,
        neighbourhood=home,
        starts_at=timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10, 45))),
        chair=coordinator,
        place="Room 2",
    )

    # She sets up a 10:00 meeting: with nothing on its agenda it lasts the minimum, not 0 minutes.
    open_as(page, base, coordinator, "/mdt/meetings/new/")
    fill_date(page, tomorrow)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place (optional if online)").fill("Bridge Street health centre, room 1")
    click(page, "button", "Set up meeting")
    expect(page.get_by_text("Meeting set up. Add the people to discuss.")).to_be_visible()
    assert MINIMUM_MINUTES == 30
    when = page.locator(".nhsuk-summary-list__row", has_text="When").locator(".nhsuk-summary-list__value")
    expect(when).to_contain_text("10:00am to 10:30am")
    expect(page.get_by_text("The chair is double booked")).to_have_count(0)
    meeting_url = page.url

    # Two half-hour items: the meeting now runs to 11:00, past the start of her 10:45 meeting.
    for person in (ada, ben):
        click(page, "button", "Add an item by hand")
        page.get_by_label("NHS number of the person to discuss").fill(person.nhs_number)
        page.get_by_label("What question should the team answer?").fill("What support is needed at home?")
        page.get_by_label("District nurse", exact=True).check()
        page.get_by_label("How many minutes should it take?").fill("30")
        click(page, "button", "Add to agenda")
        expect(page.get_by_text(f"{person.given_name} {person.family_name} added to the agenda.")).to_be_visible()
    expect(when).to_contain_text("10:00am to 11:00am")
    warning = page.locator(".nhsuk-card", has_text="The chair is double booked")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Cara Coordinator also chairs the meeting at")
    expect(warning).to_contain_text("10:45am")

    # A third meeting inside this one's time is refused, next to the chair, and not set up.
    open_as(page, base, coordinator, "/mdt/meetings/new/")
    fill_date(page, tomorrow)
    page.get_by_label("Start time").fill("10:20")
    page.get_by_label("Place (optional if online)").fill("Room 3")
    click(page, "button", "Set up meeting")
    expect(page.locator("#id_chair-error")).to_contain_text("Cara Coordinator is already chairing a meeting from")
    assert Meeting.objects.count() == 2

    # The warning stays on the meeting's page until an agenda is shortened or a meeting moved.
    page.goto(meeting_url)
    axe(page)
    expect(page.get_by_text("The chair is double booked")).to_be_visible()
