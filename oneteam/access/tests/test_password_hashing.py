"""Staff passwords: argon2id at the OWASP cost, and older hashes upgraded at the next sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client
from django.urls import reverse

from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

if TYPE_CHECKING:
    from pytest_django.fixtures import SettingsWrapper

pytestmark = pytest.mark.django_db
PRODUCTION_HASHERS = ["oneteam.access.hashers.StaffPasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]


def test_new_passwords_are_argon2id_with_19_mib_two_passes_and_one_lane(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    assert make_password("correct horse battery").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_made_at_djangos_default_cost_is_upgraded_at_the_next_sign_in(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    staff = make_staff(make_neighbourhood(), username="nurse.old")
    staff.password = Argon2PasswordHasher().encode(TEST_PASSWORD, Argon2PasswordHasher().salt())
    staff.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in staff.password

    response = client.post(reverse("access:sign_in"), {"username": "nurse.old", "password": TEST_PASSWORD})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert "m=19456,t=2,p=1" in staff.password
