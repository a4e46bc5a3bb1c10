"""Visits in a real browser: safety alerts wherever a visit is planned, booked, done or printed, for whoever visits;
moving, reassigning and cancelling visits; outcomes only once a visit's time has come; a stale form gets a message.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.care.models import Visit, VisitOutcome
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import visit
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Profession
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Person, SafetyAlert, SafetyAlertKind
from oneteam.people.tests.factories import make_person

from .conftest import axe, click, fill_date, named, open_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ALERT = "Her son can be hostile: visit in daylight and tell the office when you leave"


@pytest.fixture
def home() -> Neighbourhood:
    ensure_reference_data()
    return make_neighbourhood()


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    ada = make_person(home, given_name="Ada", family_name="Khan")
    SafetyAlert.objects.create(
        person=ada, kind=SafetyAlertKind.AGGRESSIVE_RELATIVE, detail=ALERT, raised_on=timezone.localdate()
    )
    return ada


def test_a_link_worker_booked_to_visit_sees_the_alert_the_address_and_a_link(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    base = str(live_server)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    link_worker = named(home, Profession.VCSE_LINK_WORKER, "Lou Baker")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    open_as(page, base, nurse, f"/care/people/{person.pk}/visits/")
    expect(page.locator(".nhsuk-warning-callout, .nhsuk-card--warning").first).to_contain_text(ALERT)  # booking
    page.get_by_label("Who is visiting?").select_option(label="Lou Baker (VCSE link worker)")
    fill_date(page, tomorrow)
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("What is the visit for?").fill("Befriending: first visit")
    click(page, "button", "Book visit")
    expect(page.get_by_text("Visit booked for")).to_be_visible()
    screenshot(page, "care-visit-calendar")

    open_as(page, base, link_worker, f"/care/visits/?day={tomorrow.isoformat()}")
    visit_item = page.get_by_role("listitem").filter(has_text="Befriending: first visit")
    expect(visit_item).to_contain_text("Safety alert for visiting staff: Ada KHAN")
    expect(visit_item).to_contain_text(ALERT)
    expect(visit_item).to_contain_text("1 Mill Road")
    screenshot(page, "care-your-visits")
    visit_item.get_by_role("link", name="visit calendar").click()
    axe(page)
    expect(page.get_by_role("heading", name="Visit calendar")).to_be_visible()
    expect(page.get_by_text(ALERT)).to_be_visible()


def test_visits_are_moved_reassigned_and_cancelled_and_only_past_ones_get_outcomes(
    page: Page, second_page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    base = str(live_server)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    physio = named(home, Profession.PHYSIOTHERAPIST, "Pat Reyes")
    soon = timezone.localtime() + datetime.timedelta(days=2)
    planned = visit(person, nurse, soon.replace(hour=9, minute=0, second=0, microsecond=0), purpose="Wound check")
    done = visit(person, nurse, timezone.now() - datetime.timedelta(hours=3), purpose="Morning insulin")
    later = soon.date() + datetime.timedelta(days=1)

    open_as(page, base, nurse, f"/care/people/{person.pk}/visits/")
    calendar = page.get_by_role("table", name="Visits, soonest first")
    expect(calendar.get_by_role("row").filter(has_text="Wound check")).not_to_contain_text("Record the outcome")
    page.get_by_role("link", name="Move or reassign the visit on").first.click()
    axe(page)
    expect(page.get_by_text(ALERT)).to_be_visible()
    page.get_by_label("Who is visiting?").select_option(label="Pat Reyes (Physiotherapist)")
    fill_date(page, later)
    page.get_by_label("Time").fill("14:30")
    screenshot(page, "care-move-visit")
    click(page, "button", "Save changes")
    expect(page.get_by_text("Visit changed: Pat Reyes")).to_be_visible()
    planned.refresh_from_db()
    assert (planned.visitor, timezone.localtime(planned.starts_at).date()) == (physio, later)
    assert timezone.localtime(planned.starts_at).hour == 14

    # A future visit cannot be marked completed: its outcome page says so and offers move or cancel.
    page.goto(f"{base}/care/people/{person.pk}/visits/{planned.pk}/outcome/")
    axe(page)
    expect(page.get_by_text("This visit has not happened yet, so it cannot have an outcome")).to_be_visible()
    expect(page.get_by_role("button", name="Save outcome")).to_have_count(0)

    # Two people at once: one opens the change form, the other cancels the visit; the first is told, not shown an error.
    open_as(second_page, base, physio, f"/care/people/{person.pk}/visits/{planned.pk}/change/")
    click(page, "link", "cancel it")
    page.get_by_label("Why is the visit cancelled?").fill("Ada is staying with her daughter that week")
    click(page, "button", "Cancel visit")
    expect(page.get_by_text("Visit cancelled.")).to_be_visible()
    expect(page.get_by_role("table", name="Visits, soonest first")).to_contain_text(
        "Cancelled by the team: Ada is staying with her daughter that week"
    )
    second_page.get_by_label("Time").fill("16:00")
    second_page.get_by_role("button", name="Save changes").click()
    axe(second_page)
    expect(second_page.locator(".nhsuk-error-summary")).to_contain_text(
        "This visit can no longer be changed: it is now “cancelled by the team”"
    )
    assert Visit.objects.get(pk=planned.pk).outcome == VisitOutcome.CANCELLED

    # A visit whose time has passed gets its outcome, with the safety alert in front of the visitor.
    page.get_by_role("link", name="record the outcome of the visit on").first.click()
    axe(page)
    expect(page.get_by_text(ALERT)).to_be_visible()
    page.get_by_label("Completed").check()
    click(page, "button", "Save outcome")
    expect(page.get_by_text("Visit outcome recorded.")).to_be_visible()
    assert Visit.objects.get(pk=done.pk).outcome == VisitOutcome.COMPLETED


def test_the_mdt_item_and_printed_agenda_show_the_safety_alert(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    lead = named(home, Profession.TEAM_LEAD, "Lee Grant")
    meeting = make_meeting(home, lead)
    item = make_item(meeting, person, question="Who will visit her at home after the fall?")
    open_as(page, str(live_server), lead, f"/mdt/items/{item.pk}/")
    expect(page.get_by_text(ALERT)).to_be_visible()
    page.goto(f"{live_server}/mdt/meetings/{meeting.pk}/print/")
    axe(page)
    expect(page.get_by_role("listitem").filter(has_text="Who will visit her at home")).to_contain_text(
        f"Safety alert for visiting staff: Aggressive relative or visitor: {ALERT}"
    )
