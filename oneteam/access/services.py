"""Writes of the access app: the audit trail, reads of personal data, signing in and out.

Every function here records what happened in the audit log in the same
transaction as the thing it records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import AuditAction, AuditEvent, DataCategory, Purpose, SignInAttempt
from .policy import Decision, decide


class AccessDenied(Exception):
    """Raised when the policy refuses a read; carries the reason in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def record_event(
    *,
    staff: Staff | None,
    action: AuditAction,
    person_id: int | None = None,
    category: str = "",
    purpose: str = "",
    reason: str = "",
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log."""
    return AuditEvent.objects.create(
        staff=staff,
        username=username,
        action=action,
        person_id=person_id,
        category=category,
        purpose=purpose,
        reason=reason,
        detail=detail or {},
    )


def authorise_read(
    *, staff: Staff, person: Person, categories: Iterable[DataCategory], purpose: Purpose
) -> dict[DataCategory, Decision]:
    """Ask the policy about each category of `person`'s record and audit every answer in one write.

    Raises AccessDenied when not even the person's demographics may be seen, so
    callers cannot show a record the policy refused. The refusal is audited first
    (one insert, so no transaction is needed to keep it whole).
    """
    decisions = {category: decide(staff, person, category, purpose) for category in categories}
    AuditEvent.objects.bulk_create(
        AuditEvent(
            staff=staff,
            action=AuditAction.VIEW if decision.allowed else AuditAction.DENIED,
            person_id=person.pk,
            category=category,
            purpose=purpose,
            reason=decision.reason,
        )
        for category, decision in decisions.items()
    )
    demographics = decisions.get(DataCategory.DEMOGRAPHICS)
    if demographics is not None and not demographics.allowed:
        raise AccessDenied(demographics.reason)
    return decisions


class SignInRefused(Exception):
    """Sign-in did not succeed; `message` is safe to show to the person at the keyboard."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _lockout_message(until: datetime.datetime) -> str:
    local = timezone.localtime(until)
    return (
        "This account is locked because of too many failed sign-in attempts. "
        f"Try again after {local:%H:%M}, or ask your administrator to unlock it."
    )


def sign_in(*, request: HttpRequest, username: str, password: str) -> Staff:
    """Check the credentials, count failures towards a temporary lockout, and start a session.

    Failures are counted per username whether or not an account exists, so the
    messages do not reveal which usernames are real. Raises SignInRefused.
    """
    key = username.strip().lower()
    with transaction.atomic():
        # The refusal is decided inside the transaction but raised after it
        # commits, so the failure count and its audit event are kept.
        staff, refusal = _check_credentials(request, key, password)
    if refusal:
        raise SignInRefused(refusal)
    assert staff is not None
    login(request, staff)
    record_event(staff=staff, action=AuditAction.SIGN_IN)
    return staff


def _check_credentials(request: HttpRequest, key: str, password: str) -> tuple[Staff | None, str]:
    now = timezone.now()
    attempt, _ = SignInAttempt.objects.select_for_update().get_or_create(username=key)
    if attempt.locked_until and attempt.locked_until > now:
        record_event(staff=None, username=key, action=AuditAction.SIGN_IN_LOCKED)
        return None, _lockout_message(attempt.locked_until)
    staff = authenticate(request, username=key, password=password)
    if isinstance(staff, Staff):
        attempt.delete()
        return staff, ""
    attempt.consecutive_failures += 1
    message = "The username or password is not correct."
    if attempt.consecutive_failures >= settings.SIGN_IN_MAX_FAILURES:
        attempt.locked_until = now + datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
        attempt.consecutive_failures = 0
        message = _lockout_message(attempt.locked_until)
    elif (left := settings.SIGN_IN_MAX_FAILURES - attempt.consecutive_failures) <= 2:
        message += (
            f" You have {left} more {'try' if left == 1 else 'tries'} before the account is locked "
            f"for {settings.SIGN_IN_LOCKOUT_MINUTES} minutes."
        )
    attempt.save()
    record_event(staff=None, username=key, action=AuditAction.SIGN_IN_FAILED)
    return None, message


def sign_out(*, request: HttpRequest, timed_out: bool = False) -> None:
    """End the session, recording whether the person chose to or was idle too long."""
    staff = request.user if isinstance(request.user, Staff) else None
    if staff is not None:
        record_event(staff=staff, action=AuditAction.TIMED_OUT if timed_out else AuditAction.SIGN_OUT)
    logout(request)
