"""Journeys of a district nurse: sign in, find a person, read their summary."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff
from oneteam.people.models import Person, SafetyAlert
from oneteam.people.tests.factories import make_person

from .conftest import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def north_1() -> Neighbourhood:
    return make_neighbourhood("N1")


@pytest.fixture
def nurse(north_1: Neighbourhood) -> Staff:
    return make_staff(north_1, username="dn.smith")


@pytest.fixture
def ada(north_1: Neighbourhood) -> Person:
    person = make_person(north_1, given_name="Ada", family_name="Khan", date_of_birth=datetime.date(1938, 5, 4))
    SafetyAlert.objects.create(
        person=person,
        kind="dangerous_dog",
        detail="Large dog, ask for it to be shut away",
        raised_on=datetime.date(2026, 1, 5),
    )
    return person


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    axe(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_nurse_finds_a_person_by_nhs_number_and_reads_the_summary(
    page: Page, live_server: object, nurse: Staff, ada: Person
) -> None:
    base = str(live_server)
    sign_in(page, base, "dn.smith", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(nurse.get_full_name())
    axe(page)

    page.get_by_label("NHS number").fill(ada.display_nhs_number)
    page.get_by_role("button", name="Search by NHS number").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="KHAN, Ada").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada KHAN")
    expect(page.get_by_text(f"NHS number {ada.display_nhs_number}")).to_be_visible()
    expect(page.get_by_text("Safety alert for visiting staff")).to_be_visible()
    expect(page.get_by_text("Large dog, ask for it to be shut away")).to_be_visible()
    axe(page)


def test_invalid_nhs_number_is_explained_next_to_the_field(page: Page, live_server: object, nurse: Staff) -> None:
    sign_in(page, str(live_server), "dn.smith", TEST_PASSWORD)
    axe(page)
    page.get_by_label("NHS number").fill("123 456 7890")
    page.get_by_role("button", name="Search by NHS number").click()
    error = page.locator("#id_nhs_number-error")
    expect(error).to_contain_text("This is not a valid NHS number")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("NHS number")).to_have_value("123 456 7890")
    axe(page)


def test_sign_in_with_the_keyboard_only(page: Page, live_server: object, nurse: Staff) -> None:
    page.goto(f"{live_server}/sign-in/")
    axe(page)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    assert page.evaluate("document.activeElement.id") == "id_username", "Tab never reached the username field"
    page.keyboard.type("dn.smith")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    axe(page)


def test_wrong_password_is_refused_with_a_message(page: Page, live_server: object, nurse: Staff) -> None:
    sign_in(page, str(live_server), "dn.smith", "not my password")
    expect(page.locator("#id_username-error")).to_contain_text("The username or password is not correct.")
    expect(page.get_by_role("heading", name="Sign in to OneTeam")).to_be_visible()
    axe(page)


def test_sign_out_from_the_header(page: Page, live_server: object, nurse: Staff) -> None:
    sign_in(page, str(live_server), "dn.smith", TEST_PASSWORD)
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to OneTeam")).to_be_visible()
    axe(page)
    page.goto(f"{live_server}/people/")
    expect(page).to_have_url(f"{live_server}/sign-in/?next=/people/")
    axe(page)
