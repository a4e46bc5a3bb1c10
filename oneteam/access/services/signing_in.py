"""Signing in and out: the password, the second step for those who need it, and slowing down guessing.

Every step is recorded in the audit log, a refusal included.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from oneteam.organisations.models import Profession, Staff

from .. import two_factor
from ..models import AuditAction, RecoveryCode, TwoFactorDevice
from . import record_event, throttle


class SignInRefused(Exception):
    """Sign-in did not succeed; `message` is safe to show to the person at the keyboard."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignInStep(enum.Enum):
    """What the person signing in does after entering the right password."""

    SIGNED_IN = "signed in"
    ENTER_CODE = "enter a code from their authenticator app"
    SET_UP_TWO_FACTOR = "set up an authenticator app"


# These professions can read the whole audit log or manage accounts, so a password alone is not enough.
TWO_FACTOR_PROFESSIONS = frozenset({Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR})
# Between the password and the second step the session holds only who and since when, for this long.
PENDING_SECONDS = 5 * 60
_PENDING_STAFF = "sign_in_pending_staff_id"
_PENDING_SINCE = "sign_in_pending_since"
WRONG_CODE = "The code is not correct. Check your authenticator app and try again."
WRONG_RECOVERY_CODE = "The recovery code is not correct, or it has already been used."

# Every demo account's username starts with this (oneteam.synthetic.demo.demo_username).
DEMO_USERNAME_PREFIX = "demo."

_Found = TypeVar("_Found")


def two_factor_required(staff: Staff) -> bool:
    """Whether `staff` must use two-factor sign-in because of their profession."""
    return staff.profession in TWO_FACTOR_PROFESSIONS


def confirmed_device(staff: Staff) -> TwoFactorDevice | None:
    """The staff member's authenticator, if they have finished setting it up."""
    return TwoFactorDevice.objects.filter(staff=staff, confirmed_at__isnull=False).first()


def unused_recovery_codes(staff: Staff) -> int:
    """How many of the staff member's recovery codes are left."""
    return RecoveryCode.objects.filter(staff=staff, used_at__isnull=True).count()


def sign_in(*, request: HttpRequest, username: str, password: str) -> SignInStep:
    """Check the username and password, slowing down repeated failures (see `throttle`), and say what comes next.

    Staff who have an authenticator, or whose profession needs one, are only
    remembered as part-way through (see `pending_staff`): their session starts
    after the second step. Everyone else is signed in now. Failures are counted per
    username whether or not an account exists, so the messages do not reveal which
    usernames are real. Raises SignInRefused.
    """
    if settings.PRODUCTION and username.strip().lower().startswith(DEMO_USERNAME_PREFIX):
        # The demo accounts (oneteam/synthetic/demo.py) share a published password: never a way in to real records.
        record_event(staff=None, username=username.strip().lower(), action=AuditAction.SIGN_IN_FAILED)
        raise SignInRefused("The username or password is not correct.")
    key = username.strip().lower()
    staff = _throttled(
        request,
        key,
        lambda: _authenticated(request, key, password),
        wrong="The username or password is not correct.",
        failure={"staff": None, "username": key, "action": AuditAction.SIGN_IN_FAILED},
    )
    # A half-finished setup is dropped, so a secret shown to whoever knew the password
    # before cannot be confirmed later.
    TwoFactorDevice.objects.filter(staff=staff, confirmed_at__isnull=True).delete()
    if confirmed_device(staff):
        step = SignInStep.ENTER_CODE
    elif two_factor_required(staff):
        step = SignInStep.SET_UP_TWO_FACTOR
    else:
        _start_session(request, staff)
        return SignInStep.SIGNED_IN
    # A new session key once the password is proved, so a key planted before cannot inherit it.
    request.session.cycle_key()
    request.session[_PENDING_STAFF] = staff.pk
    request.session[_PENDING_SINCE] = time.time()
    return step


def _authenticated(request: HttpRequest, key: str, password: str) -> Staff | None:
    staff = authenticate(request, username=key, password=password)
    return staff if isinstance(staff, Staff) else None


def pending_staff(request: HttpRequest) -> Staff | None:
    """Who entered the right password in this browser less than `PENDING_SECONDS` ago and has a second step to do."""
    staff_id = request.session.get(_PENDING_STAFF)
    since = request.session.get(_PENDING_SINCE, 0)
    if staff_id is None or time.time() - since > PENDING_SECONDS:
        return None
    return Staff.objects.filter(pk=staff_id, is_active=True).first()


def sign_in_with_code(*, request: HttpRequest, staff: Staff, code: str) -> None:
    """Start the session of a pending staff member whose authenticator code is right. Raises SignInRefused.

    A wrong code counts towards the same slowing down as a wrong password.
    """
    _throttled(
        request,
        staff.username,
        lambda: _accept_code(staff, code, confirmed=True),
        wrong=WRONG_CODE,
        failure={"staff": staff, "action": AuditAction.TWO_FACTOR_FAILED, "detail": {"method": "authenticator"}},
    )
    _start_session(request, staff)


def sign_in_with_recovery_code(*, request: HttpRequest, staff: Staff, code: str) -> None:
    """Start the session of a pending staff member with one of their recovery codes, which is then used up.

    A wrong code counts towards the same slowing down as a wrong password. Raises SignInRefused.
    """
    _throttled(
        request,
        staff.username,
        lambda: _use_recovery_code(staff, code),
        wrong=WRONG_RECOVERY_CODE,
        failure={"staff": staff, "action": AuditAction.TWO_FACTOR_FAILED, "detail": {"method": "recovery code"}},
    )
    _start_session(request, staff)


