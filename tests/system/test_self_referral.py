"""A person asks their neighbourhood team for help through the public form, without signing in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Organisation
from oneteam.organisations.tests.factories import make_neighbourhood, make_practice
from oneteam.referrals.models import Referral, Source, State
from oneteam.referrals.services import intake
from oneteam.referrals.tests.factories import make_front_door

from .conftest import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def practice(monkeypatch: pytest.MonkeyPatch) -> Organisation:
    # The live server runs in this process, so the patched minimum time applies to it: a test types faster
    # than the 3 seconds a person takes, which the spam check would otherwise refuse.
    monkeypatch.setattr(intake, "MINIMUM_SECONDS", 0)
    home = make_neighbourhood()
    make_front_door(home)
    return make_practice(home)


def test_a_person_corrects_their_answers_and_is_told_what_happens_next(
    page: Page, live_server: object, practice: Organisation
) -> None:
    page.goto(f"{live_server}/refer-yourself/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask your neighbourhood team for help")
    axe(page)

    page.get_by_label("Myself", exact=True).check()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("Day", exact=True).fill("4")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("1938")
    page.get_by_label("NHS number (optional)").press_sequentially("123 456 7890")
    page.get_by_label("GP surgery").select_option(label=practice.name)
    page.get_by_label("Falls", exact=True).check()
    page.get_by_label("In the next few days").check()
    page.get_by_label("What matters to you? (optional)").fill("Staying at home with my cat. " * 40)
    page.get_by_label("I agree that the neighbourhood team can share").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("This is not a valid NHS number")
    expect(summary).to_contain_text("Enter a phone number or an email address so the team can contact you")
    expect(summary).to_contain_text("What matters to you must be 1,000 characters or fewer")
    expect(page.locator("#id_nhs_number-error")).to_contain_text("This is not a valid NHS number")
    expect(page.get_by_label("Last name")).to_have_value("Khan")
    axe(page)
    assert not Referral.objects.exists()

    summary.get_by_role("link", name="This is not a valid NHS number").click()
    expect(page.get_by_label("NHS number (optional)")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.get_by_label("Phone number (optional)").fill("01632 960 001")
    page.get_by_label("What matters to you? (optional)").fill("Staying at home with my cat")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    expect(page.get_by_text("Your neighbourhood team aims to contact you within 2 days.")).to_be_visible()
    expect(page.get_by_text("Khan")).to_have_count(0)
    axe(page)
    referral = Referral.objects.get()
    assert (referral.source, referral.state, referral.contact_phone) == (Source.SELF, State.RECEIVED, "01632 960 001")
    assert referral.what_matters == "Staying at home with my cat"
