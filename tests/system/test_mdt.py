"""MDT meetings in a real browser: a care coordinator builds a meeting from suggestions and by hand, a GP sees only
their practice's slot, the meeting is run, its actions reach their owners' inboxes, an overdue one comes back to the
next meeting; and the huddle board updates in place.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.fixtures import SettingsWrapper

from oneteam.mdt import services
from oneteam.mdt.models import MdtAction, Meeting
from oneteam.mdt.tests.factories import start
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_practice, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Referral, Source, Urgency
from oneteam.referrals.services import ReferralDetails, receive_referral
from oneteam.referrals.tests.factories import make_front_door, make_referral

from .conftest import axe, fill_date, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def named(home: Neighbourhood | None, profession: Profession, first: str, last: str) -> Staff:
    staff = make_staff(home, profession=profession)
    staff.first_name, staff.last_name = first, last
    staff.save()
    return staff


def test_a_meeting_from_suggestions_to_actions_and_back(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    front_door = make_front_door(home)
    coordinator = named(home, Profession.CARE_COORDINATOR, "Cara", "Coordinator")
    coordinator.teams.add(front_door)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia", "Nurse")
    social_worker = named(home, Profession.SOCIAL_WORKER, "Sol", "Worker")
    bridge_practice, river_practice = make_practice(home), make_practice(home)
    gp = named(None, Profession.GP, "Gita", "Doctor")
    gp.organisation = bridge_practice
    gp.save()
    ada = make_person(home, given_name="Ada", family_name="Khan", gp_practice=bridge_practice)
    ben = make_person(home, given_name="Ben", family_name="Okafor", gp_practice=river_practice)
    cy = make_person(home, given_name="Cy", family_name="Lewis", gp_practice=bridge_practice)
    services.request_discussion(
        actor=nurse,
        person=ada,
        question="Falls at night: what would keep her safe?",
        professions=["gp", "district_nurse"],
        expected_minutes=10,
    )
    stuck = make_referral(home, person=ben)
    Referral.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - datetime.timedelta(days=5))

    # The care coordinator sets up a meeting.
    open_as(page, base, coordinator, "/mdt/")
    page.get_by_role("button", name="Set up a meeting").click()
    axe(page)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    fill_date(page, tomorrow)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place (optional if online)").fill("Bridge Street health centre, room 2")
    page.get_by_role("button", name="Set up meeting").click()
    expect(page.get_by_text("Meeting set up. Add the people to discuss.")).to_be_visible()
    axe(page)
    meeting_url = page.url

    # Two items from the suggestions: the nurse's request and the stuck referral.
    page.get_by_role("button", name="See suggestions").click()
    expect(page.get_by_text("Requested by Nia Nurse")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=re.compile(r"Add to the agenda\W+Ada KHAN")).click()
    expect(page.get_by_label("What question should the team answer?")).to_have_value(
        "Falls at night: what would keep her safe?"
    )
    axe(page)
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Ada Khan added to the agenda.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="See suggestions").click()
    axe(page)
    page.get_by_role("link", name=re.compile(r"Add to the agenda\W+Ben OKAFOR")).click()
    axe(page)
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Ben Okafor added to the agenda.")).to_be_visible()
    axe(page)

    # One by hand; a missing question and profession are named next to their fields.
    page.get_by_role("button", name="Add an item by hand").click()
    axe(page)
    page.get_by_label("NHS number of the person to discuss").fill(cy.nhs_number)
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.locator("#id_question-error")).to_contain_text("Enter the question for the team")
    expect(page.locator("#id_professions-error")).to_contain_text("Select at least one profession")
    axe(page)
    page.get_by_label("What question should the team answer?").fill("Is his new medicine helping?")
    page.get_by_label("GP", exact=True).check()
    page.get_by_label("How many minutes should it take?").fill("5")
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Cy Lewis added to the agenda.")).to_be_visible()
    axe(page)
    # Bridge practice's two people share one slot, before River practice's.
    expect(
        page.get_by_role("heading", name=f"10:00am to 10:15am: people registered at {bridge_practice.name}")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"10:15am to 10:25am: people registered at {river_practice.name}")
    ).to_be_visible()

    # The GP sees only their practice's slot.
    open_as(page, base, gp, meeting_url.removeprefix(base))
    expect(page.get_by_role("heading", name="Your part of the meeting")).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"10:00am to 10:15am: people registered at {bridge_practice.name}")
    ).to_be_visible()
    expect(page.get_by_text(river_practice.name)).to_have_count(0)
    expect(page.locator(".mdt-item")).to_have_count(2)

    # The meeting is run: attendance, a decision and two actions for Ada. Decisions wait until it has started.
    start(Meeting.objects.get(pk=int(meeting_url.rstrip("/").split("/")[-1])))
    open_as(page, base, coordinator, meeting_url.removeprefix(base))
    page.get_by_role("link", name=re.compile(r"Run this item\W+Ada KHAN")).click()
    axe(page)
    page.get_by_label("Gita Doctor (GP)").check()
    page.get_by_label("Nia Nurse (District nurse)").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Attendance recorded.")).to_be_visible()
    axe(page)
    page.get_by_label("Decision").fill("Falls clinic referral and a bed sensor")
    page.get_by_label("How many minutes did it take?").fill("12")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    axe(page)
    week = timezone.localdate() + datetime.timedelta(days=7)
    for description, owner in (
        ("Refer to the falls clinic", "Nia Nurse (District nurse)"),
        ("Arrange a bed sensor", "Sol Worker (Social worker)"),
    ):
        page.get_by_label("What needs to be done?").fill(description)
        page.get_by_label("Who will do it?").select_option(label=owner)
        fill_date(page, week)
        page.get_by_role("button", name="Add action").click()
        expect(page.get_by_role("cell", name=description)).to_be_visible()
        axe(page)

    # Having attended, the GP now sees who Ada's item is about.
    open_as(page, base, gp, meeting_url.removeprefix(base))
    expect(page.get_by_text("Ada KHAN")).to_be_visible()

    # Each owner finds their action in their inbox; the nurse finishes hers.
    open_as(page, base, nurse, "/inbox/")
    expect(page.get_by_role("cell", name=re.compile("^Refer to the falls clinic from the MDT meeting"))).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Mark done\W+Refer to the falls clinic")).click()
    expect(page.get_by_text("Action marked as done.")).to_be_visible()
    axe(page)
    open_as(page, base, social_worker, "/inbox/")
    expect(page.get_by_role("cell", name=re.compile("^Arrange a bed sensor from the MDT meeting"))).to_be_visible()
    axe(page)

    # A week passes and the bed sensor is still not arranged: it comes back on the next meeting's agenda.
    MdtAction.objects.filter(description="Arrange a bed sensor").update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    open_as(page, base, coordinator, "/mdt/meetings/new/")
    fill_date(page, timezone.localdate() + datetime.timedelta(days=2))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place (optional if online)").fill("Bridge Street health centre, room 2")
    page.get_by_role("button", name="Set up meeting").click()
    expect(page.get_by_text("Meeting set up.")).to_be_visible()
    expect(page.get_by_text("Overdue MDT action: Arrange a bed sensor (Sol Worker")).to_be_visible()
    expect(page.get_by_text("10:00am to 10:05am – Ada KHAN")).to_be_visible()
    axe(page)


def test_the_huddle_board_shows_a_new_urgent_referral_without_reloading(
    page: Page, live_server: object, settings: SettingsWrapper
) -> None:
    settings.HUDDLE_REFRESH_SECONDS = 1
    base = str(live_server)
    home = make_neighbourhood()
    front_door = make_front_door(home)
    nurse = make_staff(home)
    nurse.teams.add(front_door)
    open_as(page, base, nurse, f"/mdt/huddle/teams/{front_door.pk}/")
    expect(page.get_by_text("No new urgent referrals.")).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true }")

    details = ReferralDetails(
        given_name="Una", family_name="Urgent", need="falls", urgency=Urgency.URGENT, consent_to_share=True
    )
    receive_referral(neighbourhood=home, details=details, source=Source.STAFF, referred_by=None)

    expect(page.get_by_role("link", name="Una U.: Falls")).to_be_visible(timeout=8_000)
    assert page.evaluate("() => window.stillTheSamePage") is True
    axe(page)


def test_the_huddle_board_refreshes_within_the_content_security_policy(
    browser: Browser, live_server: object, settings: SettingsWrapper
) -> None:
    settings.HUDDLE_REFRESH_SECONDS = 1
    home = make_neighbourhood()
    front_door = make_front_door(home)
    nurse = make_staff(home)
    nurse.teams.add(front_door)
    client = Client()
    client.force_login(nurse)
    # Not the `page` fixture: that one bypasses the policy so axe-core can be injected (the test above checks axe).
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": str(live_server)}])
    page = context.new_page()
    refusals: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    page.on("console", on_console)
    try:
        page.goto(f"{live_server}/mdt/huddle/teams/{front_door.pk}/")
        with page.expect_response(lambda response: "/board/" in response.url, timeout=8_000):
            pass
        expect(page.get_by_text("No new urgent referrals.")).to_be_visible()
        assert refusals == []
    finally:
        context.close()


def test_a_nurse_asks_for_a_discussion_from_the_record_and_a_colleague_sees_only_that_an_item_exists(
    page: Page, live_server: object
) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    front_door = make_front_door(home)
    coordinator = named(home, Profession.CARE_COORDINATOR, "Cara", "Coordinator")
    coordinator.teams.add(front_door)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia", "Nurse")
    ada = make_person(home, given_name="Ada", family_name="Khan")
    day = timezone.localdate() + datetime.timedelta(days=1)
    meeting = services.schedule_meeting(
        actor=coordinator,
        neighbourhood=home,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))),
        chair=coordinator,
        online_link="https://meet.example.org/north",
    )

    open_as(page, base, nurse, f"/people/{ada.pk}/")
    page.get_by_role("link", name="Ask for this person to be discussed at an MDT").click()
    axe(page)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#id_question-error")).to_contain_text("Enter the question for the team")
    expect(page.locator("#id_professions-error")).to_contain_text("Select at least one profession")
    axe(page)
    page.get_by_label("What question should the team answer?").fill("She is struggling with stairs: rehousing?")
    page.get_by_label("Occupational therapist").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    axe(page)

    # The chair takes it onto the agenda and prints it.
    open_as(page, base, coordinator, f"/mdt/meetings/{meeting.pk}/suggestions/")
    page.get_by_role("link", name=re.compile(r"Add to the agenda\W+Ada KHAN")).click()
    axe(page)
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Ada Khan added to the agenda.")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Printable agenda").click()
    expect(page.get_by_text("She is struggling with stairs: rehousing?")).to_be_visible()
    axe(page)

    # A physiotherapist in the team, not part of Ada's care team, sees that an item exists but not who or what.
    physio = named(home, Profession.PHYSIOTHERAPIST, "Phil", "Physio")
    open_as(page, base, physio, f"/mdt/meetings/{meeting.pk}/?view=all")
    expect(page.get_by_text("9:30am to 9:40am – an item for discussion")).to_be_visible()
    expect(page.get_by_text("Ada")).to_have_count(0)
    expect(page.get_by_text("stairs")).to_have_count(0)
    page.get_by_role("link", name="Printable agenda").click()
    expect(page.get_by_text("an item for discussion")).to_be_visible()
    expect(page.get_by_text("Ada")).to_have_count(0)
    axe(page)
