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
import hmac
import json
from dataclasses import dataclass
from typing import Any

import pydantic
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B.encounter import Encounter as FhirEncounter

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import Decision, may_contribute_as_system, record_event
from oneteam.jinja2 import nhs_datetime
from oneteam.people import encounters, nhs_number
from oneteam.people.models import AdmissionMethod, EncounterClass, Person
from oneteam.people.services import record_hospital_stay

from ..models import (
    DischargeHandover,
    Episode,
    HospitalEvent,
    HospitalEventKind,
    HospitalSystem,
    NoticeKind,
)
from . import ReferralRefused, front_door, notify, token_hash

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
    """What OneTeam needs from an Encounter: whose stay (NHS number, or OneTeam's Patient id), when, and what kind."""

    external_id: str
    nhs_number: str
    kind: HospitalEventKind
    occurred_at: datetime.datetime
    admitted_at: datetime.datetime | datetime.date | None = None
    person_id: int | None = None
    encounter_class: str = EncounterClass.INPATIENT
    method: str = AdmissionMethod.NON_ELECTIVE


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


# FHIR itself never nests an Encounter this deep; deeper JSON is refused before anything reads it.
MAX_DEPTH = 32
EARLIEST = datetime.date(1900, 1, 1)
# A sender's clock may run a little ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def parse_encounter(body: bytes, *, now: datetime.datetime | None = None) -> EncounterNotice:
    """Read an admission or discharge from a FHIR R4 Encounter in JSON.

    The resource must be valid FHIR R4 (checked with `fhir.resources`) and an
    inpatient or emergency stay; its dates no earlier than 1900, not in the future,
    and not ending before they start. Raises EncounterRefused (400) naming every
    problem found. No database access, so each rule can be tested by table.
    """
    resource = _json(body)
    issues = _fhir_issues(resource)
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
    number, person_id = _subject(resource, issues)
    kind = _KINDS.get(_text(resource.get("status")))
    if kind is None:
        issues.append(
            Issue(
                'status must be "in-progress" (an admission) or "finished" (a discharge)',
                code="value",
                expression="Encounter.status",
            )
        )
    if resource.get("class") is not None and not encounters.is_hospital_stay(resource):
        issues.append(
            Issue(
                "class must be an inpatient or emergency encounter (v3 ActCode IMP, ACUTE, NONAC or EMER): "
                "other encounters are not hospital stays",
                code="value",
                expression="Encounter.class",
            )
        )
    occurred_at, admitted_at = _period(resource, kind, issues, now or timezone.now())
    if issues:
        raise EncounterRefused(400, issues)
    assert kind is not None and occurred_at is not None
    return EncounterNotice(
        external_id=external_id,
        nhs_number=number,
        kind=kind,
        occurred_at=occurred_at,
        admitted_at=admitted_at,
        person_id=person_id,
        encounter_class=encounters.encounter_class(resource),
        method=encounters.admission_method(resource),
    )


def _json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object that says it is an Encounter, nested no deeper than `MAX_DEPTH`."""
    try:
        resource = json.loads(body)
    except RecursionError:
        raise EncounterRefused(400, [Issue("The body is nested too deeply", code="too-costly")]) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise EncounterRefused(400, [Issue(f"The body is not valid JSON: {error}", code="structure")]) from None
    if _depth(resource) > MAX_DEPTH:
        raise EncounterRefused(400, [Issue(f"The body is nested more than {MAX_DEPTH} levels deep", code="too-costly")])
    if not isinstance(resource, dict) or resource.get("resourceType") != "Encounter":
        raise EncounterRefused(
            400, [Issue('resourceType must be "Encounter"', code="structure", expression="Encounter.resourceType")]
        )
    return resource


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a JSON value (counted without recursion)."""
    deepest, waiting = 0, [(value, 1)]
    while waiting:
        item, level = waiting.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            waiting.extend((child, level + 1) for child in children)
    return deepest


def _fhir_issues(resource: dict[str, Any]) -> list[Issue]:
    """What `fhir.resources` finds wrong with the Encounter as FHIR R4, each with the element's path."""
    try:
        FhirEncounter.model_validate(resource)
    except pydantic.ValidationError as error:
        return [
            Issue(
                f"Not valid FHIR R4: {problem['msg']}",
                code="structure",
                expression="Encounter." + ".".join(str(part) for part in problem["loc"]),
            )
            for problem in error.errors()
        ]
    return []


