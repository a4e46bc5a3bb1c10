"""Access forms that create something save once however often they are sent (ADR 0024)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import (
    BreakGlassAccess,
    ConsentDecision,
    DataCategory,
    Objection,
    Purpose,
    SharingAgreement,
)
from oneteam.access.queries import agreement_grid
from oneteam.access.sharing_forms import cell_name
from oneteam.access.tests.factories import key_worker_for
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.submissions.tests.twice import send_twice

pytestmark = pytest.mark.django_db


def signed_in(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_an_agreement_edit_sent_twice_publishes_one_version() -> None:
    home = make_neighbourhood()
    officer = signed_in(make_staff(home, profession=Profession.INFORMATION_GOVERNANCE_OFFICER))
    data = {cell_name(p, c): level for p, cells in agreement_grid(home, Purpose.DIRECT_CARE).rows for c, level in cells}
    data[cell_name(Profession.VCSE_LINK_WORKER, DataCategory.PHYSICAL_HEALTH)] = "care_team"
    data["change_note"] = "Link workers support people with long-term conditions"
    send_twice(officer, reverse("access:agreement_edit", args=[home.code]) + "?purpose=direct_care", data)
    assert SharingAgreement.objects.filter(neighbourhood=home).count() == 2  # the first version, and one new


def test_consent_and_an_objection_sent_twice_are_each_recorded_once() -> None:
    ada = make_person(make_neighbourhood())
    client = signed_in(key_worker_for(ada))
    send_twice(client, reverse("access:record_consent", args=[ada.pk]), {"status": "withdrawn", "note": "By phone"})
    objection = {"category": "mental_health", "sector": "vcse", "note": ""}
    send_twice(client, reverse("access:record_objection", args=[ada.pk]), objection)
    assert (ConsentDecision.objects.filter(person=ada).count(), Objection.objects.filter(person=ada).count()) == (1, 1)


def test_emergency_access_sent_twice_opens_the_record_once() -> None:
    ada = make_person(make_neighbourhood())
    outsider = signed_in(make_staff(make_neighbourhood(), profession=Profession.SOCIAL_WORKER))
    reason = {"reason": "Found on the floor by a neighbour, confused"}
    send_twice(outsider, reverse("access:emergency_access", args=[ada.pk]), reason)
    assert BreakGlassAccess.objects.filter(person=ada).count() == 1
