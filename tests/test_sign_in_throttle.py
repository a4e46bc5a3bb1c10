"""Issue 20, items 2 and 5: failed sign-ins slow down per username and per client address, never locking
anyone out; administrators clear counts (audited); TRUSTED_PROXIES finds the real client; production
refuses the demo accounts."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, SignInAttempt
from oneteam.access.services import throttle
from oneteam.organisations.models import Organisation, Profession
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff
from oneteam.referrals.services import intake
from oneteam.referrals.tests.test_intake import FORM, SENT, answers, front_door, no_minimum_time, practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def long_first_wait() -> Iterator[None]:
    """A first wait long enough that a slow test run cannot outlast it (the tries' order is what is tested)."""
    with override_settings(SIGN_IN_DELAY_SECONDS=60, SIGN_IN_MAX_DELAY_SECONDS=600):
        yield


SIGN_IN = reverse("access:sign_in")
UNLOCK = reverse("access:unlock_sign_in")
__all__ = ["front_door", "no_minimum_time", "practice"]  # fixtures shared with the intake tests


def sign_in(client: Client, username: str, password: str, address: str = "192.0.2.1", forwarded_for: str = "") -> str:
    details = {"username": username, "password": password}
    if forwarded_for:
        response = client.post(SIGN_IN, details, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded_for)
    else:
        response = client.post(SIGN_IN, details, REMOTE_ADDR=address)
    return "signed in" if response.status_code == 302 else response.content.decode()


def test_a_stranger_guessing_from_elsewhere_cannot_keep_the_real_person_out() -> None:
    make_staff(make_neighbourhood(), username="ig.officer")
    own_browser = Client()
    assert sign_in(own_browser, "ig.officer", TEST_PASSWORD, address="192.0.2.1") == "signed in"
    own_browser.post(reverse("access:sign_out"))
    stranger = Client()
    for _ in range(20):
        sign_in(stranger, "ig.officer", "guess", address="198.51.100.66")
    assert "too many failed attempts" in sign_in(stranger, "ig.officer", TEST_PASSWORD, address="198.51.100.66")
    # The person's own browser (known device cookie) on their own network is not slowed by the stranger's tries.
    assert sign_in(own_browser, "ig.officer", TEST_PASSWORD, address="192.0.2.1") == "signed in"


def test_guessing_many_usernames_from_one_address_slows_that_address() -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    guesser = Client()
    for n in range(6):
        sign_in(guesser, f"someone.{n}", "guess", address="198.51.100.66")
    assert "too many failed attempts" in sign_in(guesser, "nurse.one", "guess", address="198.51.100.66")
    assert sign_in(Client(), "nurse.one", TEST_PASSWORD, address="192.0.2.1") == "signed in"


@override_settings(SIGN_IN_DELAY_SECONDS=2, SIGN_IN_MAX_DELAY_SECONDS=300)
def test_each_wait_doubles_up_to_the_longest() -> None:
    key = ["username:nobody"]
    waits = []
    for _ in range(14):
        attempts = throttle.attempts(key)
        waits.append(throttle.count_failure(attempts))
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:10] == [2, 4, 8, 16, 32]
    assert waits[-1] == 300  # SIGN_IN_MAX_DELAY_SECONDS: a wait, never a lock


def test_a_quiet_spell_starts_the_count_afresh() -> None:
    for _ in range(7):
        throttle.count_failure(throttle.attempts(["address:192.0.2.9"]))
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    SignInAttempt.objects.update(last_failed_at=long_ago, next_try_at=long_ago)
    assert throttle.count_failure(throttle.attempts(["address:192.0.2.9"])) == 0


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address() -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    for n in range(6):
        sign_in(Client(), f"someone.{n}", "guess", address="10.0.0.5", forwarded_for="198.51.100.66")
    assert "too many failed attempts" in sign_in(
        Client(), "someone.9", "guess", address="10.0.0.5", forwarded_for="198.51.100.66"
    )
    # Another member of the public behind the same balancer is not slowed down.
    assert sign_in(Client(), "nurse.one", TEST_PASSWORD, address="10.0.0.5", forwarded_for="192.0.2.7") == "signed in"
    assert SignInAttempt.objects.filter(key="address:198.51.100.66").exists()
    assert not SignInAttempt.objects.filter(key__startswith="address:10.").exists()


def test_without_trusted_proxies_a_forwarded_for_header_is_not_believed() -> None:
    for n in range(6):
        sign_in(Client(), f"someone.{n}", "guess", address="198.51.100.66", forwarded_for=f"192.0.2.{n}")
    assert SignInAttempt.objects.filter(key="address:198.51.100.66").get().consecutive_failures == 6


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_the_self_referral_limit_counts_each_member_of_the_public_behind_the_balancer(
    client: Client, practice: Organisation
) -> None:
    for n in range(intake.PER_HOUR):
        response = client.post(
            FORM, answers(practice, given_name=f"Ada{n}"), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7"
        )
        assert response["Location"] == SENT
    over = client.post(FORM, answers(practice), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert over.status_code == 429
    other = client.post(FORM, answers(practice), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert other["Location"] == SENT


def test_an_administrator_clears_a_count_on_a_screen_and_it_is_audited() -> None:
    neighbourhood = make_neighbourhood()
    make_staff(neighbourhood, username="nurse.one")
    administrator = make_staff(neighbourhood, profession=Profession.ADMINISTRATOR, username="admin.one")
    for _ in range(6):
        sign_in(Client(), "nurse.one", "wrong")
    screen = Client()
    screen.force_login(administrator)
    assert screen.get(UNLOCK).status_code == 200
    invalid = screen.post(UNLOCK, {"username": "", "address": "not an address"})
    assert invalid.status_code == 400
    assert "Enter the username to unlock" in invalid.content.decode()
    response = screen.post(UNLOCK, {"username": "Nurse.One", "address": "192.0.2.1"})
    assert response.status_code == 302
    assert not SignInAttempt.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_UNLOCKED)
    assert (event.staff, event.reason) == (administrator, "Cleared failed sign-ins for nurse.one and address 192.0.2.1")
    assert sign_in(Client(), "nurse.one", TEST_PASSWORD) == "signed in"


def test_only_administrators_see_the_unlock_screen() -> None:
    nurse = make_staff(make_neighbourhood())
    client = Client()
    client.force_login(nurse)
    assert client.get(UNLOCK).status_code == 403
    assert client.post(UNLOCK, {"username": "anyone"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_UNLOCKED).exists()


def test_the_unlock_command_clears_a_count_and_is_audited(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(6):
        sign_in(Client(), "nurse.one", "wrong")
    call_command("unlock_sign_in", "nurse.one")
    assert "Cleared 1 failed sign-in count(s) for nurse.one." in capsys.readouterr().out
    assert not SignInAttempt.objects.filter(key="username:nurse.one").exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_UNLOCKED, staff=None).count() == 1


def test_production_refuses_the_demo_accounts_at_sign_in() -> None:
    make_staff(make_neighbourhood(), username="demo.gp")
    with override_settings(PRODUCTION=True):
        assert "The username or password is not correct." in sign_in(Client(), "demo.gp", TEST_PASSWORD)
    assert AuditEvent.objects.filter(username="demo.gp", action=AuditAction.SIGN_IN_FAILED).count() == 1
    assert sign_in(Client(), "demo.gp", TEST_PASSWORD) == "signed in"  # outside production they are for trying out
