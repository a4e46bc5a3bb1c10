"""Two-factor sign-in: the code step, first-time setup, recovery codes, and how they share the lockout."""

import time
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import SettingsWrapper

from oneteam.access import two_factor
from oneteam.access.models import AuditAction, AuditEvent, RecoveryCode, TwoFactorDevice
from oneteam.access.services import signing_in
from oneteam.access.tests.two_factor_codes import current_code, next_code, wrong_code
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("access:sign_in")
CODE = reverse("access:sign_in_code")
RECOVERY = reverse("access:sign_in_recovery_code")
SET_UP = reverse("access:sign_in_set_up")
SEARCH = reverse("people:search")


@pytest.fixture(autouse=True)
def fast_hashing(settings: SettingsWrapper) -> None:
    # Argon2 is slow on purpose; these tests hash dozens of passwords and recovery codes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def enrol(staff: Staff) -> tuple[str, list[str]]:
    """Give `staff` a confirmed authenticator; returns its secret and the recovery codes."""
    device = signing_in.device_to_set_up(staff)
    assert device is not None
    return device.secret, signing_in.set_up_two_factor(staff=staff, code=current_code(device.secret))


def password(client: Client, staff: Staff, typed: str = TEST_PASSWORD, query: str = "") -> "Response":
    return client.post(SIGN_IN + query, {"username": staff.username, "password": typed})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_district_nurse_without_an_authenticator_signs_in_with_a_password_alone(client: Client) -> None:
    nurse = make_staff(make_neighbourhood(), profession=Profession.DISTRICT_NURSE)
    response = password(client, nurse)
    assert response["Location"] == SEARCH
    assert signed_in(client)
    assert not TwoFactorDevice.objects.exists()


