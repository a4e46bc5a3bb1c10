"""Generating the city: the same seed gives the same data, and an existing city is never overwritten by accident."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from oneteam.synthetic.city import city_digest, clear_city, generate_city

AS_OF = datetime.date(2026, 11, 23)

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("generate_city", *args, "--as-of", AS_OF.isoformat(), verbosity=0, stdout=out)
    return out.getvalue()


def test_the_same_seed_gives_the_same_city_and_another_seed_does_not() -> None:
    generate_city(residents=400, seed=7, as_of=AS_OF)
    first = city_digest()
    clear_city()
    generate_city(residents=400, seed=7, as_of=AS_OF)
    second = city_digest()
    clear_city()
    generate_city(residents=400, seed=8, as_of=AS_OF)

    assert first == second
    assert city_digest() != first


def test_the_command_refuses_a_database_that_already_holds_a_city_and_changes_nothing() -> None:
    run_command("--residents", "300", "--seed", "3")
    before = city_digest()

    with pytest.raises(CommandError, match="already holds a city"):
        run_command("--residents", "300", "--seed", "4")

    assert city_digest() == before


def test_if_empty_keeps_the_city_that_is_there() -> None:
    run_command("--residents", "300", "--seed", "3")
    before = city_digest()

    output = run_command("--residents", "300", "--seed", "4", "--if-empty")

    assert "keeping it" in output
    assert city_digest() == before


def test_replace_makes_a_new_city_but_is_refused_in_production() -> None:
    run_command("--residents", "300", "--seed", "3")
    first = city_digest()

    run_command("--residents", "300", "--seed", "4", "--replace")
    assert city_digest() != first

    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        run_command("--residents", "300", "--seed", "5", "--replace")
