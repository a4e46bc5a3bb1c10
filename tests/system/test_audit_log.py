"""An information governance officer finds out who has accessed a person's record."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

from .conftest import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_by_session(context: BrowserContext, base_url: str, staff: Staff) -> None:
    """Sign `staff` in by giving the browser a session cookie.

    Information governance officers sign in with a second factor; that journey
    has its own tests, so this one starts already signed in.
    """
    client = Client()
    client.force_login(staff)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def test_officer_sees_a_nurses_access_and_produces_the_report_for_the_person(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood("N1")
    ada = make_person(home, given_name="Ada", family_name="Khan")
    nurse = make_staff(home, username="dn.smith")
    officer = make_staff(make_neighbourhood("N2"), profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    nurse_browser = Client()
    nurse_browser.force_login(nurse)
    assert nurse_browser.get(reverse("people:summary", args=[ada.pk])).status_code == 200

    sign_in_by_session(page.context, base, officer)
    page.goto(f"{base}/people/")
    axe(page)
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    axe(page)

    page.get_by_label("NHS number").fill(ada.display_nhs_number)
    page.get_by_role("button", name="Find the person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log for Ada KHAN")
    nurse_rows = page.get_by_role("row").filter(has_text=nurse.get_full_name())
    expect(nurse_rows.first).to_contain_text("Viewed a record")
    expect(nurse_rows.first).to_contain_text("District nurse")
    axe(page)

    page.get_by_role("button", name="Create a report for the person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has accessed your record")
    expect(page.get_by_role("row").filter(has_text=nurse.get_full_name()).first).to_contain_text("Direct care")
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.startswith("record-accesses-")
