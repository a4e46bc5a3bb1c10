"""Writes of the directory: reports of out-of-date details, their resolution, maintainers' edits of entries,
signposting and its outcome.

Every write is one transaction with its audit event. Signposting is part of the
person's care plan, so the access policy must allow the member of staff to see
the care plan before they can add to it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import ask, record_event
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person

from ..models import DetailReport, EntryEdit, Service, Signpost, SignpostOutcome, Status
from .importer import refresh_derived

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
def resolve_report(*, actor: Staff, report_id: int, note: str) -> DetailReport:
    """A maintainer closes a report, saying what they did. Closing does not mark the entry checked: only
    confirming its details on the edit page does (`edit_entry`). Raises DetailReport.DoesNotExist."""
    if not is_maintainer(actor):
        raise Refused("Only directory maintainers can close reports.")
    report = DetailReport.objects.select_for_update().get(pk=report_id)
    if report.resolved_at is not None:
        raise Refused("This report has already been closed.")
    report.resolved_at, report.resolved_by, report.resolution_note = timezone.now(), actor, note.strip()
    report.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    record_event(staff=actor, action=AuditAction.UPDATE, detail={"directory_report": report.pk})
    return report


# The fields of an entry a maintainer may change on the edit page (HSDS names), and its first phone number.
EDITABLE = (
    "name", "status", "description", "eligibility_description", "fees_description", "alert", "url", "email",
)  # fmt: skip


@transaction.atomic
def edit_entry(*, actor: Staff, service_id: str, values: Mapping[str, str], phone: str, confirmed: bool) -> EntryEdit:
    """A maintainer changes an entry's details; `confirmed` says they have checked all of them with the service,
    which alone sets when it was checked. The change is kept, field by field, in the entry's history."""
    if not is_maintainer(actor):
        raise Refused("Only directory maintainers can change directory entries.")
    service = Service.objects.select_for_update().get(pk=service_id)
    record, changes = dict(service.record), {}
    for name in EDITABLE:
        before, after = str(record.get(name, "")), values.get(name, "").strip()
        if before != after:
            changes[name] = [before, after]
            if after:
                record[name] = after
            else:
                record.pop(name, None)
    first_phone = service.phones.order_by("pk").first()
    if first_phone is not None and phone.strip() and first_phone.number != phone.strip():
        changes["phone"] = [first_phone.number, phone.strip()]
        first_phone.number = phone.strip()
        first_phone.record = {**first_phone.record, "number": first_phone.number}
        first_phone.save(update_fields=["number", "record"])
    if not changes and not confirmed:
        raise Refused("Nothing has changed. Change a detail, or confirm that you have checked them all.")
    now = timezone.now()
    if confirmed:
        record["assured_date"], record["assurer_email"] = timezone.localdate().isoformat(), actor.email
        service.assured_date, service.assurer_email = timezone.localdate(), actor.email
    record["last_modified"] = now.isoformat().replace("+00:00", "Z")
    for name in EDITABLE:
        setattr(service, name, record.get(name, Status.ACTIVE if name == "status" else ""))
    service.record = record
    service.save()
    refresh_derived([service.pk], modified=True)
    edit = EntryEdit.objects.create(
        service=service, edited_by=actor, edited_at=now, changes=changes, confirmed=confirmed
    )
    record_event(
        staff=actor, action=AuditAction.UPDATE,
        detail={"directory_entry": service.pk, "fields": sorted(changes), "confirmed": confirmed},
    )  # fmt: skip
    return edit


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
