"""A referral's whole journey, each step taken by the person whose job it is, in a real browser.

A GP refers; the front door triages and allocates to a social worker as trusted
assessor; the social worker offers a handover to a district nurse, who declines
with a reason; it returns to the social worker, who offers it to another nurse,
who accepts, makes first contact and closes it with an outcome. The history
shows every step.

With ONETEAM_SCREENSHOTS set, the key steps are saved as the user guide's
pictures (docs/user-guide/images/referrals-*.png).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Locator, Page, expect

from oneteam.organisations.models import Neighbourhood, Organisation, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door

from .conftest import axe, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "docs" / "user-guide" / "images"
COMMUNITY = "City Community Health NHS Trust"
COUNCIL = "City Council adult social care"


def screenshot(page: Page, name: str, showing: Locator | None = None) -> None:
    """Save the visible part of the page for the user guide, scrolled to `showing`, when asked to."""
    if not os.environ.get("ONETEAM_SCREENSHOTS"):
        return
    if showing is not None:
        showing.evaluate("element => { element.scrollIntoView(); window.scrollBy(0, -20); }")
    page.screenshot(path=str(SCREENSHOTS / f"referrals-{name}.png"))


def colleague(home: Neighbourhood, profession: Profession, name: str, team: str, organisation: str) -> Staff:
    """A member of staff in a team of the neighbourhood, with names a reader of the user guide can follow."""
    staff = make_staff(home, profession=profession)
    staff.first_name, staff.last_name = name.split()
    staff.save(update_fields=["first_name", "last_name"])
    staff.teams.update(name=team)
    Organisation.objects.filter(staff=staff).update(name=organisation)
    return staff


def click_and_check(page: Page, role: Any, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()
    axe(page)


def test_gp_referral_to_closed_with_a_declined_handover_and_the_full_history(page: Page, live_server: object) -> None:
    page.set_viewport_size({"width": 1000, "height": 800})
    base = str(live_server)
    home = make_neighbourhood()
    home.name = "Riverside"
    home.save(update_fields=["name"])
    front_door = make_front_door(home)
    ada = make_person(home, given_name="Ada", family_name="Khan")
    gp = colleague(home, Profession.GP, "Priya Shah", "Riverside GPs", "Riverside Medical Practice")
    triager = colleague(home, Profession.CARE_COORDINATOR, "Tom Reid", "Riverside care coordination", COMMUNITY)
    triager.teams.add(front_door)
    social_worker = colleague(home, Profession.SOCIAL_WORKER, "Grace Obi", "Riverside social work", COUNCIL)
    first_nurse = colleague(home, Profession.DISTRICT_NURSE, "Nina Patel", "Riverside nursing north", COMMUNITY)
    second_nurse = colleague(home, Profession.DISTRICT_NURSE, "Joe Evans", "Riverside nursing south", COMMUNITY)

    # The GP refers Ada from her record.
    open_as(page, base, gp, f"/people/{ada.pk}/")
    click_and_check(page, "button", "Refer this person")
    page.get_by_label("Personal care").check()
    page.get_by_label("Tell the team more about this (optional)").fill("Struggling to wash and dress since her fall")
    page.get_by_label("Soon").check()
    page.get_by_label("What matters to the person (optional)").fill("To stay at home with my cat")
    page.get_by_label("Yes").check()
    screenshot(page, "refer", page.get_by_role("heading", name="Refer Ada Khan"))
    click_and_check(page, "button", "Send referral")
    expect(page.get_by_text("It is now held by Riverside front door")).to_be_visible()
    screenshot(page, "sent")

    # The front door finds it in the team queue, matches Ada's record and allocates a trusted assessor.
    open_as(page, base, triager, "/referrals/inbox/")
    click_and_check(page, "link", "Riverside front door referral queue")
    screenshot(page, "queue")
    click_and_check(page, "link", "Ada KHAN")
    click_and_check(page, "button", "Find the person")
    screenshot(page, "triage", page.get_by_role("heading", name="Match to the person's record"))
    click_and_check(page, "button", "Yes, match to this person")
    expect(page.get_by_text("Referral matched to Ada Khan's record.")).to_be_visible()
    suggestions = page.get_by_role("table", name="Suggested assessors")
    expect(suggestions.get_by_role("row").nth(1)).to_contain_text("Social workers are suited to assess personal care")
    page.get_by_label("Allocate to").select_option(str(social_worker.pk))
    page.get_by_label("Note for them (optional)").fill("Trusted assessor for personal care")
    screenshot(page, "allocate", page.get_by_role("heading", name="Allocate to a trusted assessor"))
    click_and_check(page, "button", "Allocate")
    expect(page.get_by_text("Referral allocated to Grace Obi (Social worker).")).to_be_visible()

    # The social worker, now Ada's key worker, offers a handover to a district nurse.
    open_as(page, base, social_worker, "/referrals/inbox/")
    expect(page.get_by_role("link", name="Inbox (1)")).to_be_visible()  # the allocation notice
    screenshot(page, "inbox")
    click_and_check(page, "link", "Ada KHAN")
    page.get_by_label("Offer it to a professional").select_option(str(first_nurse.pk))
    page.get_by_label("Handover note").fill("Leg ulcer found at the assessment: needs dressing twice a week")
    click_and_check(page, "button", "Offer handover")
    expect(page.get_by_text("Offered to Nina Patel by Grace Obi")).to_be_visible()
    screenshot(page, "offer")

    # The first nurse declines, and must say why.
    open_as(page, base, first_nurse, "/referrals/inbox/")
    click_and_check(page, "link", "Ada KHAN")
    click_and_check(page, "button", "Decline handover")
    expect(page.locator("#id_decline-reason-error")).to_contain_text("Enter why you are declining")
    screenshot(page, "decline", page.get_by_role("heading", name="Answer the handover offer"))
    page.get_by_label("Why are you declining?").fill("My caseload is full this week")
    click_and_check(page, "button", "Decline handover")
    expect(page.get_by_text("Handover declined. The referral stays with Grace Obi (Social worker).")).to_be_visible()

    # It is back with the social worker, who is told why, and who offers it to another nurse.
    open_as(page, base, social_worker, "/referrals/inbox/")
    declined = "Nina Patel declined your handover offer: My caseload is full this week"
    expect(page.locator("p", has_text=declined)).to_be_visible()
    page.get_by_role("button", name=re.compile(f"^Mark as read.*{declined}")).click()
    axe(page)
    click_and_check(page, "link", "Ada KHAN")
    expect(page.get_by_text("Held by Grace Obi (Social worker).")).to_be_visible()
    page.get_by_label("Offer it to a professional").select_option(str(second_nurse.pk))
    page.get_by_label("Handover note").fill("Leg ulcer: needs dressing twice a week")
    click_and_check(page, "button", "Offer handover")

    # The second nurse accepts, sees Ada, and closes the referral with an outcome.
    open_as(page, base, second_nurse, "/referrals/inbox/")
    click_and_check(page, "link", "Ada KHAN")
    click_and_check(page, "button", "Accept handover")
    expect(page.get_by_text("Handover accepted. Joe Evans (District nurse) now holds this referral.")).to_be_visible()
    click_and_check(page, "button", "Record first contact")
    page.get_by_label("Supported by the neighbourhood team").check()
    page.get_by_label("Closing note (optional)").fill("Ulcer healing; dressings in the care plan")
    click_and_check(page, "button", "Close referral")
    expect(page.get_by_text("Referral closed.")).to_be_visible()

    history = page.get_by_role("table", name="Everything that has happened to this referral, oldest first")
    steps = [row.inner_text().split("\t")[1] for row in history.get_by_role("row").all()[1:]]
    assert steps == [
        "Received",
        "Triaged",
        "Allocated",
        "Handover offered",
        "Handover declined",
        "Handover offered",
        "Handover accepted",
        "First contact made",
        "Closed",
    ]
    expect(history.get_by_role("row").nth(5)).to_contain_text("My caseload is full this week")
    expect(history.get_by_role("row").nth(5)).to_contain_text("Grace Obi (Social worker)")
    screenshot(page, "history", page.get_by_role("heading", name="History"))
