"""Writes of the access app: the audit trail, reads of personal data, signing in and out.

Every function here records what happened in the audit log in the same
transaction as the thing it records.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from oneteam.organisations.models import Organisation, Profession, Staff
from oneteam.people.models import Person

from . import audit, throttle, two_factor
from .models import AuditAction, AuditEvent, DataCategory, Purpose, RecoveryCode, TwoFactorDevice
from .policy import (
    Decision,
    decide,
    decide_system_contribution,
    forget,
    in_team_neighbourhoods,
    prefetch,
    remembered_person,
    staff_neighbourhood_ids,
    staff_teams,
)

# What other apps may use of the policy. `policy.decide` itself is private to this app (an
# import-linter contract in `make lint` forbids importing `oneteam.access.policy` from outside);
# a decision is asked through `authorise_read(s)` (audited) or `ask` (the caller audits).
__all__ = [
    "NO_DIRECT_CARE",
    "Decision",
    "ask",
    "audit_list",
    "authorise_read",
    "authorise_reads",
    "authorise_referral",
    "decide_referral",
    "forget",
    "gives_direct_care",
    "in_team_neighbourhoods",
    "may_contribute",
    "may_contribute_as_system",
    "may_see_who",
    "prefetch",
    "record_event",
    "refused_writes",
    "staff_neighbourhood_ids",
    "staff_teams",
]


def new_event(
    *,
    staff: Staff | None,
    action: AuditAction,
    person_id: int | None = None,
    category: str = "",
    purpose: str = "",
    allowed: bool | None = None,
    reason: str = "",
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event, with the staff member's role and organisation as they are now."""
    return AuditEvent(
        staff=staff,
        role=staff.profession if staff else "",
        organisation_id=staff.organisation_id if staff else None,
        username=username or (staff.username if staff else ""),
        action=action,
        person_id=person_id,
        category=category,
        purpose=purpose,
        allowed=allowed,
        reason=reason,
        detail=detail or {},
    )


def record_event(**fields: Any) -> None:
    """Append one event to the audit log (see `new_event` for the fields)."""
    audit.append([new_event(**fields)])


def ask(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """The policy's answer, not audited: for a caller that audits the page's reads itself in one append
    (a list) or refuses a change that it then audits. Prefer `authorise_read`.
    """
    return decide(staff, person, category, purpose)


def authorise_read(
    *, staff: Staff, person: Person, categories: Iterable[DataCategory], purpose: Purpose
) -> dict[DataCategory, Decision]:
    """Ask the policy about each category of `person`'s record and audit every answer, in one append.

    Pages show only the sections whose decision allows it; a refusal is audited
    like an allowed read, so the log shows who tried to see what.
    """
    return authorise_reads(staff=staff, people=[person], categories=categories, purpose=purpose)[person.pk]


def authorise_reads(
    *, staff: Staff, people: Iterable[Person], categories: Iterable[DataCategory], purpose: Purpose
) -> dict[int, dict[DataCategory, Decision]]:
    """`authorise_read` for many people at once (exports), audited in one append: decisions by person id."""
    categories = list(categories)
    decisions = {
        person.pk: {category: decide(staff, person, category, purpose) for category in categories} for person in people
    }
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.VIEW if decision.allowed else AuditAction.DENIED,
                person_id=person_id,
                category=category,
                purpose=purpose,
                allowed=decision.allowed,
                reason=decision.reason,
            )
            for person_id, answers in decisions.items()
            for category, decision in answers.items()
        ]
    )
    return decisions


def may_see_who(staff: Staff, person_id: int) -> bool:
    """May `staff` see who this person is, for any purpose they work for? Not audited (the page asking has been).

    Usually free: the page has already asked the policy about the person in this request.
    """
    person = remembered_person(staff, person_id) or Person.objects.filter(pk=person_id).first()
    if person is None:
        return True  # nothing to name: the page answers 404
    return any(decide(staff, person, DataCategory.DEMOGRAPHICS, purpose).allowed for purpose in _PERSON_PURPOSES)


# Purposes for which someone may see a person's identity (planning never does).
_PERSON_PURPOSES = (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION, Purpose.SAFEGUARDING, Purpose.AUDIT)


