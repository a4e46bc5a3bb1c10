"""Journeys through the sharing pages: a nurse records a person's wishes; an IG officer changes an agreement."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oneteam.access.models import SharingAgreement
from oneteam.access.tests.factories import key_worker_for
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

from .conftest import axe, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_records_withdrawn_consent_and_an_objection(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    ada = make_person(home, given_name="Ada", family_name="Khan")
    # Only the person's care team records their wishes: the nurse is Ada's key worker.
    open_as(page, base, key_worker_for(ada), f"/people/{ada.pk}/")

    page.get_by_role("link", name="Who can see this record and why").click()
    expect(page.get_by_role("heading", name="Who can see this record and why")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Record a decision about consent").click()
    axe(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#id_status-error")).to_contain_text("Select what the person has decided")
    axe(page)
    page.get_by_label("Consent withdrawn").check()
    page.get_by_label("Mental health").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Consent decision recorded. It applies straight away.")).to_be_visible()
    expect(page.get_by_text("Consent withdrawn, recorded")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Record an objection").click()
    axe(page)
    page.get_by_label("What does the person not want shared?").select_option("capacity")
    page.get_by_label("Who should not see it?").select_option("vcse")
    page.get_by_role("button", name="Save objection").click()
    expect(page.get_by_text("Does not want their mental capacity records shared")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Withdraw this objection").click()
    expect(page.get_by_text("No objections recorded.")).to_be_visible()
    axe(page)


def test_information_governance_officer_publishes_a_new_agreement_version(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    open_as(page, base, make_staff(home, profession=Profession.INFORMATION_GOVERNANCE_OFFICER), "/people/")

    page.get_by_role("link", name="Emergency access reviews (0)").click()
    axe(page)
    page.get_by_role("link", name="Information sharing agreements").click()
    axe(page)
    page.get_by_role("link", name=home.name).click()
    expect(page.get_by_text("Version 1, published")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Safeguarding").click()
    expect(page.get_by_role("heading", name="Safeguarding", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Change safeguarding rules").click()
    axe(page)
    page.get_by_label("Care coordinator: Safeguarding").select_option("care_team")
    page.get_by_label("What are you changing, and why?").fill("Care coordinators join safeguarding discussions")
    page.get_by_role("button", name="Publish new version").click()
    expect(page.get_by_text("Version 2 of the agreement is now in force.")).to_be_visible()
    axe(page)
    latest = SharingAgreement.objects.get(neighbourhood=home, version=2)
    assert latest.rules.filter(profession="care_coordinator", category="safeguarding", purpose="safeguarding").exists()
