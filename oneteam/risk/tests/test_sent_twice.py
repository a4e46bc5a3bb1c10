"""Proposing someone for the MDT from the list, with the button pressed twice, proposes them once (ADR 0024)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.risk.models import MdtProposal
from oneteam.risk.services import stratify
from oneteam.submissions.tests.twice import key_on, send_twice

from .test_views import LIST, frail

pytestmark = pytest.mark.django_db


def test_a_proposal_sent_twice_is_one_proposal_and_the_second_is_told(
    client_for: Callable[[Staff], Client], matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    stratify.run()
    client = client_for(matron)
    assert key_on(client, LIST)  # each row's button carries its own key
    page = reverse("risk:person", args=[person.pk])
    send_twice(client, page, {"question": "Medicines review?"}, to=reverse("risk:propose", args=[person.pk]))
    assert MdtProposal.objects.filter(person=person).count() == 1
