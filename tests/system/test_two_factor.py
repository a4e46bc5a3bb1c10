"""An information governance officer's first sign-in, when they must set up two-factor sign-in, and the next one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from oneteam.access.tests.two_factor_codes import current_code, next_code, wrong_code
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

from .conftest import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer() -> Staff:
    return make_staff(
        make_neighbourhood("N1"), profession=Profession.INFORMATION_GOVERNANCE_OFFICER, username="ig.jones"
    )


def enter_password(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    axe(page)
    page.get_by_label("Username").fill("ig.jones")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_an_authenticator_then_the_next_sign_in_asks_for_a_code(
    page: Page, live_server: object, officer: Staff
) -> None:
    base = str(live_server)
    enter_password(page, base)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Your role needs two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    axe(page)

    # What a person would type into their authenticator app by hand.
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    page.get_by_label("Enter the 6-digit code from your authenticator app").fill(wrong_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#id_code-error")).to_contain_text(
        "The code is not correct. Check your authenticator app and try again."
    )
    axe(page)

    page.get_by_label("Enter the 6-digit code from your authenticator app").fill(current_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.get_by_text("Keep these somewhere safe")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    axe(page)
    enter_password(page, base)
    expect(page.get_by_label("Enter the 6-digit code from your authenticator app")).to_be_visible()
    axe(page)
    # Not the code used a moment ago to set up: that one is spent.
    page.get_by_label("Enter the 6-digit code from your authenticator app").fill(next_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    axe(page)
