"""Fixtures every app's tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from oneteam.organisations.models import Staff


@pytest.fixture
def client_for() -> Callable[[Staff], Client]:
    """A signed-in client for a member of staff."""

    def sign_in(staff: Staff) -> Client:
        client = Client()
        client.force_login(staff)
        return client

    return sign_in
