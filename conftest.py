"""Settings for the whole test run."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # argon2 costs most of a second of CPU per password on these machines and every
    # test factory sets one; tests that are about hashing put argon2 back themselves
    # (see oneteam/access/tests/test_sign_in.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
