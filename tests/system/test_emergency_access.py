"""A social worker with no relationship to a person uses emergency access; information governance reviews it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff
from oneteam.people.models import SafetyAlert
from oneteam.people.tests.factories import make_person

from .conftest import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    axe(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    axe(page)


def test_break_glass_then_review(page: Page, live_server: object) -> None:
    base = str(live_server)
    ada = make_person(make_neighbourhood(), given_name="Ada", family_name="Khan", address_line_1="7 Mill Road")
    SafetyAlert.objects.create(
        person=ada,
        kind="aggressive_relative",
        detail="Son can be aggressive; visit in pairs",
        raised_on=datetime.date(2026, 2, 1),
    )
    make_staff(make_neighbourhood(), profession=Profession.SOCIAL_WORKER, username="sw.jones")
    reviewer = make_staff(make_neighbourhood(), profession=Profession.INFORMATION_GOVERNANCE_OFFICER)

    sign_in_as(page, base, "sw.jones")
    page.get_by_label("NHS number").fill(ada.nhs_number)
    page.get_by_role("button", name="Search by NHS number").click()
    axe(page)
    page.get_by_role("link", name="KHAN, Ada").click()
    # No relationship: the page says only that, and offers emergency access (nothing about Ada, not even the alert).
    expect(page.get_by_role("heading", name="You may not see this record")).to_be_visible()
    expect(page.get_by_text("Son can be aggressive; visit in pairs")).to_have_count(0)
    expect(page.get_by_text("7 Mill Road")).to_have_count(0)
    axe(page)

    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#id_reason-error")).to_contain_text("Enter why you need to see this record now")
    axe(page)
    page.get_by_label("Why do you need to see this record now?").fill(
        "Police welfare check, Ada found confused at home"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("region", name="Emergency access")).to_be_visible()
    expect(page.get_by_text("7 Mill Road")).to_be_visible()
    axe(page)
    # The banner is on every page about Ada while the access lasts.
    page.get_by_role("link", name="Who can see this record and why").click()
    expect(page.get_by_role("region", name="Emergency access")).to_be_visible()
    axe(page)

    # The information-governance officer (signed in through the session, as their
    # sign-in also asks for a two-factor code, which other tests cover).
    client = Client()
    client.force_login(reviewer)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    page.goto(f"{base}/people/")
    axe(page)
    page.get_by_role("link", name="Emergency access reviews (1)").click()
    expect(page.get_by_text("Police welfare check, Ada found confused at home")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Review emergency access by").click()
    axe(page)
    page.get_by_label("Appropriate", exact=True).check()
    page.get_by_label("Review note").fill("Confirmed with the police log")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("There is no emergency access waiting for review.")).to_be_visible()
    axe(page)