def _subject(resource: dict[str, Any], issues: list[Issue]) -> tuple[str, int | None]:
    """Whose stay: an NHS number (subject.identifier, or a contained Patient), or OneTeam's Patient id (reference)."""
    subject = _mapping(resource.get("subject"))
    reference = _text(subject.get("reference"))
    identifier = _mapping(subject.get("identifier"))
    if not identifier and reference.startswith("#"):
        contained = [_mapping(c) for c in resource.get("contained") or [] if isinstance(c, dict)]
        patient = next((c for c in contained if f"#{_text(c.get('id'))}" == reference), {})
        found = [_mapping(i) for i in patient.get("identifier") or []]
        identifier = next((i for i in found if i.get("system") == NHS_NUMBER_SYSTEM), {})
    if not identifier and reference:
        kind, _, number = reference.rstrip("/").rpartition("/")
        if kind.endswith("Patient") and number.isdigit() and len(number) < 19:
            return "", int(number)
        issues.append(
            Issue(
                "subject.reference must be Patient/<id of a Patient OneTeam holds>, or give subject.identifier "
                "with the NHS number",
                expression="Encounter.subject.reference",
            )
        )
        return "", None
    if identifier.get("system") != NHS_NUMBER_SYSTEM:
        issues.append(
            Issue(
                f"subject.identifier.system must be {NHS_NUMBER_SYSTEM}",
                expression="Encounter.subject.identifier.system",
            )
        )
    number = nhs_number.normalise(_text(identifier.get("value")))
    if not nhs_number.is_valid(number):
        issues.append(
            Issue("subject.identifier.value is not a valid NHS number", expression="Encounter.subject.identifier.value")
        )
    return number, None


def _period(
    resource: dict[str, Any], kind: HospitalEventKind | None, issues: list[Issue], now: datetime.datetime
) -> tuple[datetime.datetime | None, datetime.datetime | datetime.date | None]:
    """When the event happened (start for an admission, end for a discharge) and when the stay began."""
    period = _mapping(resource.get("period"))
    start_text = _text(period.get("start"))
    start = _datetime(start_text) or _date(start_text)
    if start is None:
        issues.append(
            Issue(
                "period.start must be the date (and time, with a time zone) the stay began",
                code="required",
                expression="Encounter.period.start",
            )
        )
    end = _datetime(period.get("end")) if period.get("end") else None
    occurred_at = None
    if kind is not None:
        edge = _WHEN[kind]
        occurred_at = _datetime(period.get(edge))
        if occurred_at is None:
            issues.append(
                Issue(
                    f"period.{edge} must be a date and time with a time zone, like 2026-03-01T14:30:00Z",
                    code="required",
                    expression=f"Encounter.period.{edge}",
                )
            )
    for edge, when in (("start", start), ("end", end)):
        if when is not None and _day(when) < EARLIEST:
            issues.append(Issue(f"period.{edge} is before 1900", code="value", expression=f"Encounter.period.{edge}"))
        elif when is not None and _is_future(when, now):
            issues.append(Issue(f"period.{edge} is in the future", code="value", expression=f"Encounter.period.{edge}"))
    if start is not None and end is not None and _is_before(end, start):
        issues.append(Issue("period.end is before period.start", code="value", expression="Encounter.period.end"))
    return occurred_at, start


def _day(when: datetime.datetime | datetime.date) -> datetime.date:
    return when.date() if isinstance(when, datetime.datetime) else when


def _is_future(when: datetime.datetime | datetime.date, now: datetime.datetime) -> bool:
    if isinstance(when, datetime.datetime):
        return when > now + CLOCK_SKEW
    return when > timezone.localdate(now)


