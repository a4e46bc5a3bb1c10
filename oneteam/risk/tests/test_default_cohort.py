"""The proactive-care list is for frailty: by default, people 65 and over with an eFI; everyone only on request."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditEvent
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.risk.services import stratify

from .conftest import YOUNGER, resident

pytestmark = pytest.mark.django_db
LIST = reverse("risk:cohort")


def test_the_list_defaults_to_people_65_and_over_with_an_efi(
    client_for: Callable[[Staff], Client], matron: Staff, home: Neighbourhood
) -> None:
    resident(home, family_name="Older")
    resident(home, family_name="Younger", date_of_birth=YOUNGER, lives_alone=True)
    stratify.run()
    client = client_for(matron)
    page = html.unescape(client.get(LIST).content.decode())
    assert "OLDER" in page and "YOUNGER" not in page
    assert AuditEvent.objects.filter(staff=matron, detail__risk_list__with_efi_only=True).exists()

    everyone = html.unescape(client.get(LIST, {"everyone": "on"}).content.decode())
    assert "OLDER" in everyone and "YOUNGER" in everyone
