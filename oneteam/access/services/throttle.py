"""Slowing down failed sign-ins, per username and per client address, without ever locking anyone out.

After `SIGN_IN_FREE_FAILURES` failures in a row for a key, each further failure
makes the next try wait twice as long as the last, from `SIGN_IN_DELAY_SECONDS`
up to `SIGN_IN_MAX_DELAY_SECONDS` (docs/adr/0013). The keys are the client's
address and the username. A browser where the username has signed in before
carries a signed "known device" cookie and is not slowed by the username's
count, so a stranger guessing someone's password from elsewhere slows down
only their own tries and cannot keep the real person out. Unknown usernames
count like real ones, so the waits reveal nothing about which accounts exist.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from oneteam.operations.client_address import client_address

from ..models import SignInAttempt

KNOWN_DEVICE_COOKIE = "oneteam_known_device"
KNOWN_DEVICE_DAYS = 90
_SALT = "oneteam.access.throttle.known-device"


def username_key(username: str) -> str:
    """The throttle key of a username as typed (usernames are matched without case)."""
    return f"username:{username.strip().lower()}"


def keys(request: HttpRequest, username: str) -> list[str]:
    """The throttle keys a sign-in attempt counts against: its client address and, unless this is a known
    device for the username, the username."""
    found = [f"address:{client_address(request) or 'unknown'}"]
    if not is_known_device(request, username):
        found.append(username_key(username))
    return found


def attempts(keys: list[str]) -> list[SignInAttempt]:
    """The counts for `keys`, locked until the transaction ends so two tries at once both count."""
    for key in keys:
        SignInAttempt.objects.get_or_create(key=key)
    return list(SignInAttempt.objects.select_for_update().filter(key__in=keys).order_by("key"))


def seconds_to_wait(attempts: list[SignInAttempt]) -> int:
    """How long until any try may be made for these counts; 0 if one may be made now."""
    now = timezone.now()
    waits = [(attempt.next_try_at - now).total_seconds() for attempt in attempts if attempt.next_try_at]
    return max(0, math.ceil(max(waits, default=0)))


def count_failure(attempts: list[SignInAttempt]) -> int:
    """Count one more failure against each key and return the seconds to wait before the next try."""
    now = timezone.now()
    for attempt in attempts:
        # A key that has been quiet for as long as the longest wait starts afresh.
        quiet_since = now - datetime.timedelta(seconds=settings.SIGN_IN_MAX_DELAY_SECONDS)
        if attempt.last_failed_at and attempt.last_failed_at < quiet_since:
            attempt.consecutive_failures = 0
        attempt.consecutive_failures += 1
        attempt.last_failed_at = now
        beyond = attempt.consecutive_failures - settings.SIGN_IN_FREE_FAILURES
        if beyond > 0:
            delay = min(settings.SIGN_IN_DELAY_SECONDS * 2 ** min(beyond - 1, 30), settings.SIGN_IN_MAX_DELAY_SECONDS)
            attempt.next_try_at = now + datetime.timedelta(seconds=delay)
        attempt.save()
    return seconds_to_wait(attempts)


def wait_message(seconds: int) -> str:
    """What to tell the person who must wait, in words."""
    if seconds < 60:
        how_long = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        how_long = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return (
        f"There have been too many failed attempts to sign in. Wait {how_long}, then try again. "
        "If you have forgotten your password, ask your administrator."
    )


def forget_username(username: str) -> int:
    """Clear the failure count of a username (after it signs in, or when an administrator unlocks it)."""
    deleted, _ = SignInAttempt.objects.filter(key=username_key(username)).delete()
    return deleted


def forget_address(address: str) -> int:
    """Clear the failure count of a client address (an administrator unlocking a shared office's address)."""
    deleted, _ = SignInAttempt.objects.filter(key=f"address:{address}").delete()
    return deleted


def is_known_device(request: HttpRequest, username: str) -> bool:
    """Whether this browser carries a known-device cookie for `username`, signed by us and not expired."""
    try:
        remembered = signing.loads(
            request.COOKIES.get(KNOWN_DEVICE_COOKIE, ""), salt=_SALT, max_age=datetime.timedelta(days=KNOWN_DEVICE_DAYS)
        )
    except signing.BadSignature:
        return False
    return bool(remembered == username_key(username))


def remember_device(response: HttpResponse, username: str) -> None:
    """Mark the browser that has just signed in as `username` as a known device for it."""
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(username_key(username), salt=_SALT),
        max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
