"""Telling it once, in a real browser: a shared assessment, one care plan, capacity, one visit calendar.

A district nurse completes a holistic assessment as a trusted assessor; a
social worker opens the person, sees it shared, and builds the care plan with
two goals in the person's words and actions owned by two professions. Two
people editing the plan at once cannot overwrite each other. The calendar
warns about a fourth visit in a day.
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from oneteam.care.models import Assessment, CarePlan
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import completed_assessment, full_plan, visit
from oneteam.organisations.models import Neighbourhood, Profession
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person

from .conftest import AccessibilityWatch, axe, click, fill_date, named, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home() -> Neighbourhood:
    # Transactional tests start from an empty database, without the data migration's rows.
    ensure_reference_data()
    return make_neighbourhood()


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")


def test_nurse_assesses_once_and_social_worker_builds_the_plan_on_it(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    base = str(live_server)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    social_worker = named(home, Profession.SOCIAL_WORKER, "Sol Okafor")

    open_as(page, base, nurse, f"/people/{person.pk}/")
    click(page, "link", "Assessments, care plan, mental capacity and visits")
    click(page, "link", "Start an assessment")
    page.get_by_label("Holistic assessment: what matters to me").check()
    click(page, "button", "Start assessment")
    # Nothing is saved until every answer is right.
    page.get_by_label("What matters to you?").fill("")
    click(page, "button", "Complete and share assessment")
    expect(page.locator("#id_q_what_matters-error")).to_contain_text("Answer “What matters to you?”")
    page.get_by_label("What matters to you?").fill("Getting back to my allotment")
    page.get_by_label("How do you manage washing, dressing, meals and getting about?").fill("Help with socks")
    page.get_by_label("Alone").check()
    page.get_by_label("What would you like to be different in three months?").fill("Walk to the shop")
    click(page, "button", "Complete and share assessment")
    expect(page.get_by_text("completed and shared with the team")).to_be_visible()

    open_as(page, base, social_worker, f"/people/{person.pk}/")
    click(page, "link", "Assessments, care plan, mental capacity and visits")
    row = page.get_by_role("row").filter(has_text="Holistic assessment: what matters to me")
    expect(row).to_contain_text("Shared")
    expect(row).to_contain_text("Nia Hughes (District nurse)")
    expect(row).to_contain_text("Trusted assessor")
    click(page, "link", "Holistic assessment: what matters to me")
    expect(page.get_by_text("Getting back to my allotment")).to_be_visible()
    page.go_back()
    axe(page)

    click(page, "link", "Change what matters, the crisis plan or carers")
    page.get_by_label("What matters to me").fill("I want to stay in my own home and keep my allotment")
    page.get_by_label("Crisis plan").fill("Ring my daughter Zara first")
    click(page, "button", "Save")
    for words, self_care in (
        ("I want to walk to the shop by summer", "No"),
        ("I'll do my exercises every morning", "Yes"),
    ):
        click(page, "link", "Add a goal")
        page.get_by_label("The goal, in the person's own words").fill(words)
        page.get_by_role("group", name="Is this a self-care goal?").get_by_label(self_care).check()
        click(page, "button", "Save")
    due = timezone.localdate() + datetime.timedelta(days=14)
    for what, owner, service in (
        ("Dress the leg ulcer twice a week", "Nia Hughes (District nurse)", "District nursing"),
        ("Arrange a day centre place", "Sol Okafor (Social worker)", "Day centre"),
    ):
        click(page, "link", "Add an action")
        page.get_by_label("What will be done?").fill(what)
        page.get_by_label("Who will do it?").select_option(label=owner)
        page.get_by_label("What kind of service is it?").select_option(label=service)
        fill_date(page, due)
        click(page, "button", "Save")
    expect(page.get_by_text("“I want to walk to the shop by summer”")).to_be_visible()
    expect(page.get_by_text("“I'll do my exercises every morning”")).to_be_visible()
    actions = page.get_by_role("table", name="Actions, by due date")
    expect(actions).to_contain_text("Nia Hughes (District nurse)")
    expect(actions).to_contain_text("Sol Okafor (Social worker)")
    expect(actions).to_contain_text("Means-tested (social care)")
    page.get_by_role("link", name="change status of the goal “I'll do my exercises every morning”").click()
    axe(page)
    page.get_by_label("Met").check()
    click(page, "button", "Save")
    expect(page.get_by_text("Goal updated.")).to_be_visible()
    plan = CarePlan.objects.get(person=person)
    assert plan.version == 6 and plan.goals.filter(status="met").count() == 1


def _second_page(browser: Browser) -> tuple[Page, AccessibilityWatch]:
    page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
    watch = AccessibilityWatch(page)
    page.accessibility_watch = watch  # type: ignore[attr-defined]
    return page, watch


def test_two_people_edit_the_plan_at_once_and_nothing_is_lost(
    page: Page, browser: Browser, live_server: object, home: Neighbourhood, person: Person
) -> None:
    base = str(live_server)
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    social_worker = named(home, Profession.SOCIAL_WORKER, "Sol Okafor")
    full_plan(person, nurse, goals=1, actions=1)
    other, watch = _second_page(browser)
    try:
        open_as(page, base, nurse, f"/care/people/{person.pk}/plan/")
        open_as(other, base, social_worker, f"/care/people/{person.pk}/plan/")
        page.get_by_label("What matters to me").fill("Seeing my grandson every week")
        page.get_by_label("Crisis plan").fill("Ring 111")
        click(page, "button", "Save")
        expect(page.get_by_text("Care plan saved.")).to_be_visible()

        # The social worker changes the carers (only she did) and the crisis plan (both did).
        other.get_by_label("Carers").fill("Son, at weekends")
        other.get_by_label("Crisis plan").fill("Ring my son")
        other.get_by_role("button", name="Save").click()
        axe(other)
        expect(other.get_by_text("Your change has not been saved yet")).to_be_visible()
        expect(other.get_by_text("Someone else changed this plan")).to_be_visible()
        expect(other.locator(".nhsuk-card--warning")).to_contain_text("Nia Hughes (District nurse)")
        what_matters = other.locator(".nhsuk-summary-list").nth(0)
        expect(what_matters).to_contain_text("What will be saved Seeing my grandson every week")
        carers = other.locator(".nhsuk-summary-list").filter(has_text="Son, at weekends")
        expect(carers).to_contain_text("What will be saved Son, at weekends")
        if os.environ.get("ONETEAM_SCREENSHOTS"):
            # The part that matters: each field with their version, yours and what will be saved.
            other.get_by_role("heading", name="What matters to me").scroll_into_view_if_needed()
            other.evaluate("window.scrollBy(0, 600)")
            other.screenshot(path=str(Path(settings.BASE_DIR) / "docs/user-guide/images/care-plan-merge.png"))
        crisis = other.get_by_role("group", name="Crisis plan: which version should be saved?")
        expect(crisis).to_contain_text("Keep their version: “Ring 111”")
        expect(crisis).to_contain_text("Keep your version: “Ring my son”")
        other.get_by_role("button", name="Save").click()
        axe(other)
        expect(other.locator("#id_choose_crisis_plan-error")).to_contain_text("Choose which version")
        other.get_by_label("Keep your version: “Ring my son”").check()
        other.get_by_role("button", name="Save").click()
        axe(other)
        expect(other.get_by_text("Care plan saved.")).to_be_visible()
        plan = CarePlan.objects.get(person=person)
        assert plan.what_matters == "Seeing my grandson every week"  # the nurse's change is not undone
        assert (plan.carers, plan.crisis_plan) == ("Son, at weekends", "Ring my son")
        assert not watch.missed
    finally:
        other.context.close()


def test_a_repeat_assessment_needs_a_reason(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    completed_assessment(person, nurse, code="falls-risk", days_ago=30)
    physio = named(home, Profession.PHYSIOTHERAPIST, "Pat Reyes")
    open_as(page, str(live_server), physio, f"/care/people/{person.pk}/assessments/new/")
    expect(page.get_by_text("Falls risk assessment was completed on")).to_be_visible()
    page.get_by_label("Falls risk assessment").check()
    click(page, "button", "Start assessment")
    expect(page.locator("#id_repeat_reason-error")).to_contain_text("completed this assessment less than 90 days ago")
    page.get_by_label("Why does this need doing again?").fill("Two more falls since")
    click(page, "button", "Start assessment")
    expect(page.get_by_text("This is a repeat of an assessment")).to_be_visible()
    expect(page.get_by_text("Nothing is saved until you complete the assessment")).to_be_visible()
    # Starting stores nothing: the care page shows no "In progress" row for a questionnaire never finished.
    assert not Assessment.objects.filter(person=person, assessor=physio).exists()
    click(page, "link", "Back to their care")
    expect(page.get_by_role("table", name="Assessments, newest first")).not_to_contain_text("In progress")
    page.go_back()
    axe(page)
    page.get_by_label("How many falls in the last 12 months?").fill("2")
    page.get_by_role("group", name="Was any fall injurious").get_by_label("Yes").check()
    page.get_by_label("Gait and balance").fill("Unsteady turning")
    page.get_by_label("High").check()
    page.get_by_label("What is being done to reduce the risk?").fill("Physio twice a week")
    click(page, "button", "Complete and share assessment")
    expect(page.get_by_text("Falls risk assessment completed and shared with the team.")).to_be_visible()
    repeat = Assessment.objects.get(person=person, assessor=physio)
    assert repeat.is_repeat and repeat.repeat_reason == "Two more falls since"


def test_the_calendar_warns_when_a_fourth_visit_is_booked(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    nurse = named(home, Profession.DISTRICT_NURSE, "Nia Hughes")
    day = timezone.localdate() + datetime.timedelta(days=3)
    for hour in (9, 11, 13):
        visit(person, nurse, timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))))
    open_as(page, str(live_server), nurse, f"/care/people/{person.pk}/visits/")
    expect(page.locator(".nhsuk-card--warning")).to_have_count(0)
    page.get_by_label("Who is visiting?").select_option(label="Nia Hughes (District nurse)")
    fill_date(page, day)
    page.get_by_label("Time").fill("15:30")
    page.get_by_label("What is the visit for?").fill("Evening insulin")
    click(page, "button", "Book visit")
    expect(page.locator(".nhsuk-card--warning")).to_contain_text("4 visits on")
    expect(page.locator(".nhsuk-card--warning")).to_contain_text("more than 3 in a day")

    # Future visits cannot get an outcome yet: they can be moved or cancelled instead (test_visits.py).
    expect(page.get_by_role("link", name=f"record the outcome of the visit on {_nhs_datetime(day, 9)}")).to_have_count(
        0
    )
    page.goto(f"{live_server}/care/visits/?day={day.isoformat()}")
    axe(page)
    expect(page.get_by_role("listitem").filter(has_text="Evening insulin")).to_contain_text("Ada KHAN")


def _nhs_datetime(day: datetime.date, hour: int) -> str:
    return f"{day.day} {day:%B %Y} at {hour % 12 or 12}:00{'am' if hour < 12 else 'pm'}"


def test_capacity_record_decision_and_printing(
    page: Page, live_server: object, home: Neighbourhood, person: Person
) -> None:
    social_worker = named(home, Profession.SOCIAL_WORKER, "Sol Okafor")
    full_plan(person, social_worker, goals=1, actions=1)
    open_as(page, str(live_server), social_worker, f"/care/people/{person.pk}/")
    click(page, "link", "Record a capacity assessment")
    page.get_by_label("What is the decision?").fill("Whether to accept carers at home")
    fill_date(page, datetime.date(2026, 3, 2))
    page.get_by_role("group", name="Stage 1").get_by_label("Yes").check()
    page.get_by_label("Evidence for stage 1").fill("Recent delirium")
    for question in ("understand", "retain", "use or weigh", "communicate"):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    for evidence in page.get_by_label("Evidence:").all():
        evidence.fill("Shown in conversation")
    click(page, "button", "Save capacity assessment")
    expect(page.get_by_text("Has capacity to make this decision")).to_be_visible()

    click(page, "link", "Record a decision the person has made")
    page.get_by_label("What has the person decided?").fill("I will not have carers, I will manage")
    page.get_by_role("group", name="Do professionals consider this decision unwise?").get_by_label("Yes").check()
    page.get_by_label("What risks were explained").fill("Falls and missed meals; she weighed them")
    click(page, "button", "Save")
    decision = page.get_by_role("listitem").filter(has_text="I will not have carers, I will manage").first
    expect(decision).to_contain_text("Considered unwise: the person's informed choice")
    # The PDF is fetched in the signed-in browser session, as the link does; a PDF has no page to check with axe.
    response = page.request.get(f"{live_server}/care/people/{person.pk}/plan.pdf?print=large")
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(response.body())).pages)
    assert "Goal 0" in text and "I will not have carers" in text


def test_funding_role_guide_and_templates_pages(page: Page, live_server: object, home: Neighbourhood) -> None:
    lead = named(home, Profession.TEAM_LEAD, "Lee Grant")
    open_as(page, str(live_server), lead, "/care/free-or-means-tested/")
    expect(page.get_by_role("heading", name="Means-tested (social care)")).to_be_visible()
    page.goto(f"{live_server}/care/roles/")
    axe(page)
    click(page, "link", "Social worker")
    expect(page.get_by_text("Care Act 2014").first).to_be_visible()
    click(page, "link", "Change this page")
    page.get_by_label("What to ask them for").fill("")
    click(page, "button", "Save")
    expect(page.locator("#id_ask_them_for-error")).to_contain_text("Enter what to ask them for")
    page.get_by_label("What to ask them for").fill("Care Act assessments and safeguarding")
    click(page, "button", "Save")
    expect(page.get_by_text("Role guide page saved.")).to_be_visible()
    page.goto(f"{live_server}/care/assessments/templates/")
    axe(page)
    expect(page.get_by_role("table")).to_contain_text("Carer's assessment")
