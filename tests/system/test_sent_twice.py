"""A form saved, then sent again from the Back button, in a real browser: it is saved once (issue 17, item 8).

The double-click and parallel cases are covered by the client tests and the PostgreSQL parallel tests
(`*/tests/test_sent_twice.py`); this journey is the case only a browser shows: going Back to a saved
form reloads it, with the typed answers filled back in, and saving it again must not make a second record.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.notes.models import Note
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door

from .conftest import axe, fill_date, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Spoke to her son: he will leave the side gate open on Tuesdays."


def test_a_note_saved_then_sent_again_after_going_back_is_saved_once(page: Page, live_server: object) -> None:
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home, given_name="Ada", family_name="Khan")
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    join_care_team(actor=None, person=person, staff=nurse, role=CareRole.ALLOCATED_PROFESSIONAL)

    open_as(page, str(live_server), nurse, f"/notes/people/{person.pk}/")
    axe(page)
    fill_date(page, timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    axe(page)

    page.go_back()
    axe(page)
    # What was typed is there again, as the browser puts it back (or as the person types it again).
    page.get_by_label("Note").fill(NOTE)
    fill_date(page, timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_role("button", name="Save note").click()
    axe(page)
    expect(page.get_by_text("This was already saved")).to_be_visible()
    assert Note.objects.filter(person=person).count() == 1
