"""Case notes and the timeline in a real browser: a nurse writes a dated note, a colleague in the care team reads it
on the timeline among referrals, visits, assessments and plan changes; a link worker sees only what the sharing
agreement allows, and is told what is left out.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import completed_assessment, full_plan, visit
from oneteam.notes.models import Note
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_organisation, make_staff
from oneteam.people.models import AdmissionMethod, HospitalAdmission, Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door, make_referral

from .conftest import axe, fill_date, open_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Rang her daughter Zara: she will be at home for the visit on Friday and has a key safe code."


def in_care_team(home: Neighbourhood, person: Person, profession: Profession, name: str) -> Staff:
    staff = make_staff(home, profession=profession)
    staff.first_name, staff.last_name = name.split()
    staff.save(update_fields=["first_name", "last_name"])
    join_care_team(actor=None, person=person, staff=staff, role=CareRole.ALLOCATED_PROFESSIONAL)
    return staff


def test_a_note_is_written_once_and_read_on_the_timeline_as_far_as_each_may_see(
    page: Page, live_server: object
) -> None:
    ensure_reference_data()
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home, given_name="Ada", family_name="Khan")
    nurse = in_care_team(home, person, Profession.DISTRICT_NURSE, "Nia Hughes")
    social_worker = in_care_team(home, person, Profession.SOCIAL_WORKER, "Sol Okafor")
    link_worker = in_care_team(home, person, Profession.VCSE_LINK_WORKER, "Lou Baker")
    today = timezone.localdate()
    make_referral(home, person=person, referred_by=nurse)
    visit(person, nurse, timezone.now() - datetime.timedelta(days=2), purpose="Dress the leg ulcer")
    completed_assessment(person, nurse, days_ago=4)
    full_plan(person, social_worker, goals=1, actions=0)
    HospitalAdmission.objects.create(
        person=person,
        hospital=make_organisation(),
        method=AdmissionMethod.NON_ELECTIVE,
        admitted_on=today - datetime.timedelta(days=30),
        discharged_on=today - datetime.timedelta(days=21),
    )
    base = str(live_server)

    open_as(page, base, nurse, f"/care/people/{person.pk}/")
    page.get_by_role("link", name="case notes").click()
    axe(page)
    page.get_by_role("button", name="Save note").click()
    axe(page)
    expect(page.locator("#id_text-error")).to_contain_text("Enter the note")
    yesterday = today - datetime.timedelta(days=1)
    fill_date(page, yesterday)
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    axe(page)
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=NOTE)).to_contain_text("Nia Hughes (District nurse)")
    screenshot(page, "notes-case-notes")
    assert Note.objects.get(person=person).about_day == yesterday

    open_as(page, base, social_worker, f"/notes/people/{person.pk}/")
    page.get_by_role("link", name="timeline").click()
    axe(page)
    entries = page.locator(".oneteam-timeline > li")
    expect(entries.filter(has_text=NOTE)).to_contain_text(f"{yesterday.day} {yesterday:%B %Y} · Note")
    shown = page.locator(".oneteam-timeline").inner_text()  # newest first: yesterday's note, the visit 2 days ago, ...
    assert shown.index(NOTE) < shown.index("Dress the leg ulcer") < shown.index("Discharged from")
    for kind in ("Note", "Care plan", "Assessment", "Visit", "Referral", "Hospital discharge", "Hospital admission"):
        expect(entries.filter(has_text=f"· {kind}").first).to_be_visible()
    expect(page.get_by_text("Not shown")).to_have_count(0)
    screenshot(page, "notes-timeline")

    # The default agreement gives VCSE link workers no physical-health data: their timeline leaves hospital stays out.
    open_as(page, base, link_worker, f"/people/{person.pk}/timeline/")
    expect(page.locator(".oneteam-timeline")).to_contain_text(NOTE)
    expect(page.locator(".oneteam-timeline")).not_to_contain_text("Hospital admission")
    expect(page.get_by_text("Not shown: physical health.")).to_be_visible()