def may_contribute(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """May `staff` (a person or a connected system's account) add `category` data to `person`'s record?

    Only if they may see who the person is and that category of their record: a
    system refused the record cannot write into it. Not audited: the caller audits
    the write or the refusal. A refusal names no one.
    """
    if not decide(staff, person, DataCategory.DEMOGRAPHICS, purpose).allowed:
        return Decision(False, "Not allowed: you may not see this record, so you may not add to it.")
    return decide(staff, person, category, purpose)


def may_contribute_as_system(
    *, organisation: Organisation, system_name: str, person: Person, category: DataCategory, detail: dict[str, Any]
) -> Decision:
    """May a connected system of `organisation` that acts for no member of staff (a hospital's admission feed)
    add `category` data to `person`'s record? A refusal is audited here as a denied write (the caller must
    write nothing and name no one); an allowed write is audited by the caller once made. `detail` says what
    was sent.
    """
    decision = decide_system_contribution(organisation, person, category)
    if not decision.allowed:
        record_event(
            staff=None,
            username=system_name,
            action=AuditAction.DENIED,
            person_id=person.pk,
            category=category,
            purpose=Purpose.DIRECT_CARE,
            allowed=False,
            reason=decision.reason,
            detail={**detail, "write": True},
        )
    return decision


def refused_writes(*, staff: Staff, person_ids: Iterable[int], purpose: str) -> None:
    """Audit writes the policy refused (nothing was written), one event per person, in one append."""
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.DENIED,
                person_id=person_id,
                purpose=purpose,
                allowed=False,
                reason="Not allowed: a write to this record was refused, and nothing was written.",
                detail={"write": True},
            )
            for person_id in sorted(person_ids)
        ]
    )


# Roles that support the service but do not care for people: they never see or act on a person's referral
# (whatever team they sit in) and never hold one.
NO_DIRECT_CARE = frozenset({Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR})


def gives_direct_care(staff: Staff) -> bool:
    """Whether `staff` is in a role that cares for people (so may work on referrals about them)."""
    return staff.profession not in NO_DIRECT_CARE


def decide_referral(staff: Staff, person: Person | None, *, holds: bool, offered: bool) -> Decision:
    """May `staff` see and work on a referral (or a discharge handover) about `person`? Not audited.

    A referral's content (the need, what matters to the person, who referred them)
    is care plan data. Roles without direct care never see it. Before the referral
    is matched to a record, holding it or being offered it is the reason to see it
    (the front door must read it to triage it). Once matched, the policy decides,
    like any read of the care plan; someone offered it may still read it to answer.
    """
    if not gives_direct_care(staff):
        return Decision(False, "Not allowed: your role does not give direct care, so it does not see referrals.")
    if person is None:
        if holds:
            return Decision(True, "Allowed: you or your team hold this referral, which is not yet matched to a record.")
        if offered:
            return Decision(True, "Allowed: this referral has been offered to you or your team.")
        return Decision(
            False,
            "Not allowed: you do not hold this referral, it has not been offered to you, and it is not yet "
            "matched to a person's record.",
        )
    decision = decide(staff, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE)
    if not decision.allowed and offered:
        return Decision(True, "Allowed: this was offered to you or your team, who must read it to answer.")
    return decision


def authorise_referral(
    *, staff: Staff, person: Person | None, holds: bool, offered: bool, detail: dict[str, Any]
) -> Decision:
    """`decide_referral`, audited as a read of the care plan (`detail` says which referral or handover)."""
    decision = decide_referral(staff, person, holds=holds, offered=offered)
    record_event(
        staff=staff,
        action=AuditAction.VIEW if decision.allowed else AuditAction.DENIED,
        person_id=person.pk if person else None,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        allowed=decision.allowed,
        reason=decision.reason,
        detail=detail,
    )
    return decision


def audit_list(
    *, staff: Staff, person_ids: Iterable[int], category: DataCategory, purpose: Purpose, detail: dict[str, Any]
) -> None:
    """Record that a list page showed these people (one event each, in one append): who has seen whose record
    includes the lists they appeared on. `detail` says which list.
    """
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.LIST,
                person_id=person_id,
                category=category,
                purpose=purpose,
                allowed=True,
                detail=detail,
            )
            for person_id in dict.fromkeys(person_ids)
        ]
    )


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

# Every demo account's username starts with this (oneteam.organisations.demo.demo_username).
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
        # The demo accounts (oneteam/organisations/demo.py) share a published password: never a way in to real records.
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
