"""The information governance review queue's flags: raised where something needs a second look, closed by IG."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from ..models import AuditAction, FlagKind, GovernanceFlag
from . import record_event


def raise_flag(*, kind: FlagKind, person: Person, staff: Staff | None, note: str) -> GovernanceFlag:
    """Put something on the IG review queue (in the caller's transaction, so it stands or falls with the change)."""
    return GovernanceFlag.objects.create(kind=kind, person=person, staff=staff, raised_at=timezone.now(), note=note)


def awaiting_review() -> QuerySet[GovernanceFlag]:
    """Flags no one has reviewed yet, oldest first."""
    return GovernanceFlag.objects.filter(reviewed_at__isnull=True).select_related("staff", "person")


@transaction.atomic
def mark_reviewed(*, reviewer: Staff, flag_id: int) -> bool:
    """Record that an IG officer has looked at a flag. False if there is no such flag waiting."""
    flag = GovernanceFlag.objects.select_for_update().filter(pk=flag_id, reviewed_at__isnull=True).first()
    if flag is None:
        return False
    flag.reviewed_at, flag.reviewed_by = timezone.now(), reviewer
    flag.save(update_fields=["reviewed_at", "reviewed_by"])
    record_event(
        staff=reviewer,
        action=AuditAction.BREAK_GLASS_REVIEWED,
        person_id=flag.person_id,
        detail={"governance_flag": flag.pk, "kind": flag.kind},
    )
    return True
