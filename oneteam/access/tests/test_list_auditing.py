"""Lists are audited by person, so the subject-access report says which lists a person appeared on (issue 16)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door, make_referral

pytestmark = pytest.mark.django_db


def test_the_subject_access_report_includes_the_lists_a_person_was_shown_on() -> None:
    home = make_neighbourhood()
    front_door = make_front_door(home)
    ada = make_person(home, given_name="Ada", family_name="Khan")
    make_referral(home, person=ada)
    triager = make_staff(home, profession=Profession.CARE_COORDINATOR)
    triager.teams.add(front_door)
    viewer = Client()
    viewer.force_login(triager)
    assert viewer.get(reverse("referrals:queue", args=[front_door.pk])).status_code == 200

    officer = Client()
    officer.force_login(make_staff(home, profession=Profession.INFORMATION_GOVERNANCE_OFFICER))
    report = officer.get(reverse("access:subject_access_report", args=[ada.pk])).content.decode()
    assert "Care plan – saw the person on a list" in report
    assert triager.get_full_name() in report