def test_staff_with_an_authenticator_need_its_code_before_the_session_starts(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    secret, _ = enrol(nurse)
    response = password(client, nurse)
    assert response["Location"] == CODE
    assert not signed_in(client)
    # Between the steps the session knows only who, and since when.
    assert set(client.session.keys()) == {"sign_in_pending_staff_id", "sign_in_pending_since"}
    page = client.get(CODE).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    assert "Use a recovery code instead" in page

    response = client.post(CODE, {"code": next_code(secret)})
    assert response["Location"] == SEARCH
    assert signed_in(client)
    assert "sign_in_pending_staff_id" not in client.session
    assert AuditEvent.objects.filter(staff=nurse, action=AuditAction.SIGN_IN).count() == 1


def test_the_page_asked_for_is_kept_through_the_code_step(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    secret, _ = enrol(nurse)
    response = password(client, nurse, query="?next=/people/?by=postcode")
    assert response["Location"] == f"{CODE}?next=%2Fpeople%2F%3Fby%3Dpostcode"
    response = client.post(response["Location"], {"code": next_code(secret)})
    assert response["Location"] == "/people/?by=postcode"


def test_a_code_cannot_be_used_twice(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    secret, _ = enrol(nurse)
    code = next_code(secret)
    password(client, nurse)
    client.post(CODE, {"code": code})
    client.post(reverse("access:sign_out"))
    password(client, nurse)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400
    assert signing_in.WRONG_CODE in response.content.decode()
    assert not signed_in(client)


def test_missing_and_malformed_codes_are_named_next_to_the_field(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    enrol(nurse)
    password(client, nurse)
    page = client.post(CODE, {"code": ""}).content.decode()
    assert "Enter the 6-digit code" in page
    assert 'href="#id_code"' in page
    assert "The code must be 6 digits" in client.post(CODE, {"code": "12345x"}).content.decode()
    # Format mistakes are not sign-in attempts.
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).exists()


def test_a_wrong_code_is_refused_audited_and_counts_towards_the_slowing_down(client: Client) -> None:
    nurse = make_staff(make_neighbourhood(), username="nurse.one")
    secret, _ = enrol(nurse)
    password(client, nurse, "wrong")
    password(client, nurse, "wrong")
    password(client, nurse)
    # The right password does not clear the count while the code is still to come.
    response = client.post(CODE, {"code": wrong_code(secret)})
    assert response.status_code == 400
    page = response.content.decode()
    assert signing_in.WRONG_CODE in page
    assert AuditEvent.objects.filter(staff=nurse, action=AuditAction.TWO_FACTOR_FAILED).count() == 1

    client.post(CODE, {"code": wrong_code(secret)})
    client.post(CODE, {"code": wrong_code(secret)})
    assert "too many failed attempts" in client.post(CODE, {"code": wrong_code(secret)}).content.decode()
    response = client.post(CODE, {"code": next_code(secret)})
    assert "too many failed attempts" in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(username="nurse.one", action=AuditAction.SIGN_IN_LOCKED).count() == 1


def test_the_code_step_expires_after_five_minutes(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    secret, _ = enrol(nurse)
    password(client, nurse)
    session = client.session
    session["sign_in_pending_since"] = time.time() - signing_in.PENDING_SECONDS - 1
    session.save()
    response = client.post(CODE, {"code": next_code(secret)})
    assert response["Location"] == f"{SIGN_IN}?expired=1"
    assert not signed_in(client)
    assert "finish signing in within 5 minutes" in client.get(response["Location"]).content.decode()


def test_second_step_pages_need_the_password_first(client: Client) -> None:
    for page in (CODE, RECOVERY, SET_UP):
        assert client.get(page)["Location"] == f"{SIGN_IN}?expired=1"


@pytest.mark.parametrize("profession", [Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR])
def test_professions_that_need_two_factor_set_it_up_before_the_session_starts(client: Client, profession: str) -> None:
    officer = make_staff(make_neighbourhood(), profession=profession)
    response = password(client, officer)
    assert response["Location"] == SET_UP
    assert not signed_in(client)

    page = client.get(SET_UP).content.decode()
    device = TwoFactorDevice.objects.get(staff=officer, confirmed_at__isnull=True)
    assert two_factor.grouped(device.secret) in page
    assert "otpauth://totp/OneTeam%3A" in page
    assert "<svg" in page
    assert "Your role needs two-factor sign-in" in page

    response = client.post(SET_UP, {"code": wrong_code(device.secret)})
    assert response.status_code == 400
    assert signing_in.WRONG_CODE in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(staff=officer, action=AuditAction.TWO_FACTOR_FAILED).count() == 1

    response = client.post(SET_UP, {"code": current_code(device.secret)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep these somewhere safe" in page
    assert page.count("<li><code>") == 10
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEvent.objects.filter(staff=officer, action=AuditAction.TWO_FACTOR_ENROLLED).count() == 1
    assert AuditEvent.objects.filter(staff=officer, action=AuditAction.SIGN_IN).count() == 1


def test_recovery_codes_are_stored_only_as_hashes() -> None:
    staff = make_staff(make_neighbourhood())
    _, codes = enrol(staff)
    stored = list(RecoveryCode.objects.filter(staff=staff).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert all(identify_hasher(code_hash) for code_hash in stored)
    assert not any(code.replace("-", "") in code_hash for code in codes for code_hash in stored)


def test_a_set_up_authenticator_secret_is_never_shown_again(client: Client) -> None:
    officer = make_staff(make_neighbourhood(), profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    secret, _ = enrol(officer)
    password(client, officer)
    # Someone with only the password must not be able to read the secret from the set-up page.
    response = client.get(SET_UP)
    assert response["Location"] == CODE
    client.force_login(officer)
    assert client.get(reverse("access:two_factor_set_up"))["Location"] == reverse("access:two_factor")
    assert secret not in client.get(reverse("access:two_factor")).content.decode()


def test_a_half_finished_set_up_is_replaced_at_the_next_sign_in(client: Client) -> None:
    officer = make_staff(make_neighbourhood(), profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    password(client, officer)
    client.get(SET_UP)
    first = TwoFactorDevice.objects.get(staff=officer).secret
    password(Client(), officer)
    assert not TwoFactorDevice.objects.filter(secret=first).exists()


def test_a_recovery_code_signs_in_once_and_is_audited(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    _, codes = enrol(nurse)
    password(client, nurse)
    response = client.post(RECOVERY, {"code": codes[3].upper().replace("-", " ")})
    assert response["Location"] == SEARCH
    assert signed_in(client)
    assert AuditEvent.objects.filter(staff=nurse, action=AuditAction.RECOVERY_CODE_USED).count() == 1
    assert RecoveryCode.objects.filter(staff=nurse, used_at__isnull=True).count() == 9

    client.post(reverse("access:sign_out"))
    password(client, nurse)
    response = client.post(RECOVERY, {"code": codes[3]})
    assert response.status_code == 400
    assert signing_in.WRONG_RECOVERY_CODE in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(staff=nurse, action=AuditAction.TWO_FACTOR_FAILED).count() == 1


def test_any_member_of_staff_can_set_up_two_factor_from_the_header(client: Client) -> None:
    nurse = make_staff(make_neighbourhood())
    client.force_login(nurse)
    overview = reverse("access:two_factor")
    assert f'href="{overview}"' in client.get(SEARCH).content.decode()
    assert "Two-factor sign-in is off" in client.get(overview).content.decode()

    client.get(reverse("access:two_factor_set_up"))
    secret = TwoFactorDevice.objects.get(staff=nurse).secret
    response = client.post(reverse("access:two_factor_set_up"), {"code": current_code(secret)})
    assert "Keep these somewhere safe" in response.content.decode()
    page = client.get(overview).content.decode()
    assert "On since" in page
    assert "10" in page

    client.post(reverse("access:sign_out"))
    assert password(client, nurse)["Location"] == CODE
