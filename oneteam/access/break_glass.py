"""Emergency ("break-glass") access: opened with a reason, time-limited, reviewed by information governance."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import AuditAction, BreakGlassAccess, ReviewOutcome
from .policy import forget
from .services import record_event


class ReviewRefused(Exception):
    """A review that must not be recorded; the message says why, for the person reviewing."""


@transaction.atomic
def open_emergency_access(*, staff: Staff, person: Person, reason: str) -> BreakGlassAccess:
    """Open the whole record to `staff` for `BREAK_GLASS_HOURS`, and queue it for review."""
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        staff=staff,
        person=person,
        reason=reason,
        started_at=now,
        expires_at=now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    record_event(
        staff=staff,
        action=AuditAction.BREAK_GLASS,
        person_id=person.pk,
        allowed=True,
        reason=reason[:500],
        detail={"hours": settings.BREAK_GLASS_HOURS},
    )
    forget(staff, person)
    return access


def awaiting_review() -> QuerySet[BreakGlassAccess]:
    """Emergency accesses no one has reviewed yet, oldest first."""
    return (
        BreakGlassAccess.objects.filter(reviewed_at__isnull=True)
        .select_related("staff__organisation", "person")
        .order_by("started_at")
    )


@transaction.atomic
def review_emergency_access(*, reviewer: Staff, access: BreakGlassAccess, outcome: ReviewOutcome, note: str) -> None:
    """Record the information-governance review of one emergency access."""
    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise ReviewRefused("This emergency access has already been reviewed.")
    if access.staff_id == reviewer.pk:
        raise ReviewRefused("You cannot review your own emergency access. Ask another information governance officer.")
    access.reviewed_at = timezone.now()
    access.reviewed_by = reviewer
    access.review_outcome = outcome
    access.review_note = note
    access.save(update_fields=["reviewed_at", "reviewed_by", "review_outcome", "review_note"])
    record_event(
        staff=reviewer,
        action=AuditAction.BREAK_GLASS_REVIEWED,
        person_id=access.person_id,
        detail={"break_glass": access.pk, "outcome": outcome.value},
    )
