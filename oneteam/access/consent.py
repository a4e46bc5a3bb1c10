"""Writes of the person's wishes: consent decisions and objections. Each takes effect at once."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import AuditAction, ConsentDecision, ConsentStatus, DataCategory, Objection, Purpose
from .policy import decide, forget
from .services import record_event


def _require_record_access(actor: Staff, person: Person) -> None:
    # Recording someone's wishes means seeing their record: the same rule applies.
    decision = decide(actor, person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)


@transaction.atomic
def record_consent(
    *, actor: Staff, person: Person, status: ConsentStatus, categories: Sequence[DataCategory], note: str
) -> ConsentDecision:
    """Record the person's decision about sharing with their neighbourhood team. It replaces any earlier one."""
    _require_record_access(actor, person)
    decision = ConsentDecision.objects.create(
        person=person,
        status=status,
        categories=[category.value for category in categories],
        recorded_by=actor,
        recorded_at=timezone.now(),
        note=note,
    )
    record_event(
        staff=actor,
        action=AuditAction.CONSENT_RECORDED,
        person_id=person.pk,
        detail={"status": status.value, "categories": decision.categories},
    )
    forget(actor, person)
    return decision


@transaction.atomic
def record_objection(*, actor: Staff, person: Person, category: DataCategory, sector: str, note: str) -> Objection:
    """Record that the person objects to sharing one category, with everyone or with one sector."""
    _require_record_access(actor, person)
    objection = Objection.objects.create(
        person=person, category=category, sector=sector, recorded_by=actor, recorded_at=timezone.now(), note=note
    )
    record_event(
        staff=actor,
        action=AuditAction.OBJECTION_RECORDED,
        person_id=person.pk,
        category=category,
        detail={"sector": sector or "all"},
    )
    forget(actor, person)
    return objection


@transaction.atomic
def withdraw_objection(*, actor: Staff, objection: Objection) -> None:
    """The person no longer objects."""
    _require_record_access(actor, objection.person)
    objection.withdrawn_at = timezone.now()
    objection.save(update_fields=["withdrawn_at"])
    record_event(
        staff=actor,
        action=AuditAction.OBJECTION_RECORDED,
        person_id=objection.person_id,
        category=objection.category,
        detail={"withdrawn": True},
    )
    forget(actor, objection.person)
