"""Settings and clean-up for the whole test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from pytest_django.plugin import blocking_manager_key

# Fixtures shared by many apps' tests (a neighbourhood, its front door, a person).
pytest_plugins = ["tests.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # argon2 costs most of a second of CPU per password on these machines and every
    # test factory sets one; tests that are about hashing put argon2 back themselves
    # (see oneteam/access/tests/test_sign_in.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures or "live_server" in fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Put back the reference data a migration loads once a transactional test has emptied every table.

    Run one after another, transactional tests come last; spread over parallel workers, a
    worker may run ordinary tests after one, and those expect the migrated reference data.
    """
    result = yield
    # No next test: the test database itself has just been destroyed, so there is nothing to put back.
    if nextitem is not None and _is_transactional(item):
        from oneteam.care.seed import ensure_reference_data

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
    return result
