"""Changing the response targets, and saying them in words.

Targets are stored in minutes (see `targets.py`); people set and read them in
whole hours or days.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction
from oneteam.access.services import record_event
from oneteam.organisations.models import Staff

from ..models import ResponseTarget
from ..targets import target_minutes

MINUTES_IN = {"hours": 60, "days": 24 * 60}


def split(minutes: int) -> tuple[int, str]:
    """A target as (amount, unit): whole days when it is whole days, otherwise hours."""
    if minutes % MINUTES_IN["days"] == 0:
        return minutes // MINUTES_IN["days"], "days"
    return minutes // MINUTES_IN["hours"], "hours"


def in_words(minutes: int) -> str:
    """'2 hours', '1 day', '14 days'."""
    amount, unit = split(minutes)
    return f"{amount} {unit if amount != 1 else unit.removesuffix('s')}"


@transaction.atomic
def change_response_targets(*, actor: Staff, minutes: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Save new targets (minutes by urgency) and audit what changed. Returns {urgency: (before, after)}."""
    before = target_minutes()
    changes = {urgency: (before[urgency], after) for urgency, after in minutes.items() if before[urgency] != after}
    now = timezone.now()
    for urgency, (_, after) in changes.items():
        ResponseTarget.objects.update_or_create(
            urgency=urgency, defaults={"minutes": after, "changed_by": actor, "changed_at": now}
        )
    if changes:
        record_event(
            staff=actor,
            action=AuditAction.UPDATE,
            detail={"response_targets": {urgency: {"from": old, "to": new} for urgency, (old, new) in changes.items()}},
        )
    return changes
