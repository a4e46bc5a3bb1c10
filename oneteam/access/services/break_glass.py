"""Emergency ("break-glass") access: opened with a reason, time-limited, reviewed by information governance."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person

from ..models import AuditAction, BreakGlassAccess, ReviewOutcome
from ..policy import forget
from . import record_event

# Emergency access is for people who give care in person and may have to act before a relationship can be
# recorded; roles without direct care (and VCSE link workers, who never see clinical detail) never use it.
EMERGENCY_ACCESS_PROFESSIONS = frozenset(Profession) - {
    Profession.ANALYST,
    Profession.INFORMATION_GOVERNANCE_OFFICER,
    Profession.ADMINISTRATOR,
    Profession.VCSE_LINK_WORKER,
}


def may_use_emergency_access(staff: Staff) -> bool:
    """Whether `staff` is in a clinical direct-care role that may open a record in an emergency."""
    return staff.is_active and staff.profession in EMERGENCY_ACCESS_PROFESSIONS


class ReviewRefused(Exception):
    """A review that must not be recorded; the message says why, for the person reviewing."""


class EmergencyAccessRefused(Exception):
    """Emergency access that must not be opened; the message says why, without naming the person."""


def reason_problem(reason: str) -> str:
    """Why `reason` is not a reason written in words ("" if it is): IG must be able to read what happened.

    Three words or more, of more than a handful of different letters, so that "aaaaaaaaaa" or
    "asdf asdf asdf" are refused.
    """
    words = re.findall(r"[^\W\d_]{2,}", reason)
    letters = {letter for word in words for letter in word.lower()}
    if len(words) < 3 or len(letters) < 6:
        return "Describe in words why you need to see this record now, for example what has happened"
    return ""


@transaction.atomic
def open_emergency_access(*, staff: Staff, person: Person, reason: str) -> BreakGlassAccess:
    """Open the whole record to `staff` for `BREAK_GLASS_HOURS`, and queue it for review.

    A member of staff has at most one active emergency access to a person: opening it
    again extends the one they have (with the new reason added), and it is reviewed again.
    Raises EmergencyAccessRefused for a role without direct care or a reason not in words.
    """
    if not may_use_emergency_access(staff):
        raise EmergencyAccessRefused("Only staff who give care in person can use emergency access.")
    if problem := reason_problem(reason):
        raise EmergencyAccessRefused(problem)
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS)
    access = (
        BreakGlassAccess.objects.select_for_update()
        .filter(staff=staff, person=person, started_at__lte=now, expires_at__gt=now)
        .first()
    )
    if access is None:
        access = BreakGlassAccess.objects.create(
            staff=staff, person=person, reason=reason, started_at=now, expires_at=expires_at
        )
    else:
        access.reason = f"{access.reason}\n\nExtended on {timezone.localtime(now):%d %B %Y at %H:%M}: {reason}"
        access.expires_at = expires_at
        access.reviewed_at, access.reviewed_by, access.review_outcome, access.review_note = None, None, "", ""
        access.save()
    record_event(
        staff=staff,
        action=AuditAction.BREAK_GLASS,
        person_id=person.pk,
        allowed=True,
        reason=reason[:500],
        detail={"hours": settings.BREAK_GLASS_HOURS, "break_glass": access.pk},
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
