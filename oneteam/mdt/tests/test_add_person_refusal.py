"""The MDT "add a person" form: a refusal names no one (issue 16)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.mdt.models import AgendaItem
from oneteam.mdt.tests.factories import make_meeting
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_adding_someone_the_proposer_may_not_see_is_refused_without_naming_them(
    client_for: Callable[[Staff], Client], home: Neighbourhood, chair: Staff
) -> None:
    meeting = make_meeting(home, chair)
    elsewhere = make_neighbourhood()
    stranger = make_person(elsewhere, given_name="Jake", family_name="Wilson")
    response = client_for(chair).post(
        reverse("mdt:add_item", args=[meeting.pk]),
        {"nhs_number": stranger.nhs_number, "question": "Why?", "professions": ["gp"], "expected_minutes": "10"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Not allowed" in page
    assert "Jake" not in page and "Wilson" not in page and elsewhere.name not in page
    assert not AgendaItem.objects.exists()
