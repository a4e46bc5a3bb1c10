"""Writes of the directory: reports of out-of-date details, their resolution, signposting and its outcome.

Every write is one transaction with its audit event. Signposting is part of the
person's care plan, so the access policy must allow the member of staff to see
the care plan before they can add to it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import ask, record_event
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person

from .models import DetailReport, Service, Signpost, SignpostOutcome

# Who keeps the directory up to date: administrators, and link workers, who know the community groups best.
MAINTAINERS = frozenset({Profession.ADMINISTRATOR, Profession.VCSE_LINK_WORKER})


class Refused(Exception):
    """The member of staff may not do this, or what they gave is not acceptable; the message says why."""


def is_maintainer(staff: Staff) -> bool:
    """Whether `staff` works the queue of reported out-of-date details."""
    return staff.profession in MAINTAINERS


@transaction.atomic
def report_out_of_date(*, actor: Staff, service: Service, what_is_wrong: str) -> DetailReport:
    """Anyone may say a detail of a directory entry is wrong; the report waits in the maintainers' queue."""
    report = DetailReport.objects.create(
        service=service, reported_by=actor, reported_at=timezone.now(), what_is_wrong=what_is_wrong.strip()
    )
    record_event(staff=actor, action=AuditAction.CREATE, detail={"directory_report": report.pk})
    return report


@transaction.atomic
def resolve_report(*, actor: Staff, report_id: int, note: str, checked: bool) -> DetailReport:
    """A maintainer closes a report, saying what they did; `checked` records that the entry is now verified."""
    if not is_maintainer(actor):
        raise Refused("Only directory maintainers can close reports.")
    report = DetailReport.objects.select_for_update().select_related("service").get(pk=report_id)
    if report.resolved_at is not None:
        raise Refused("This report has already been closed.")
    report.resolved_at, report.resolved_by, report.resolution_note = timezone.now(), actor, note.strip()
    report.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    if checked:
        report.service.assured_date = timezone.localdate()
        report.service.assurer_email = actor.email
        report.service.save(update_fields=["assured_date", "assurer_email"])
    record_event(staff=actor, action=AuditAction.UPDATE, detail={"directory_report": report.pk, "checked": checked})
    return report


def _require_care_plan(actor: Staff, person: Person) -> None:
    decision = ask(actor, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE)
    if not decision.allowed:
        record_event(
            staff=actor,
            action=AuditAction.DENIED,
            person_id=person.pk,
            category=DataCategory.CARE_PLAN,
            purpose=Purpose.DIRECT_CARE,
            allowed=False,
            reason=decision.reason,
        )
        raise Refused(decision.reason)


@transaction.atomic
def signpost(*, actor: Staff, person: Person, service: Service, note: str, follow_up_on: datetime.date) -> Signpost:
    """Record that `actor` pointed `person` to `service`; the follow-up waits in the actor's inbox from its date."""
    _require_care_plan(actor, person)
    if follow_up_on < timezone.localdate():
        raise Refused("The follow-up date must be today or later.")
    made = Signpost.objects.create(
        person=person,
        service=service,
        signposted_by=actor,
        signposted_at=timezone.now(),
        note=note.strip(),
        follow_up_on=follow_up_on,
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        allowed=True,
        detail={"signpost": made.pk},
    )
    return made


@transaction.atomic
def record_outcome(*, actor: Staff, signpost_id: int, outcome: SignpostOutcome, note: str) -> Signpost:
    """Record what came of a signposting. Someone who did not attend needs a reason."""
    made = Signpost.objects.select_for_update().select_related("person").get(pk=signpost_id)
    _require_care_plan(actor, made.person)
    if made.outcome:
        raise Refused("The outcome of this signposting has already been recorded.")
    if outcome == SignpostOutcome.DID_NOT_ATTEND and not note.strip():
        raise Refused("Say why the person did not go.")
    made.outcome, made.outcome_note = outcome, note.strip()
    made.outcome_recorded_at, made.outcome_recorded_by = timezone.now(), actor
    made.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at", "outcome_recorded_by"])
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=made.person_id,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        allowed=True,
        detail={"signpost": made.pk, "outcome": outcome.value},
    )
    return made
