"""Admission and discharge notifications from hospital systems, and accepting discharge handovers."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditEvent
from oneteam.organisations.models import Neighbourhood, Organisation, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_organisation, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person, next_nhs_number
from oneteam.referrals.models import (
    DischargeHandover,
    Episode,
    HospitalEvent,
    HospitalEventKind,
    HospitalSystem,
    Notice,
    NoticeKind,
)
from oneteam.referrals.services import hospital, token_hash

pytestmark = pytest.mark.django_db

API = reverse("referrals_public:hospital_encounters")
TOKEN = "a-token-only-the-hospital-knows"


# `home` and `front_door` come from this folder's conftest.py.


@pytest.fixture
def hospital_organisation() -> Organisation:
    return make_organisation(Sector.ACUTE_HOSPITAL)


@pytest.fixture
def system(hospital_organisation: Organisation) -> HospitalSystem:
    return HospitalSystem.objects.create(
        name="City Hospital PAS",
        organisation=hospital_organisation,
        token_hash=token_hash(TOKEN),
        created_at=timezone.now(),
    )


@pytest.fixture
def person(home: Neighbourhood, front_door: Team) -> Person:
    return make_person(home)


@pytest.fixture
def member(home: Neighbourhood, front_door: Team) -> Staff:
    staff = make_staff(home)
    staff.teams.add(front_door)
    return staff


def encounter(nhs_number: str, status: str = "finished", encounter_id: str = "ENC-1") -> dict[str, Any]:
    """A FHIR R4 Encounter as a hospital would send it."""
    return {
        "resourceType": "Encounter",
        "identifier": [{"system": "https://city-hospital.example/encounters", "value": encounter_id}],
        "status": status,
        "class": {"code": "IMP"},
        "subject": {"identifier": {"system": hospital.NHS_NUMBER_SYSTEM, "value": nhs_number}},
        "period": {"start": "2026-03-01T09:15:00+00:00", "end": "2026-03-04T14:30:00Z"},
    }


def send(client: Client, body: object, token: str | None = TOKEN) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(API, raw, content_type="application/fhir+json", headers=headers)


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (HospitalEvent, DischargeHandover, Notice, AuditEvent))


@pytest.mark.parametrize("authorization", [None, "Bearer not-the-token", f"Basic {TOKEN}", "Bearer "])
def test_a_missing_or_wrong_token_is_refused_and_changes_nothing(
    client: Client, system: HospitalSystem, person: Person, authorization: str | None
) -> None:
    before = row_counts()
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(
        API, json.dumps(encounter(person.nhs_number)), content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "login"
    assert row_counts() == before


def test_a_withdrawn_system_is_refused(client: Client, system: HospitalSystem, person: Person) -> None:
    HospitalSystem.objects.filter(pk=system.pk).update(active=False)
    assert send(client, encounter(person.nhs_number)).status_code == 401


def test_a_discharge_creates_a_handover_for_the_front_door_team_due_in_24_hours(
    client: Client, system: HospitalSystem, person: Person, front_door: Team, member: Staff
) -> None:
    response = send(client, encounter(person.nhs_number))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["severity"] == "information"

    handover = DischargeHandover.objects.get(team=front_door, person=person, accepted_at__isnull=True)
    assert handover.event.kind == HospitalEventKind.DISCHARGE
    assert handover.event.occurred_at == datetime.datetime(2026, 3, 4, 14, 30, tzinfo=datetime.UTC)
    assert handover.due_at == handover.event.received_at + datetime.timedelta(hours=24)
    assert AuditEvent.objects.filter(person_id=person.pk, detail__hospital_event=handover.event.pk).exists()

    client.force_login(member)
    page = client.get(reverse("referrals_public:discharge_handover", args=[handover.pk])).content.decode()
    assert "Waiting to be accepted" in page and person.family_name.upper() in page


def test_an_admission_tells_the_key_worker(
    client: Client, system: HospitalSystem, person: Person, home: Neighbourhood
) -> None:
    key_worker = make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)
    assert send(client, encounter(person.nhs_number, status="in-progress")).status_code == 200
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.person) == (key_worker, NoticeKind.ADMITTED, person)
    assert notice.text == f"Admitted to {system.organisation.name} on 1 March 2026 at 9:15am."
    assert not DischargeHandover.objects.exists()


def test_an_admission_of_someone_without_a_key_worker_is_recorded(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    assert send(client, encounter(person.nhs_number, status="in-progress")).status_code == 200
    assert HospitalEvent.objects.get().kind == HospitalEventKind.ADMISSION
    assert not Notice.objects.exists()


def test_the_same_notification_twice_creates_nothing_new_and_gets_the_same_answer(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    first = send(client, encounter(person.nhs_number))
    counts = row_counts()
    again = send(client, encounter(person.nhs_number))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert row_counts() == counts
    send(client, encounter(person.nhs_number, status="in-progress"))  # the admission of the same encounter is new
    assert HospitalEvent.objects.count() == 2


def _without(field: str) -> dict[str, Any]:
    body = encounter("9990000018")
    body.pop(field)
    return body


@pytest.mark.parametrize(
    ("body", "expression", "diagnostics"),
    [
        (b"{not json", None, "not valid JSON"),
        ([1, 2], "Encounter.resourceType", 'resourceType must be "Encounter"'),
        ({"resourceType": "Patient"}, "Encounter.resourceType", 'resourceType must be "Encounter"'),
        (_without("identifier"), "Encounter.identifier[0].value", "identifier[0].value must be"),
        (encounter("123 456 7890"), "Encounter.subject.identifier.value", "not a valid NHS number"),
        (
            encounter("9990000018") | {"subject": {"identifier": {"system": "urn:local", "value": "9990000018"}}},
            "Encounter.subject.identifier.system",
            "https://fhir.nhs.uk/Id/nhs-number",
        ),
        (encounter("9990000018", status="planned"), "Encounter.status", '"in-progress" (an admission)'),
        (encounter("9990000018") | {"period": {"start": "2026-03-01T09:15:00Z"}}, "Encounter.period.end", "time zone"),
        (encounter("9990000018") | {"period": {"end": "2026-03-04"}}, "Encounter.period.end", "time zone"),
        (
            encounter("9990000018", status="in-progress") | {"period": {"start": "2026-03-01T09:15:00"}},
            "Encounter.period.start",
            "time zone",
        ),
    ],
)
def test_a_malformed_notification_is_refused_naming_the_field(
    client: Client, system: HospitalSystem, body: object, expression: str | None, diagnostics: str
) -> None:
    before = row_counts()
    response = send(client, body)
    assert response.status_code == 400
    issues = response.json()["issue"]
    assert any(diagnostics in issue["diagnostics"] for issue in issues), issues
    if expression:
        assert [expression] in [issue.get("expression") for issue in issues]
    assert row_counts() == before


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(hospital.EncounterRefused) as refused:
        hospital.parse_encounter(b'{"resourceType": "Encounter", "status": "cancelled"}')
    assert [issue.expression for issue in refused.value.issues] == [
        "Encounter.class",  # required in FHIR R4
        "Encounter.identifier[0].value",
        "Encounter.subject.identifier.system",
        "Encounter.subject.identifier.value",
        "Encounter.status",
        "Encounter.period.start",
    ]


def test_someone_unknown_to_oneteam_is_refused_with_422(client: Client, system: HospitalSystem) -> None:
    response = send(client, encounter(next_nhs_number()))
    assert response.status_code == 422
    assert response.json()["issue"][0]["code"] == "not-found"
    assert not HospitalEvent.objects.exists()


def test_a_discharge_with_no_team_to_take_it_is_refused_and_changes_nothing(
    client: Client, system: HospitalSystem
) -> None:
    person = make_person(make_neighbourhood())  # a neighbourhood with no front door
    before = row_counts()
    response = send(client, encounter(person.nhs_number))
    assert response.status_code == 422
    assert "no team taking referrals" in response.json()["issue"][0]["diagnostics"]
    assert row_counts() == before


def test_create_hospital_system_shows_the_token_once_and_keeps_only_its_hash(
    client: Client, hospital_organisation: Organisation, person: Person
) -> None:
    out = io.StringIO()
    call_command("create_hospital_system", "City Hospital PAS", str(hospital_organisation.ods_code).lower(), stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    system = HospitalSystem.objects.get()
    assert system.organisation == hospital_organisation
    assert system.token_hash == token_hash(token) != token
    assert len(token) >= 40
    assert send(client, encounter(person.nhs_number), token=token).status_code == 200

    with pytest.raises(CommandError, match="No organisation has the ODS code"):
        call_command("create_hospital_system", "Nowhere", "ZZZ99", stdout=io.StringIO())