def device_to_set_up(staff: Staff) -> TwoFactorDevice | None:
    """The authenticator the staff member is setting up, with a new secret if they had not started.

    None if they have set one up already: a confirmed device's secret is never shown again.
    """
    if confirmed_device(staff):
        return None
    device, _ = TwoFactorDevice.objects.get_or_create(staff=staff, defaults={"secret": two_factor.new_secret()})
    return device


def set_up_two_factor(*, staff: Staff, code: str, request: HttpRequest | None = None) -> list[str]:
    """Confirm the authenticator being set up with its first code and give out new recovery codes.

    Returns the recovery codes: this list is the only place they exist in plain, as
    only their hashes are stored. A wrong code counts towards the slowing down
    (of `request`'s client too, when given). Raises SignInRefused.
    """
    codes = two_factor.new_recovery_codes()
    _throttled(
        request,
        staff.username,
        lambda: _confirm_device(staff, code, codes),
        wrong=WRONG_CODE,
        failure={"staff": staff, "action": AuditAction.TWO_FACTOR_FAILED, "detail": {"method": "set up"}},
    )
    return codes


def sign_in_with_new_authenticator(*, request: HttpRequest, staff: Staff, code: str) -> list[str]:
    """Set up a pending staff member's authenticator (see `set_up_two_factor`) and start their session."""
    codes = set_up_two_factor(staff=staff, code=code, request=request)
    _start_session(request, staff)
    return codes


def _accept_code(staff: Staff, code: str, *, confirmed: bool) -> TwoFactorDevice | None:
    """The staff member's (un)confirmed device if `code` is its current code and not used before; else None."""
    device = TwoFactorDevice.objects.select_for_update().filter(staff=staff, confirmed_at__isnull=not confirmed).first()
    if device is None:
        return None
    step = two_factor.matching_step(device.secret, code, at=time.time(), after_step=device.last_used_step)
    if step is None:
        return None
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return device


def _confirm_device(staff: Staff, code: str, recovery_codes: list[str]) -> TwoFactorDevice | None:
    device = _accept_code(staff, code, confirmed=False)
    if device is None:
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    RecoveryCode.objects.filter(staff=staff).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(staff=staff, code_hash=make_password(two_factor.normalise_code(recovery)))
        for recovery in recovery_codes
    )
    # Last, because appending to the audit chain holds its lock until this transaction ends.
    record_event(staff=staff, action=AuditAction.TWO_FACTOR_ENROLLED)
    return device


def _use_recovery_code(staff: Staff, code: str) -> RecoveryCode | None:
    typed = two_factor.normalise_code(code)
    for recovery in RecoveryCode.objects.select_for_update().filter(staff=staff, used_at__isnull=True):
        if check_password(typed, recovery.code_hash):
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            record_event(staff=staff, action=AuditAction.RECOVERY_CODE_USED)
            return recovery
    return None


def _throttled(
    request: HttpRequest | None,
    username: str,
    check: Callable[[], _Found | None],
    *,
    wrong: str,
    failure: dict[str, Any],
) -> _Found:
    """Run one sign-in check for `username` and return what it found. Raises SignInRefused.

    While the username or the client must wait (see `throttle`) the check is not
    tried. A failed check counts against both and is audited as `failure`
    (fields for `record_event`). The refusal is decided inside the transaction
    but raised after it commits, so the count and its audit event are kept.
    """
    keys = throttle.keys(request, username) if request is not None else [throttle.username_key(username)]
    with transaction.atomic():
        attempts = throttle.attempts(keys)
        if wait := throttle.seconds_to_wait(attempts):
            record_event(staff=failure["staff"], username=username.strip().lower(), action=AuditAction.SIGN_IN_LOCKED)
            found, refusal = None, throttle.wait_message(wait)
        elif (found := check()) is not None:
            refusal = ""
        else:
            wait = throttle.count_failure(attempts)
            record_event(**failure)
            refusal = f"{wrong} {throttle.wait_message(wait)}" if wait else wrong
    if found is None:
        raise SignInRefused(refusal)
    return found


def _start_session(request: HttpRequest, staff: Staff) -> None:
    """Sign in: the username's failure count starts again, the half-finished state goes, and the session begins."""
    throttle.forget_username(staff.username)
    request.session.pop(_PENDING_STAFF, None)
    request.session.pop(_PENDING_SINCE, None)
    login(request, staff)
    record_event(staff=staff, action=AuditAction.SIGN_IN)


def sign_out(*, request: HttpRequest, timed_out: bool = False) -> None:
    """End the session, recording whether the person chose to or was idle too long."""
    staff = request.user if isinstance(request.user, Staff) else None
    if staff is not None:
        record_event(staff=staff, action=AuditAction.TIMED_OUT if timed_out else AuditAction.SIGN_OUT)
    logout(request)


@transaction.atomic
def unlock_sign_in(*, staff: Staff | None, username: str, address: str = "") -> int:
    """Clear the failed sign-ins of `username` (and of a client `address`, if given), audited as done by `staff`
    (None: from the command line). Returns how many counts were cleared."""
    cleared = throttle.forget_username(username) + (throttle.forget_address(address) if address else 0)
    what = username.strip().lower() + (f" and address {address}" if address else "")
    record_event(
        staff=staff,
        action=AuditAction.SIGN_IN_UNLOCKED,
        reason=f"Cleared failed sign-ins for {what}",
        detail={"by": "screen" if staff else "command"},
    )
    return cleared
