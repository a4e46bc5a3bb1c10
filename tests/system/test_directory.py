"""Journeys through the community directory: a link worker signposts a lonely person and follows it up; a nurse
reports an out-of-date entry and a maintainer updates it, confirms its details and closes the report.

With ONETEAM_SCREENSHOTS set, key steps are saved as the user guide's pictures (docs/user-guide/directory.md).
"""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.directory.models import Schedule, Signpost, SignpostOutcome
from oneteam.directory.services.importer import refresh_derived
from oneteam.directory.tests.factories import make_service, uid
from oneteam.organisations.models import LSOA, Profession, Ward
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

from .conftest import axe, open_as
from .test_referrals import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page: Page, name: str) -> None:
    """Save the whole page for the user guide, when asked to."""
    if os.environ.get("ONETEAM_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"directory-{name}.png"), full_page=True)


def test_link_worker_signposts_a_lonely_person_and_records_the_follow_up_from_the_inbox(
    page: Page, live_server: object
) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    ward = Ward.objects.create(code="E05900003", name="Parkside", neighbourhood=home)
    lsoa = LSOA.objects.create(code="E01900001", name="A", ward=ward, imd_decile=3, latitude=53.41, longitude=-1.45)
    ada = make_person(home, given_name="Ada", family_name="Khan", postcode="OT3 4AB", lsoa=lsoa, ward=ward)
    link_worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    join_care_team(actor=None, person=ada, staff=link_worker, role=CareRole.ALLOCATED_PROFESSIONAL)
    make_service("tuesday", name="Tuesday lunch club", latitude=53.412)
    make_service("wednesday", name="Wednesday chat café", latitude=53.413)
    make_service("far", name="Faraway lunch club", latitude=53.6)
    Schedule.objects.filter(service_id=uid("wednesday")).update(byday="WE", description="Every Wednesday")
    refresh_derived([uid("wednesday")])

    open_as(page, base, link_worker, f"/people/{ada.pk}/")
    page.get_by_role("link", name="Signposting and social prescribing").click()
    expect(page.get_by_text("Ada has not been signposted to any service yet.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Find a service for Ada").click()
    expect(page.get_by_label("Near postcode")).to_have_value("OT3 4AB")
    axe(page)
    page.get_by_label("What are you looking for?").fill("lonely")
    page.get_by_label("Day").select_option(label="Tuesday")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 service found")).to_be_visible()
    expect(page.get_by_role("heading", name="Tuesday lunch club")).to_be_visible()
    expect(page.get_by_text("Wednesday chat café")).to_have_count(0)
    expect(page.get_by_text("Details checked 1 month ago")).to_be_visible()
    axe(page)
    screenshot(page, "search")

    page.get_by_role("link", name="Signpost Ada to Tuesday lunch club").click()
    axe(page)
    page.get_by_role("button", name="Save signposting").click()
    expect(page.locator("#id_note-error")).to_contain_text("Write a note about why you are signposting the person")
    axe(page)
    page.get_by_label("Note").fill("Ada would like company at lunch; her daughter can drive her.")
    page.get_by_label("In 2 weeks").check()
    screenshot(page, "signpost")
    page.get_by_role("button", name="Save signposting").click()
    expect(page.get_by_text("Signposted to Tuesday lunch club.")).to_be_visible()
    axe(page)

    # Two weeks pass: the follow-up is due.
    Signpost.objects.update(follow_up_on=timezone.localdate())
    page.reload()
    axe(page)
    page.get_by_role("link", name="Inbox (1)").click()
    expect(page.get_by_role("heading", name="Signposting follow-ups due (1)")).to_be_visible()
    axe(page)
    screenshot(page, "inbox")
    page.get_by_role("link", name="Ada KHAN: Tuesday lunch club").click()
    axe(page)
    page.get_by_label("Did not attend").check()
    page.get_by_role("button", name="Save outcome").click()
    expect(page.locator("#id_note-error")).to_contain_text("Say why the person did not go")
    axe(page)
    page.get_by_label("Did not attend").check()
    page.get_by_label("Note").fill("Her daughter was away; will try next week.")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome recorded.")).to_be_visible()
    expect(page.get_by_text("Did not attend: Her daughter was away; will try next week.")).to_be_visible()
    axe(page)
    screenshot(page, "outcome")
    assert Signpost.objects.get().outcome == SignpostOutcome.DID_NOT_ATTEND

    page.get_by_role("link", name="Community directory").click()
    axe(page)
    page.get_by_role("link", name="Your caseload").click()
    expect(page.get_by_role("link", name="Ada KHAN")).to_be_visible()
    axe(page)


def test_nurse_reports_an_out_of_date_entry_and_a_maintainer_updates_it_and_closes_the_report(
    page: Page, live_server: object
) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    make_service("old", name="Old lunch club", assured_date="2023-01-10")
    open_as(page, base, make_staff(home), "/directory/?text=lunch")
    expect(page.get_by_text("May be out of date", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Report out-of-date details\s*for Old lunch club")).click()
    axe(page)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#id_what_is_wrong-error")).to_contain_text("Say what is out of date")
    axe(page)
    page.get_by_label("What is out of date?").fill("The phone number no longer works")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. A directory maintainer will check Old lunch club.")).to_be_visible()
    axe(page)

    page.context.clear_cookies()
    open_as(page, base, make_staff(home, profession=Profession.ADMINISTRATOR), "/directory/")
    page.get_by_role("link", name="Reported out-of-date details").click()
    expect(page.get_by_text("The phone number no longer works")).to_be_visible()
    axe(page)
    screenshot(page, "reports")
    page.get_by_role("link", name="Update the details of Old lunch club").click()
    axe(page)
    page.get_by_label("Phone").fill("0113 496 0555")
    page.get_by_label("Alert").fill("Meets in the library hall until March")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_email-error")).to_contain_text("Enter an email address")
    axe(page)
    page.get_by_label("Email").fill("")
    page.get_by_label("I have checked all these details with the service").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Old lunch club updated.")).to_be_visible()
    expect(page.get_by_text("“0113 496 0000” changed to “0113 496 0555”")).to_be_visible()
    expect(page.get_by_text("all details confirmed")).to_be_visible()
    axe(page)
    screenshot(page, "edit")

    page.get_by_role("link", name="Reported out-of-date details").click()
    axe(page)
    page.get_by_label("What did you do about this report?").fill("Rang the organiser and updated the number")
    page.get_by_role("button", name=re.compile(r"Close report\s*on Old lunch club")).click()
    expect(page.get_by_text("Report closed.")).to_be_visible()
    expect(page.get_by_text("No reports are waiting.")).to_be_visible()
    axe(page)
    page.goto(base + "/directory/?text=lunch")
    expect(page.get_by_text("Meets in the library hall until March")).to_be_visible()
    expect(page.get_by_text("Details checked this month")).to_be_visible()
    axe(page)
