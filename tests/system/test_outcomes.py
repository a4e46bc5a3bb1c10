"""A team lead reads the outcomes by deprivation and downloads the same figures."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.outcomes import experience
from oneteam.outcomes.models import ExperienceResponse
from oneteam.outcomes.services import compute_measures
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode
from oneteam.referrals.synthetic import generate_referral_history
from oneteam.synthetic.city import generate_city

from .conftest import axe, open_as

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

    page.get_by_role("link", name="Workload by need").click()
    axe(page)
    expect(page.get_by_role("heading", name="Social-care demand: GP practice or council ward")).to_be_visible()
    expect(page.locator("table[data-table='boundaries'] tbody tr").first).to_be_visible()


def test_key_worker_makes_a_link_and_the_person_answers_once_without_signing_in(
    page: Page, second_page: Page, live_server: object
) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    nurse = make_staff(home)
    ada = make_person(home, given_name="Ada", family_name="Khan")
    Episode.objects.create(person=ada, neighbourhood=home, opened_at=timezone.now(), key_worker=nurse)

    open_as(page, base, nurse, "/referrals/inbox/")
    page.get_by_role("link", name="Ask the people you are key worker for about their care").click()
    axe(page)
    page.get_by_role("button", name="Make a link for Ada Khan").click()
    axe(page)
    address = page.get_by_test_id("experience-link").inner_text().strip()

    person = second_page  # Ada's own phone: nobody signed in
    person.goto(address)
    axe(person)
    person.get_by_label("I am (or someone close to me is) filling it in").check()
    for question in experience.QUESTIONS[:-1]:
        person.get_by_role("group", name=question.text).get_by_label("Agree", exact=True).check()
    person.get_by_role("button", name="Send my answers").click()
    axe(person)
    expect(person.get_by_text("Select how much you agree").first).to_be_visible()
    assert not ExperienceResponse.objects.exists()
    last = experience.QUESTIONS[-1]
    person.get_by_role("group", name=last.text).get_by_label("Strongly agree").check()
    person.get_by_role("button", name="Send my answers").click()
    axe(person)
    expect(person.get_by_role("heading", name="Thank you")).to_be_visible()
    assert ExperienceResponse.objects.get().involved_in_decisions == 100

    person.goto(address)
    axe(person)
    expect(person.get_by_text("This questionnaire has already been filled in")).to_be_visible()