def _is_before(end: datetime.datetime, start: datetime.datetime | datetime.date) -> bool:
    return end < start if isinstance(start, datetime.datetime) else end.date() < start


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _datetime(value: object) -> datetime.datetime | None:
    """A FHIR dateTime with a time and a time zone; a date alone is not precise enough to act on."""
    try:
        parsed = datetime.datetime.fromisoformat(_text(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


# What a refused notification is told: the same words whoever it was about, naming no one.
REFUSED = "You may not add hospital stays to this record. Nothing was recorded."


def receive_encounter(*, system: HospitalSystem, notice: EncounterNotice) -> list[Issue]:
    """Record an admission or discharge and tell whoever must act. Returns what was done, as OperationOutcome issues.

    Raises EncounterRefused (422) if no one with the NHS number is known to
    OneTeam, or the person's neighbourhood has no team to take a discharge; and
    (403) if the access policy does not let the system add hospital stays to the
    person's record: that refusal is audited and nothing is written.
    """
    people = (
        Person.objects.filter(pk=notice.person_id)
        if notice.person_id
        else Person.objects.filter(nhs_number=notice.nhs_number)
    )
    person = people.first()
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
    decision = may_contribute_as_system(
        organisation=system.organisation,
        system_name=_sender(system),
        person=person,
        category=DataCategory.PHYSICAL_HEALTH,
        detail={"hospital_system": system.pk, "kind": notice.kind},
    )
    if not decision.allowed:
        raise EncounterRefused(403, [Issue(REFUSED, code="forbidden")])
    return _take(system, notice, person, decision)


def _sender(system: HospitalSystem) -> str:
    """Who the audit log says acted: the system, by its organisation's ODS code."""
    return f"hospital system {system.organisation.ods_code}"


@transaction.atomic
def _take(system: HospitalSystem, notice: EncounterNotice, person: Person, decision: Decision) -> list[Issue]:
    """Record the notification the policy allowed, once, and audit it with the policy's reason."""
    event, created = HospitalEvent.objects.get_or_create(
        system=system,
        external_id=notice.external_id,
        kind=notice.kind,
        defaults={"person": person, "occurred_at": notice.occurred_at, "received_at": timezone.now()},
    )
    if created:
        _record_stay(event, notice)
        due_at = None if event.kind == HospitalEventKind.ADMISSION else _hand_over(event).due_at
        _tell_key_worker(event, due_at)
        record_event(
            staff=None,
            username=_sender(system),
            action=AuditAction.CREATE,
            person_id=person.pk,
            category=DataCategory.PHYSICAL_HEALTH,
            purpose=Purpose.DIRECT_CARE,
            allowed=True,
            reason=decision.reason,
            detail={"hospital_event": event.pk, "kind": event.kind},
        )
    return [_result(event)]


def _record_stay(event: HospitalEvent, notice: EncounterNotice) -> None:
    """Keep the stay with the person's other hospital stays (risk, outcomes, /fhir/Encounter).

    An admission opens a stay at the sending hospital; a discharge closes the open
    stay that began that day, or records the whole stay if the admission never came.
    """
    assert notice.admitted_at is not None
    admitted_on = _local_day(notice.admitted_at)
    discharged_on = _local_day(notice.occurred_at) if event.kind == HospitalEventKind.DISCHARGE else None
    record_hospital_stay(
        person=event.person,
        hospital=event.system.organisation,
        admitted_on=admitted_on,
        method=notice.method,
        encounter_class=notice.encounter_class,
        discharged_on=discharged_on,
    )


def _local_day(when: datetime.datetime | datetime.date) -> datetime.date:
    return timezone.localdate(when) if isinstance(when, datetime.datetime) else when


def _tell_key_worker(event: HospitalEvent, handover_due_at: datetime.datetime | None) -> None:
    """Tell the person's key worker of an admission or a discharge, naming the hospital itself."""
    episode = Episode.objects.filter(person=event.person, closed_at__isnull=True).select_related("key_worker").first()
    if episode is None:
        return
    hospital, when = event.system.organisation.name, nhs_datetime(event.occurred_at)
    if handover_due_at is None:
        notify(episode.key_worker, NoticeKind.ADMITTED, f"Admitted to {hospital} on {when}.", person=event.person)
    else:
        notify(
            episode.key_worker,
            NoticeKind.DISCHARGED,
            f"Discharged from {hospital} on {when}. The team must accept the handover by "
            f"{nhs_datetime(handover_due_at)}.",
            person=event.person,
        )


def _hand_over(event: HospitalEvent) -> DischargeHandover:
    try:
        team = front_door(event.person.practice_neighbourhood or event.person.ward_neighbourhood)
    except ReferralRefused as refused:
        raise EncounterRefused(422, [Issue(str(refused), code="processing")]) from None
    return DischargeHandover.objects.create(
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
