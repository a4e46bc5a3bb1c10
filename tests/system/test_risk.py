"""Finding people before the crisis, in a real browser.

A community matron filters the proactive care list to moderate and severe
frailty among people not yet known to the team in North 2, refers one person
to the single point of access from their row, opens another's explanation and
proposes them for the next MDT. She also looks at who the list might be
missing and at the priority weights. axe-core checks every page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oneteam.organisations.models import Neighbourhood, Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.referrals.models import Referral
from oneteam.referrals.tests.factories import make_front_door, make_referral
from oneteam.risk.models import MdtProposal
from oneteam.risk.services import stratify
from oneteam.risk.tests.conftest import code, resident
from oneteam.risk.tests.test_stratify import TEN
from oneteam.synthetic import codes as C

from .conftest import axe, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def north_2() -> Neighbourhood:
    neighbourhood = make_neighbourhood("N2")
    Neighbourhood.objects.filter(pk=neighbourhood.pk).update(name="North 2")
    neighbourhood.refresh_from_db()
    make_front_door(neighbourhood)
    return neighbourhood


def test_a_community_matron_finds_frail_people_the_team_does_not_know_and_proposes_one_for_the_mdt(
    page: Page, live_server: object
) -> None:
    home, south = north_2(), make_neighbourhood("S1")
    matron = make_staff(home, profession=Profession.COMMUNITY_MATRON)
    matron.teams.add(*make_staff(south).teams.all())
    moderate = resident(home, given_name="Maud", family_name="Moreton", lives_alone=True)
    code(moderate, *TEN[:9])
    severe = resident(home, given_name="Stan", family_name="Severn", repeat_medication_count=8, lives_alone=True)
    code(severe, *TEN, C.PARKINSONS_DISEASE)
    known = resident(home, given_name="Kath", family_name="Known")
    code(known, *TEN)
    make_referral(home, person=known)
    code(resident(home, given_name="Milly", family_name="Mild"), *TEN[:5])
    code(resident(south, given_name="Sid", family_name="South"), *TEN)
    stratify.run()

    base = str(live_server)
    open_as(page, base, matron, "/risk/")
    expect(page.get_by_role("heading", name="Proactive care list")).to_be_visible()
    page.get_by_label("Neighbourhood").select_option(label="North 2")
    page.get_by_label("Moderate frailty").check()
    page.get_by_label("Severe frailty").check()
    page.get_by_label("People not yet known to the team").check()
    page.get_by_role("button", name="Show people").click()
    axe(page)
    expect(page.get_by_text("2 people match")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Stan SEVERN")
    expect(rows.nth(0)).to_contain_text("Severe frailty (13 of 36)")
    expect(rows.nth(1)).to_contain_text("Moderate frailty (10 of 36): atrial fibrillation")
    expect(rows.nth(1)).to_contain_text("lives alone; not yet known to the team")
    people = page.get_by_role("table", name="People on the proactive care list")
    expect(people).not_to_contain_text("Kath")
    expect(people).not_to_contain_text("Sid")

    page.get_by_role("button", name="Refer to single point of access – Stan SEVERN").click()
    axe(page)
    expect(page.get_by_text("Stan Severn is referred to the single point of access")).to_be_visible()
    assert Referral.objects.filter(person=severe, referred_by=matron).count() == 1

    page.get_by_role("link", name="Maud MORETON").click()
    axe(page)
    expect(page.get_by_role("heading", name="Why Maud is on the list")).to_be_visible()
    expect(page.get_by_text("has 10 of 36")).to_be_visible()
    expect(page.get_by_role("cell", name="moderate frailty")).to_be_visible()
    page.get_by_label("What should the MDT discuss? (optional)").fill("Does Maud need a medicines review?")
    page.get_by_role("button", name="Propose for the next MDT").click()
    axe(page)
    expect(page.get_by_text("Maud Moreton is proposed for the next North 2 MDT")).to_be_visible()
    expect(page.get_by_text("already proposed for the next MDT")).to_be_visible()
    proposal = MdtProposal.objects.get(person=moderate)
    assert (proposal.question, proposal.proposed_by) == ("Does Maud need a medicines review?", matron)

    page.get_by_role("link", name="Proactive care list").click()
    axe(page)
    page.get_by_role("link", name="Who might this list be missing? See the fairness view").click()
    axe(page)
    expect(page.get_by_role("heading", name="Who the list might be missing")).to_be_visible()
    page.get_by_label("Neighbourhood").select_option(label="North 2")
    page.get_by_role("button", name="Show figures").click()
    axe(page)
    expect(page.get_by_role("table", name="Age band")).to_contain_text("fewer than 5")

    page.goto(base + "/risk/weights/")
    axe(page)
    expect(page.get_by_text("Only a team lead can change the weights")).to_be_visible()


def test_a_team_lead_changes_the_weights_and_sees_the_new_version(page: Page, live_server: object) -> None:
    home = north_2()
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    stratify.run()
    open_as(page, str(live_server), lead, "/risk/weights/")
    page.get_by_label("Which weights are you changing?").select_option(label="North 2")
    page.get_by_label("Points for each emergency admission in 12 months").fill("80")
    page.get_by_role("button", name="Save new weights").click()
    axe(page)
    expect(page.locator("#id_emergency_admission-error")).to_contain_text("Points cannot be more than 50")
    expect(page.locator("#id_change_note-error")).to_contain_text("Say why the weights are changing")
    page.get_by_label("Points for each emergency admission in 12 months").fill("6")
    page.get_by_label("Why are you changing them?").fill("Admissions matter most in North 2")
    page.get_by_role("button", name="Save new weights").click()
    axe(page)
    expect(page.get_by_text("North 2 priority weights, version 1")).to_be_visible()
    expect(page.get_by_role("table", name="Points in force now")).to_contain_text("North 2")
