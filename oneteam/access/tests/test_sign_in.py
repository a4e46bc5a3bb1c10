import datetime
import time
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, SignInAttempt
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django.fixtures import SettingsWrapper

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("access:sign_in")


def sign_in(client: Client, username: str, password: str) -> "Response":
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_correct_details_sign_in_and_are_audited(client: Client, settings: "SettingsWrapper") -> None:
    # The rest of the suite uses a fast hasher (conftest.py); production's argon2 is checked here.
    settings.PASSWORD_HASHERS = ["oneteam.access.hashers.StaffPasswordHasher"]
    staff = make_staff(make_neighbourhood(), username="nurse.one")
    response = sign_in(client, "Nurse.One", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:search")
    assert AuditEvent.objects.filter(staff=staff, action=AuditAction.SIGN_IN).count() == 1
    assert staff.password.startswith("argon2")


def test_wrong_password_is_refused_with_a_clear_message(client: Client) -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    response = sign_in(client, "nurse.one", "wrong password")
    assert response.status_code == 400
    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(username="nurse.one", action=AuditAction.SIGN_IN_FAILED).count() == 1


def test_empty_fields_are_named(client: Client) -> None:
    response = sign_in(client, "", "")
    page = response.content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


def test_repeated_failures_make_the_next_try_wait_even_for_the_right_password(client: Client) -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    for _ in range(5):
        page = sign_in(client, "nurse.one", "wrong").content.decode()
        assert "Wait" not in page
    page = sign_in(client, "nurse.one", "wrong").content.decode()
    assert "too many failed attempts to sign in. Wait 2 seconds" in page
    response = sign_in(client, "nurse.one", TEST_PASSWORD)
    assert response.status_code == 400
    assert "too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED).count() == 1


def test_the_wait_ends_and_the_right_password_then_signs_in(client: Client) -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    for _ in range(6):
        sign_in(client, "nurse.one", "wrong")
    SignInAttempt.objects.update(next_try_at=timezone.now() - datetime.timedelta(seconds=1))
    assert sign_in(client, "nurse.one", TEST_PASSWORD).status_code == 302
    assert not SignInAttempt.objects.filter(key="username:nurse.one").exists()


def test_unknown_usernames_are_slowed_too_so_waiting_reveals_nothing(client: Client) -> None:
    for _ in range(6):
        sign_in(client, "nobody.here", "wrong")
    assert "too many failed attempts" in sign_in(client, "nobody.here", "wrong").content.decode()


def test_pages_need_sign_in(client: Client) -> None:
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_next_is_followed_only_within_the_site(client: Client) -> None:
    make_staff(make_neighbourhood(), username="nurse.one")
    response = client.post(
        f"{SIGN_IN}?next=https://evil.example/", {"username": "nurse.one", "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("people:search")


def test_idle_session_is_signed_out_with_an_explanation(client: Client, settings: object) -> None:
    staff = make_staff(make_neighbourhood())
    client.force_login(staff)
    assert client.get(reverse("people:search")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?timed_out=1"
    assert "_auth_user_id" not in client.session
    assert "You were signed out because you had not used OneTeam" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(staff=staff, action=AuditAction.TIMED_OUT).count() == 1


def test_sign_out_needs_a_post_and_ends_the_session(client: Client) -> None:
    staff = make_staff(make_neighbourhood())
    client.force_login(staff)
    assert client.get(reverse("access:sign_out")).status_code == 405
    response = client.post(reverse("access:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("people:search")).status_code == 302
    assert AuditEvent.objects.filter(staff=staff, action=AuditAction.SIGN_OUT).count() == 1
