"""Someone not registered with a GP, or who does not know their surgery, can still refer themselves."""

from __future__ import annotations

import pytest
from django.test import Client

from oneteam.organisations.models import Organisation, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_practice
from oneteam.referrals.forms_public import PRACTICE_NOT_KNOWN
from oneteam.referrals.models import Referral
from oneteam.referrals.services import intake
from oneteam.referrals.tests.factories import make_front_door
from oneteam.referrals.tests.test_intake import FORM, answers, error_next_to, nothing_saved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_minimum_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MINIMUM_SECONDS", 0)


@pytest.fixture
def front_door() -> Team:
    return make_front_door(make_neighbourhood())


@pytest.fixture
def practice(front_door: Team) -> Organisation:
    assert front_door.neighbourhood is not None
    return make_practice(front_door.neighbourhood)


def test_the_form_offers_not_registered_or_not_known(client: Client, practice: Organisation) -> None:
    page = client.get(FORM).content.decode()
    assert f'<option value="{PRACTICE_NOT_KNOWN}"' in page
    assert "Not registered with a GP, or I do not know" in page


def test_without_a_practice_the_area_they_live_in_decides_the_team(
    client: Client, practice: Organisation, front_door: Team
) -> None:
    area = str(front_door.neighbourhood_id)
    response = client.post(FORM, answers(practice, gp_practice=PRACTICE_NOT_KNOWN, area=area))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.neighbourhood_id, referral.owner_team) == (front_door.neighbourhood_id, front_door)


def test_without_a_practice_or_an_area_the_area_is_asked_for(client: Client, practice: Organisation) -> None:
    response = client.post(FORM, answers(practice, gp_practice=PRACTICE_NOT_KNOWN))
    assert response.status_code == 400
    assert "Select the area the person lives in" in error_next_to(response.content.decode(), "id_area")
    assert nothing_saved()
