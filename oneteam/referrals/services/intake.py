"""Self-referrals from the public form: who may send one, how often, and what it creates.

The form is open to anyone, so before a referral is taken in:
- a hidden "leave this empty" box must be empty (bots fill every box);
- the form must have been open for at least `MINIMUM_SECONDS` (bots are fast) and
  at most `MAXIMUM_AGE` (an old signed timestamp could be replayed);
- the same computer may send at most `PER_HOUR` forms an hour;
- the same answers sent again within `REPEAT_WINDOW` (a double click, a reload)
  give back the first referral and create nothing.

Only hashes of the sender's address and of the answers are kept
(SelfReferralSubmission), never the address itself.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction
from oneteam.access.services import record_event
from oneteam.organisations.models import Neighbourhood, Organisation

from ..models import Referral, SelfReferralSubmission, Source
from . import ReferralDetails, ReferralRefused, receive_referral

MINIMUM_SECONDS = 3
MAXIMUM_AGE = datetime.timedelta(hours=2)
PER_HOUR = 5
_HOUR = datetime.timedelta(hours=1)
REPEAT_WINDOW = datetime.timedelta(minutes=1)
_SALT = "oneteam.referrals.intake.form-started"

TRY_AGAIN = "Sorry, we could not send your form. Check your answers and select ‘Send request’ again."
TOO_OLD = (
    "This form was open for more than 2 hours, so for your security it was not sent. "
    "Check your answers and select ‘Send request’ again."
)
TOO_MANY = (
    f"This computer has sent {PER_HOUR} requests in the last hour, which is as many as we accept. "
    "Try again in an hour, or contact your GP surgery. If you need help now, call 111."
)
NO_TEAM = "We cannot take requests online for people registered at this GP surgery yet. Contact the surgery instead."


class IntakeRefused(Exception):
    """The form was not taken in; `message` tells the person why, and `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SelfReferral:
    """What the public form asks: the referral details, the person's GP practice and who filled it in."""

    details: ReferralDetails
    practice: Organisation | None  # None: not registered with a GP, or not known
    source: Source
    area: Neighbourhood | None = None  # where they live, asked when the practice is not known

    @property
    def neighbourhood(self) -> Neighbourhood:
        """The practice decides the neighbourhood (GP practices are the health boundary); without one, the area."""
        if self.practice is None:
            assert self.area is not None  # the form asks for the area when the practice is not known
            return self.area
        assert self.practice.neighbourhood is not None  # the database requires one for every GP practice
        return self.practice.neighbourhood


def form_started() -> str:
    """A signed timestamp for the form's hidden `started` field, read back by `accept`."""
    return signing.dumps(time.time(), salt=_SALT)


def _hash(text: str) -> str:
    # The secret key is mixed in so that a stored hash cannot be matched by hashing guesses
    # (every IPv4 address, or likely names and dates of birth).
    return hashlib.sha256((text + settings.SECRET_KEY).encode()).hexdigest()


def client_hash(address: str) -> str:
    """Who sent the form, as far as rate limiting needs to know: a keyed hash of their network address."""
    return _hash(address)


def content_hash(referral: SelfReferral) -> str:
    """The same answers give the same hash, whatever the spacing or capitals they were typed with."""
    answers = {
        **asdict(referral.details),
        "practice": referral.practice.pk if referral.practice else None,
        "area": referral.area.pk if referral.area else None,
        "source": referral.source,
    }
    normalised = {
        key: " ".join(value.split()).casefold() if isinstance(value, str) else value for key, value in answers.items()
    }
    return _hash(json.dumps(normalised, sort_keys=True, default=str))


def _check_not_a_bot(honeypot: str, started: str) -> None:
    if honeypot:
        raise IntakeRefused(TRY_AGAIN)
    try:
        opened = signing.loads(started, salt=_SALT, max_age=MAXIMUM_AGE)
    except signing.SignatureExpired:
        raise IntakeRefused(TOO_OLD) from None
    except signing.BadSignature:
        raise IntakeRefused(TRY_AGAIN) from None
    if time.time() - opened < MINIMUM_SECONDS:
        raise IntakeRefused(TRY_AGAIN)


@transaction.atomic
def accept(referral: SelfReferral, *, address: str, honeypot: str, started: str) -> Referral:
    """Take a self-referral in at its neighbourhood's front door, for triage, and nothing else.

    `address` is the sender's network address, `honeypot` the hidden box and
    `started` the signed timestamp from `form_started`. Returns the new referral,
    or the first one if the same answers were sent within `REPEAT_WINDOW`.
    Raises IntakeRefused, having saved nothing.
    """
    _check_not_a_bot(honeypot, started)
    now = timezone.now()
    # Two copies of one form sent at once (a double click) would each find no earlier
    # copy. Taking the neighbourhood's row lock first makes the second wait for the first.
    Neighbourhood.objects.select_for_update(no_key=True).get(pk=referral.neighbourhood.pk)
    answers, client = content_hash(referral), client_hash(address)
    repeat = (
        SelfReferralSubmission.objects.filter(content_hash=answers, submitted_at__gte=now - REPEAT_WINDOW)
        .select_related("referral")
        .first()
    )
    if repeat is not None and repeat.referral is not None:
        return repeat.referral
    # Older records serve no purpose (see the windows above), so they are not kept.
    SelfReferralSubmission.objects.filter(submitted_at__lt=now - _HOUR).delete()
    if SelfReferralSubmission.objects.filter(client_hash=client).count() >= PER_HOUR:
        raise IntakeRefused(TOO_MANY, status=429)
    try:
        created = receive_referral(
            neighbourhood=referral.neighbourhood, details=referral.details, source=referral.source
        )
    except ReferralRefused:
        raise IntakeRefused(NO_TEAM) from None
    SelfReferralSubmission.objects.create(client_hash=client, content_hash=answers, submitted_at=now, referral=created)
    record_event(staff=None, action=AuditAction.CREATE, detail={"self_referral": created.pk})
    return created
