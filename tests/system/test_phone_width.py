"""Every page fits a 390 px phone without sideways scrolling: the widest pages, with real data, in a real browser.

Wide tables stack into one block per row on a phone (NHS.UK responsive tables), so
nothing runs off the side of the screen.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import completed_assessment, full_plan, visit
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.notes.services import add_note
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import SafetyAlert, SafetyAlertKind
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Need
from oneteam.referrals.tests.factories import make_front_door, make_referral

from .conftest import AccessibilityWatch, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE: ViewportSize = {"width": 390, "height": 844}
LONG = "Dress the leg ulcer twice a week and check the pressure areas on both heels"

# Any element whose right edge is past the viewport, and how wide the page is: what makes a page scroll sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  // Visually hidden text (for screen readers) is clipped to nothing, wherever the box would be.
  const clipped = element => {
    for (let at = element; at; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.clipPath !== 'none' || style.clip !== 'auto') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter(element => element.getClientRects().length && element.getBoundingClientRect().right > width + 1)
    .filter(element => !clipped(element))
    .map(element => element.tagName.toLowerCase() + '.' + String(element.className).split(' ')[0]);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page; every page it loads is checked with axe-core (by `open_as`)."""
    context = browser.new_context(locale="en-GB", bypass_csp=True, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.accessibility_watch = AccessibilityWatch(page)  # type: ignore[attr-defined]
    yield page
    context.close()


def test_the_widest_pages_fit_a_390_pixel_phone(phone: Page, live_server: object) -> None:
    ensure_reference_data()
    home = make_neighbourhood()
    queue = make_front_door(home)
    person = make_person(home, given_name="Ada", family_name="Khan")
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    nurse.teams.add(queue)
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    join_care_team(actor=None, person=person, staff=nurse, role=CareRole.KEY_WORKER)
    SafetyAlert.objects.create(
        person=person,
        kind=SafetyAlertKind.DANGEROUS_DOG,
        detail="Large dog, ask for it to be shut away",
        raised_on=timezone.localdate(),
    )
    for need in (Need.FALLS, Need.WOUND_CARE, Need.LONELINESS):  # one open referral per need
        make_referral(home, person=person, referred_by=nurse, need=need)
    completed_assessment(person, nurse)
    full_plan(person, nurse, goals=2, actions=3)
    for hour in (9, 11, 13, 15):
        start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))
        visit(person, nurse, start + datetime.timedelta(days=1), purpose=LONG)
        visit(person, nurse, start - datetime.timedelta(days=1), purpose=LONG)
    add_note(actor=nurse, person=person, about_day=timezone.localdate(), text=LONG)
    meeting = make_meeting(home, lead)
    make_item(meeting, person, question=LONG)
    base = str(live_server)
    pages: list[tuple[Staff, str]] = [
        (nurse, f"/referrals/teams/{queue.pk}/queue/"),
        (nurse, f"/care/people/{person.pk}/"),
        (nurse, f"/care/people/{person.pk}/visits/"),
        (nurse, f"/care/visits/?day={(timezone.localdate() + datetime.timedelta(days=1)).isoformat()}"),
        (nurse, f"/people/{person.pk}/timeline/"),
        (nurse, f"/notes/people/{person.pk}/"),
        (nurse, f"/people/{person.pk}/"),
        (nurse, "/referrals/inbox/"),
        (lead, f"/mdt/meetings/{meeting.pk}/"),
        (lead, f"/mdt/meetings/{meeting.pk}/print/"),
        (lead, "/outcomes/"),
        (lead, "/outcomes/workload/"),
        (lead, "/risk/"),
        (lead, "/care/assessments/templates/"),
        (lead, "/care/free-or-means-tested/"),
        (nurse, f"/people/{person.pk}/sharing/"),
        (lead, "/governance/sharing-agreements/"),
    ]
    problems = []
    for staff, path in pages:
        open_as(phone, base, staff, path)
        found = phone.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"] or found["wide"]:
            problems.append(f"{path}: {found}")
    assert not problems, "Pages that scroll sideways at 390 px:\n" + "\n".join(problems)
