"""Admission and discharge notifications from hospital systems, and the discharge handovers they create.

A hospital system sends a FHIR R4 Encounter: status "in-progress" says the person
was admitted, "finished" that they were discharged. An admission tells the
person's key worker; a discharge becomes a handover that a member of the
neighbourhood's front-door team must accept within `HANDOVER_HOURS`, so nobody
discharged falls through.

Each notification is taken once: the same encounter id and kind from the same
system again creates nothing and gets the same answer.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction
from oneteam.access.services import decide_referral, record_event
from oneteam.jinja2 import nhs_datetime
from oneteam.organisations.models import Staff
from oneteam.people import nhs_number
from oneteam.people.models import Person

from .models import (
    DischargeHandover,
    Episode,
    HospitalEvent,
    HospitalEventKind,
    HospitalSystem,
    NoticeKind,
)
from .services import ReferralRefused, front_door, notify

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
HANDOVER_HOURS = 24
_KINDS = {"in-progress": HospitalEventKind.ADMISSION, "finished": HospitalEventKind.DISCHARGE}
# An admission happens when the encounter starts, a discharge when it ends.
_WHEN = {HospitalEventKind.ADMISSION: "start", HospitalEventKind.DISCHARGE: "end"}


@dataclass(frozen=True)
class Issue:
    """One entry of a FHIR OperationOutcome: what is wrong (or what happened), and where."""

    diagnostics: str
    code: str = "invalid"
    severity: str = "error"
    expression: str = ""

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {"severity": self.severity, "code": self.code, "diagnostics": self.diagnostics}
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """A FHIR OperationOutcome resource listing `issues`."""
    return {"resourceType": "OperationOutcome", "issue": [issue.as_fhir() for issue in issues]}


class EncounterRefused(Exception):
    """The notification was not taken; `issues` say why and `status` is the HTTP status to answer with."""

    def __init__(self, status: int, issues: list[Issue]) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.status = status
        self.issues = issues


@dataclass(frozen=True)
class EncounterNotice:
    """What OneTeam needs from an Encounter."""

    external_id: str
    nhs_number: str
    kind: HospitalEventKind
    occurred_at: datetime.datetime


def token_hash(token: str) -> str:
    """What is stored for an API token: its SHA-256, so a copy of the database does not give the token away."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticated_system(authorization: str) -> HospitalSystem | None:
    """The active hospital system whose token is in an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    sent = token_hash(token.strip())
    # Compared in constant time rather than looked up, so the answer's timing says nothing about the
    # stored hashes. There are a handful of hospital systems, so reading them all is cheap.
    for system in HospitalSystem.objects.filter(active=True).select_related("organisation"):
        if hmac.compare_digest(system.token_hash, sent):
            return system
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_encounter(body: bytes) -> EncounterNotice:
    """Read an admission or discharge from a FHIR R4 Encounter in JSON.

    Raises EncounterRefused (400) naming every problem found. No database access,
    so each rule can be tested by table.
    """
    try:
        resource = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise EncounterRefused(400, [Issue(f"The body is not valid JSON: {error}", code="structure")]) from None
    if not isinstance(resource, dict) or resource.get("resourceType") != "Encounter":
        raise EncounterRefused(
            400, [Issue('resourceType must be "Encounter"', code="structure", expression="Encounter.resourceType")]
        )
    issues = []
    identifiers = resource.get("identifier")
    first = _mapping(identifiers[0]) if isinstance(identifiers, list) and identifiers else {}
    external_id = _text(first.get("value"))
    if not external_id or len(external_id) > 200:
        issues.append(
            Issue(
                "identifier[0].value must be your id for this encounter (up to 200 characters)",
                code="required",
                expression="Encounter.identifier[0].value",
            )
        )
    subject = _mapping(_mapping(resource.get("subject")).get("identifier"))
    if subject.get("system") != NHS_NUMBER_SYSTEM:
        issues.append(
            Issue(
                f"subject.identifier.system must be {NHS_NUMBER_SYSTEM}",
                expression="Encounter.subject.identifier.system",
            )
        )
    number = nhs_number.normalise(_text(subject.get("value")))
    if not nhs_number.is_valid(number):
        issues.append(
            Issue("subject.identifier.value is not a valid NHS number", expression="Encounter.subject.identifier.value")
        )
    kind = _KINDS.get(_text(resource.get("status")))
    if kind is None:
        issues.append(
            Issue(
                'status must be "in-progress" (an admission) or "finished" (a discharge)',
                code="value",
                expression="Encounter.status",
            )
        )
    occurred_at = None
    if kind is not None:
        end = _WHEN[kind]
        occurred_at = _datetime(_mapping(resource.get("period")).get(end))
        if occurred_at is None:
            issues.append(
                Issue(
                    f"period.{end} must be a date and time with a time zone, like 2026-03-01T14:30:00Z",
                    code="required",
                    expression=f"Encounter.period.{end}",
                )
            )
    if issues:
        raise EncounterRefused(400, issues)
    assert kind is not None and occurred_at is not None
    return EncounterNotice(external_id=external_id, nhs_number=number, kind=kind, occurred_at=occurred_at)


def _datetime(value: object) -> datetime.datetime | None:
    """A FHIR dateTime with a time and a time zone; a date alone is not precise enough to act on."""
    try:
        parsed = datetime.datetime.fromisoformat(_text(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@transaction.atomic
def receive_encounter(*, system: HospitalSystem, notice: EncounterNotice) -> list[Issue]:
    """Record an admission or discharge and tell whoever must act. Returns what was done, as OperationOutcome issues.

    Raises EncounterRefused (422) if no one with the NHS number is known to
    OneTeam, or the person's neighbourhood has no team to take a discharge.
    """
    person = Person.objects.filter(nhs_number=notice.nhs_number).first()
    if person is None:
        raise EncounterRefused(
            422,
            [
                Issue(
                    "No one with this NHS number is known to OneTeam",
                    code="not-found",
                    expression="Encounter.subject.identifier.value",
                )
            ],
        )
    event, created = HospitalEvent.objects.get_or_create(
        system=system,
        external_id=notice.external_id,
        kind=notice.kind,
        defaults={"person": person, "occurred_at": notice.occurred_at, "received_at": timezone.now()},
    )
    if created:
        if event.kind == HospitalEventKind.ADMISSION:
            _tell_key_worker(event)
        else:
            _hand_over(event)
        record_event(
            staff=None,
            username=f"hospital system {system.organisation.ods_code}",
            action=AuditAction.CREATE,
            person_id=person.pk,
            detail={"hospital_event": event.pk, "kind": event.kind},
        )
    return [_result(event)]


def _tell_key_worker(event: HospitalEvent) -> None:
    episode = Episode.objects.filter(person=event.person, closed_at__isnull=True).select_related("key_worker").first()
    if episode is not None:
        notify(
            episode.key_worker,
            NoticeKind.ADMITTED,
            f"Admitted to {event.system.organisation.name} on {nhs_datetime(event.occurred_at)}.",
            person=event.person,
        )


def _hand_over(event: HospitalEvent) -> None:
    try:
        team = front_door(event.person.practice_neighbourhood)
    except ReferralRefused as refused:
        raise EncounterRefused(422, [Issue(str(refused), code="processing")]) from None
    DischargeHandover.objects.create(
        event=event,
        person=event.person,
        team=team,
        due_at=event.received_at + datetime.timedelta(hours=HANDOVER_HOURS),
    )


def _result(event: HospitalEvent) -> Issue:
    """What was done, worked out from what is stored, so a repeated notification gets the same answer."""
    if event.kind == HospitalEventKind.ADMISSION:
        done = f"Admission {event.external_id} recorded."
    else:
        handover = DischargeHandover.objects.select_related("team").get(event=event)
        done = (
            f"Discharge {event.external_id} recorded: {handover.team.name} must accept the handover "
            f"by {handover.due_at.isoformat()}."
        )
    return Issue(done, code="informational", severity="information")


def overdue(handover: DischargeHandover, now: datetime.datetime | None = None) -> bool:
    """Not accepted, and past the time it should have been."""
    return handover.accepted_at is None and handover.due_at < (now or timezone.now())


def may_accept(staff: Staff, handover: DischargeHandover) -> bool:
    """Any member of the team the handover was sent to may accept it."""
    return staff.teams.filter(pk=handover.team_id).exists()


@transaction.atomic
def accept_discharge_handover(*, actor: Staff, handover: DischargeHandover) -> DischargeHandover:
    """A member of the team takes the person on. If two accept at once, the first wins and the second is told who."""
    handover = (
        DischargeHandover.objects.select_for_update(of=("self",))
        .select_related("team", "accepted_by")
        .get(pk=handover.pk)
    )
    if not may_accept(actor, handover):
        raise ReferralRefused(f"Only members of {handover.team.name} can accept this handover.")
    decision = decide_referral(actor, handover.person, holds=False, offered=True)
    if not decision.allowed:
        raise ReferralRefused(decision.reason)
    if handover.accepted_by is not None:
        assert handover.accepted_at is not None
        raise ReferralRefused(
            f"{handover.accepted_by.get_full_name()} already accepted this handover "
            f"on {nhs_datetime(handover.accepted_at)}."
        )
    handover.accepted_by, handover.accepted_at = actor, timezone.now()
    handover.save(update_fields=["accepted_by", "accepted_at"])
    record_event(
        staff=actor,
        action=AuditAction.UPDATE,
        person_id=handover.person_id,
        detail={"discharge_handover": handover.pk, "step": "accepted"},
    )
    return handover
