"""A member of staff is slowed down after failed sign-ins; an administrator lets them sign in again (issue 20)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

from .conftest import axe, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, password: str) -> None:
    page.goto(f"{base}/sign-in/")
    axe(page)
    page.get_by_label("Username").fill("nurse.jones")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    axe(page)


def test_an_administrator_lets_a_slowed_down_nurse_sign_in_again(
    page: Page, second_page: Page, live_server: object
) -> None:
    base = str(live_server)
    neighbourhood = make_neighbourhood("N1")
    make_staff(neighbourhood, username="nurse.jones")
    administrator = make_staff(neighbourhood, profession=Profession.ADMINISTRATOR, username="admin.smith")
    for _ in range(6):
        sign_in(page, base, "wrong password")
    expect(page.locator("#id_username-error")).to_contain_text("too many failed attempts to sign in. Wait")

    open_as(second_page, base, administrator, "/people/")
    second_page.get_by_role("link", name="Sign-in help").click()
    axe(second_page)
    expect(second_page.get_by_role("heading", name="Let someone sign in again")).to_be_visible()
    second_page.get_by_role("button", name="Clear failed attempts").click()
    expect(second_page.locator("#id_username-error")).to_contain_text("Enter the username to unlock")
    axe(second_page)
    second_page.get_by_label("Username").fill("nurse.jones")
    second_page.get_by_role("button", name="Clear failed attempts").click()
    expect(second_page.get_by_text("nurse.jones can sign in again now.")).to_be_visible()
    axe(second_page)
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_UNLOCKED, staff=administrator).count() == 1

    sign_in(page, base, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
