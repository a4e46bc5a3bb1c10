"""Response targets and breaches: how long a referral may wait for first contact.

Defaults follow the issue brief: urgent within 2 hours, soon within 2 days,
routine within 2 weeks. A team lead can change them (ResponseTarget rows).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from .models import Referral, ResponseTarget, State, Urgency

DEFAULT_MINUTES = {Urgency.URGENT: 2 * 60, Urgency.SOON: 2 * 24 * 60, Urgency.ROUTINE: 14 * 24 * 60}


def target_minutes() -> dict[str, int]:
    """Minutes allowed before first contact, by urgency: the team lead's settings over the defaults."""
    minutes = {urgency.value: value for urgency, value in DEFAULT_MINUTES.items()}
    minutes.update(dict(ResponseTarget.objects.values_list("urgency", "minutes")))
    return minutes


def with_due_time(referrals: QuerySet[Referral], minutes: dict[str, int]) -> QuerySet[Referral]:
    """Annotate `contact_due_at`: when first contact is due, computed in the database for a whole queue."""
    return referrals.annotate(
        contact_due_at=Case(
            *[
                When(
                    urgency=urgency,
                    then=ExpressionWrapper(
                        F("received_at") + Value(datetime.timedelta(minutes=value)), output_field=DateTimeField()
                    ),
                )
                for urgency, value in minutes.items()
            ],
            output_field=DateTimeField(),
        )
    )


def waiting_for_first_contact() -> Q:
    """Referrals still open with no first contact yet."""
    return Q(first_contact_at__isnull=True) & ~Q(state=State.CLOSED)


def breached(
    referrals: QuerySet[Referral], minutes: dict[str, int], now: datetime.datetime | Now | None = None
) -> QuerySet[Referral]:
    """The referrals past their first-contact target at `now`: a time, the database's clock (`Now()`), or
    this moment."""
    # contact_due_at is an annotation the type stubs cannot see, hence the keyword dictionary.
    return with_due_time(referrals.filter(waiting_for_first_contact()), minutes).filter(
        **{"contact_due_at__lt": now or timezone.now()}
    )
