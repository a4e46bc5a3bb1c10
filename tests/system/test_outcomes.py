"""A team lead reads the outcomes by deprivation and downloads the same figures."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.outcomes.services import compute_measures
from oneteam.referrals.synthetic import generate_referral_history
from oneteam.synthetic.city import generate_city

from .conftest import axe
from .test_sharing import open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_lead_switches_to_deprivation_and_the_download_matches_the_table(page: Page, live_server: object) -> None:
    base = str(live_server)
    now = timezone.now()
    generate_city(residents=2000, seed=8, as_of=now.date())
    generate_referral_history(open_referrals=300, closed_referrals=300, seed=8, now=now)
    compute_measures(now.date())
    lead = make_staff(make_neighbourhood(), profession=Profession.TEAM_LEAD)

    open_as(page, base, lead, "/people/")
    page.get_by_role("link", name="Outcomes").click()
    axe(page)
    expect(page.get_by_role("heading", name="Unplanned hospital admissions")).to_be_visible()
    page.get_by_role("link", name="Deprivation quintile").click()
    axe(page)
    choices = page.get_by_role("navigation", name="Break the figures down by")
    expect(choices.get_by_text("Deprivation quintile", exact=True)).to_have_attribute("aria-current", "page")

    table = page.locator("table[data-measure='non_elective_admissions']")
    on_screen = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()
    ]
    assert on_screen[0][0] == "1 – most deprived"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as CSV (by deprivation quintile)").click()
    downloaded = io.StringIO(open(download.value.path(), encoding="utf-8").read())  # noqa: SIM115
    in_file = [
        [row["deprivation quintile"], row["value"], row["numerator"], row["denominator"]]
        for row in csv.DictReader(downloaded)
        if row["measure"] == "Unplanned hospital admissions"
    ]
    assert in_file == on_screen
    assert len(in_file) == 5
