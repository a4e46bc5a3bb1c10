"""Team leads see and change the response targets; everyone else cannot."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.referrals.models import ResponseTarget
from oneteam.referrals.services.response_targets import in_words
from oneteam.referrals.targets import target_minutes

pytestmark = pytest.mark.django_db

PAGE = reverse("referrals_public:response_targets")


@pytest.fixture
def lead() -> Staff:
    return make_staff(make_neighbourhood(), profession=Profession.TEAM_LEAD)


def form(**changes: str) -> dict[str, str]:
    """The defaults as the page shows them, with `changes`."""
    shown = {"urgent_amount": "2", "urgent_unit": "hours", "soon_amount": "2", "soon_unit": "days"}
    return shown | {"routine_amount": "14", "routine_unit": "days"} | changes


@pytest.mark.parametrize(("minutes", "words"), [(60, "1 hour"), (120, "2 hours"), (1440, "1 day"), (20160, "14 days")])
def test_targets_in_words(minutes: int, words: str) -> None:
    assert in_words(minutes) == words


def test_only_team_leads_may_open_the_page(client: Client, lead: Staff) -> None:
    client.force_login(make_staff(make_neighbourhood()))
    assert client.get(PAGE).status_code == 403
    client.force_login(lead)
    page = client.get(PAGE).content.decode()
    assert "Now 2 hours (the default)." in page
    assert re.search(r'id="id_routine_amount" name="routine_amount" type="text" value="14"', page)


def test_a_team_lead_changes_a_target_and_it_is_audited(client: Client, lead: Staff) -> None:
    client.force_login(lead)
    response = client.post(PAGE, form(urgent_amount="1"))
    assert response["Location"] == PAGE
    assert target_minutes()["urgent"] == 60
    saved = ResponseTarget.objects.get()
    assert (saved.urgency, saved.changed_by) == ("urgent", lead)
    event = AuditEvent.objects.get(staff=lead, action=AuditAction.UPDATE)
    assert event.detail == {"response_targets": {"urgent": {"from": 120, "to": 60}}}
    page = client.get(PAGE).content.decode()
    assert "The response targets were saved." in page
    assert f"Now 1 hour, set by {lead.get_full_name()}" in page

    client.post(PAGE, form(urgent_amount="1"))
    assert "Nothing was changed." in client.get(PAGE).content.decode()
    assert AuditEvent.objects.filter(staff=lead, action=AuditAction.UPDATE).count() == 1


@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"urgent_amount": "0"}, "id_urgent_amount", "The target for urgent referrals must be at least 1 hour"),
        ({"soon_amount": "two"}, "id_soon_amount", "Enter a whole number of hours or days for soon referrals"),
        ({"soon_unit": ""}, "id_soon_unit", "Select hours or days for soon referrals"),
        ({"routine_amount": "91"}, "id_routine_amount", "The target for routine referrals must be 90 days or fewer"),
        (
            {"soon_amount": "1", "soon_unit": "hours"},
            "id_soon_amount",
            "The target for soon referrals must be longer than for urgent referrals",
        ),
    ],
)
def test_a_wrong_target_is_explained_and_nothing_is_saved(
    client: Client, lead: Staff, changes: dict[str, str], anchor: str, message: str
) -> None:
    client.force_login(lead)
    response = client.post(PAGE, form(**changes))
    assert response.status_code == 400
    assert re.search(rf'<a href="#{anchor}"\s*>\s*{re.escape(message)}', response.content.decode())
    assert not ResponseTarget.objects.exists()
