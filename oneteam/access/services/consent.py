"""Writes of the person's wishes: consent decisions and objections. Each takes effect at once."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from ..models import AuditAction, ConsentDecision, ConsentStatus, DataCategory, FlagKind, Objection
from ..policy import forget, in_care_team
from . import gives_direct_care, record_event
from .governance_flags import raise_flag

_REFUSALS = (ConsentStatus.WITHDRAWN, ConsentStatus.DECLINED)


class ConsentRefused(Exception):
    """A consent decision that cannot be recorded as given; `field` is the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def may_record_wishes(actor: Staff, person: Person) -> bool:
    """Only the person's own care team, in a role that gives direct care, records their wishes: they are
    the people the person tells, and what they record opens or closes the record to everyone else.
    """
    return actor.is_active and gives_direct_care(actor) and in_care_team(actor, person)


def _require_care_team(actor: Staff, person: Person) -> None:
    if not may_record_wishes(actor, person):
        raise PermissionDenied("Only staff in the person's care team can record their wishes.")


@dataclass(frozen=True)
class Statement:
    """Who gave a decision, when and how (for example "the person, by phone")."""

    stated_by: str = ""
    stated_on: datetime.date | None = None
    stated_how: str = ""


@transaction.atomic
def record_consent(
    *,
    actor: Staff,
    person: Person,
    status: ConsentStatus,
    categories: Sequence[DataCategory],
    note: str,
    statement: Statement | None = None,
) -> ConsentDecision:
    """Record the person's decision about sharing with their neighbourhood team. It replaces any earlier one.

    Reversing a withdrawal or refusal reopens the record to the wider team, so it needs
    the person's new decision in full (who gave it, when, how: raises ConsentRefused
    naming the missing field) and goes to the IG review queue.
    """
    _require_care_team(actor, person)
    statement = statement or Statement()
    latest = ConsentDecision.objects.filter(person=person).order_by("-recorded_at", "-id").first()
    reverses = latest is not None and latest.status in _REFUSALS and status == ConsentStatus.GIVEN
    if reverses:
        for field, value, problem in (
            ("stated_by", statement.stated_by.strip(), "Enter who gave this decision"),
            ("stated_on", statement.stated_on, "Enter the date they gave this decision"),
            ("stated_how", statement.stated_how.strip(), "Enter how they gave this decision"),
        ):
            if not value:
                raise ConsentRefused(field, problem)
    decision = ConsentDecision.objects.create(
        person=person,
        status=status,
        categories=[category.value for category in categories],
        recorded_by=actor,
        recorded_at=timezone.now(),
        note=note,
        stated_by=statement.stated_by.strip(),
        stated_on=statement.stated_on,
        stated_how=statement.stated_how.strip(),
    )
    if reverses:
        assert latest is not None
        raise_flag(
            kind=FlagKind.CONSENT_REVERSED,
            person=person,
            staff=actor,
            note=f"{latest.get_status_display()} reversed: consent given, said by {decision.stated_by} "
            f"on {decision.stated_on:%d %B %Y}, {decision.stated_how}.",
        )
    record_event(
        staff=actor,
        action=AuditAction.CONSENT_RECORDED,
        person_id=person.pk,
        detail={"status": status.value, "categories": decision.categories, "reverses": reverses},
    )
    forget(actor, person)
    return decision


@transaction.atomic
def record_objection(*, actor: Staff, person: Person, category: DataCategory, sector: str, note: str) -> Objection:
    """Record that the person objects to sharing one category, with everyone or with one sector."""
    _require_care_team(actor, person)
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
    _require_care_team(actor, objection.person)
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
