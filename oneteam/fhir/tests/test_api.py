"""The FHIR API: tokens, the access policy, audit, UK Core resources, imports and the hospital feed."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneteam.access.models import AuditEvent, CareRole, CareTeamMembership, ConsentDecision, ConsentStatus
from oneteam.fhir import codes
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Condition, HospitalAdmission, Person, SafetyAlert
from oneteam.people.tests.factories import make_person, next_nhs_number
from oneteam.referrals.models import DischargeHandover, HospitalSystem
from oneteam.referrals.queries import care_staff
from oneteam.referrals.services import token_hash
from oneteam.referrals.tests.factories import make_front_door, make_referral

from . import bundles, checks
from .conftest import Api, Place

pytestmark = pytest.mark.django_db


def test_metadata_is_a_capability_statement_naming_uk_core_profiles() -> None:
    response = Client().get("/fhir/metadata")

    statement = checks.body(response)
    assert response.status_code == 200 and statement["fhirVersion"] == "4.0.1"
    served = {entry["type"]: entry for entry in statement["rest"][0]["resource"]}
    assert served["Patient"]["profile"] == codes.profile("Patient")
    assert {"Condition", "Encounter", "CareTeam", "ServiceRequest", "Consent", "Flag", "Organization"} <= set(served)


def test_no_token_is_401_operation_outcome_and_audited(place: Place) -> None:
    person = make_person(place.neighbourhood)
    for authorization in ("", "Bearer not-a-real-token"):
        response = Client(HTTP_AUTHORIZATION=authorization).get(f"/fhir/Patient/{person.pk}")

        outcome = checks.body(response)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
        assert outcome["issue"][0]["code"] == "login"
        event = checks.last_event()
        assert (event.action, event.allowed, event.detail["status"]) == ("denied", False, 401)


def test_another_organisations_token_outside_its_scope_is_403_and_audited(
    place: Place, api_for: Callable[..., Api]
) -> None:
    person = make_person(place.neighbourhood, address_line_1="7 Secret Lane")
    elsewhere = api_for(make_neighbourhood())

    for path in (
        f"/fhir/Patient/{person.pk}",
        f"/fhir/Condition?patient={person.pk}",
        f"/fhir/Patient/{person.pk}/$everything",
    ):
        refused_before = AuditEvent.objects.filter(person_id=person.pk, action="denied").count()
        response = elsewhere.http.get(path)

        assert response.status_code == 403, path
        assert AuditEvent.objects.filter(person_id=person.pk, action="denied").count() > refused_before, path
        assert checks.body(response)["issue"][0]["code"] == "forbidden"
        assert "Secret Lane" not in response.content.decode()
        assert (checks.last_event().staff, checks.last_event().detail["status"]) == (elsewhere.client.staff, 403)


def test_malformed_json_is_400_and_audited(api: Api) -> None:
    response = api.http.post("/fhir/", data=b"{this is not json", content_type=codes.FHIR_JSON)

    assert response.status_code == 400
    assert "not valid JSON" in checks.body(response)["issue"][0]["diagnostics"]
    event = checks.last_event()
    assert (event.action, event.staff, event.detail["status"]) == ("denied", api.client.staff, 400)


def test_a_hospital_feed_token_cannot_read_records(place: Place) -> None:
    HospitalSystem.objects.create(
        name="Feed only", organisation=place.hospital, token_hash=token_hash("feed-token"), created_at=timezone.now()
    )
    person = make_person(place.neighbourhood)

    response = Client(HTTP_AUTHORIZATION="Bearer feed-token").get(f"/fhir/Patient/{person.pk}")

    assert response.status_code == 403
    assert checks.last_event().detail["status"] == 403


def test_patient_read_carries_uk_core_identifiers_and_extensions(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood, ethnic_category="H")

    response = api.http.get(f"/fhir/Patient/{person.pk}")

    patient = checks.body(response)
    [identifier] = patient["identifier"]
    assert (identifier["system"], identifier["value"]) == (codes.NHS_NUMBER, person.nhs_number)
    assert identifier["extension"][0]["url"] == codes.NHS_NUMBER_VERIFICATION
    ethnic = next(e for e in patient["extension"] if e["url"] == codes.ETHNIC_CATEGORY)
    assert ethnic["valueCodeableConcept"]["coding"][0] == {
        "system": codes.ETHNIC_CATEGORY_SYSTEM,
        "code": "H",
        "display": "Asian or Asian British – Indian",
    }
    assert person.gp_practice is not None
    assert patient["generalPractitioner"][0]["identifier"]["value"] == person.gp_practice.ods_code
    event = AuditEvent.objects.get(person_id=person.pk)
    assert (event.action, event.category, event.purpose, event.staff) == (
        "view",
        "demographics",
        "direct_care",
        api.client.staff,
    )


def test_patient_search_by_nhs_number_name_and_birth_date_shows_only_people_in_scope(place: Place, api: Api) -> None:
    mine = make_person(place.neighbourhood, family_name="Baxter", date_of_birth=datetime.date(1940, 1, 2))
    make_person(make_neighbourhood(), family_name="Baxter", date_of_birth=datetime.date(1940, 1, 2))

    by_number = api.http.get("/fhir/Patient", {"identifier": f"{codes.NHS_NUMBER}|{mine.nhs_number}"})
    by_name = api.http.get("/fhir/Patient", {"name": "bax", "birthdate": "1940-01-02"})

    assert [p["id"] for p in checks.entries(by_number)] == [str(mine.pk)]
    assert [p["id"] for p in checks.entries(by_name)] == [str(mine.pk)]
    assert AuditEvent.objects.filter(action="search", staff=api.client.staff).count() == 2
    # The person outside the system's scope was asked about, refused, and the refusal audited.
    assert AuditEvent.objects.filter(action="denied", staff=api.client.staff).count() == 1


def test_search_needs_known_parameters(api: Api) -> None:
    assert api.http.get("/fhir/Patient").status_code == 400
    assert api.http.get("/fhir/Patient", {"colour": "blue"}).status_code == 400
    assert api.http.get("/fhir/Patient", {"identifier": "123"}).status_code == 400
    assert api.http.get("/fhir/Condition").status_code == 400
    assert api.http.get("/fhir/Spaceship/1").status_code == 404


def _person_with_everything(place: Place) -> Person:
    person = make_person(place.neighbourhood)
    Condition.objects.create(
        person=person, snomed_code="38341003", term="Hypertension", recorded_on=datetime.date(2020, 1, 1)
    )
    HospitalAdmission.objects.create(
        person=person, hospital=place.hospital, method="non_elective", admitted_on=datetime.date(2026, 3, 1)
    )
    SafetyAlert.objects.create(person=person, kind="infection_risk", detail="MRSA", raised_on=datetime.date(2026, 1, 1))
    nurse = make_staff(place.neighbourhood)
    CareTeamMembership.objects.create(person=person, staff=nurse, role=CareRole.KEY_WORKER, started_at=timezone.now())
    ConsentDecision.objects.create(
        person=person, status=ConsentStatus.GIVEN, recorded_by=nurse, recorded_at=timezone.now()
    )
    make_front_door(place.neighbourhood)
    make_referral(place.neighbourhood, person=person, referred_by=nurse)
    return person


def test_each_resource_type_is_read_and_searched_by_patient(place: Place, api: Api) -> None:
    person = _person_with_everything(place)

    for resource_type in ("Condition", "Encounter", "Flag", "CareTeam", "ServiceRequest", "Consent"):
        found = checks.entries(api.http.get(f"/fhir/{resource_type}", {"patient": person.pk}))
        assert len(found) == 1, resource_type
        read = checks.body(api.http.get(f"/fhir/{resource_type}/{found[0]['id']}"))
        assert read == found[0]
        subject = read["subject"] if "subject" in read else read["patient"]
        assert subject["identifier"]["value"] == person.nhs_number


def test_everything_returns_the_person_their_records_and_organisations(place: Place, api: Api) -> None:
    person = _person_with_everything(place)

    found = checks.entries(api.http.get(f"/fhir/Patient/{person.pk}/$everything"))

    types = sorted(resource["resourceType"] for resource in found)
    assert types == sorted(
        [
            "Patient",
            "Condition",
            "Encounter",
            "Flag",
            "CareTeam",
            "ServiceRequest",
            "Consent",
            "Organization",
            "Organization",
        ]
    )


def test_everything_leaves_out_what_the_policy_refuses(place: Place, api_for: Callable[..., Api]) -> None:
    person = _person_with_everything(place)
    # Administrators see demographics, and safety alerts are shown to everyone, but nothing clinical.
    admin = api_for(place.neighbourhood, profession=Profession.ADMINISTRATOR)

    found = checks.entries(admin.http.get(f"/fhir/Patient/{person.pk}/$everything"))

    assert sorted({resource["resourceType"] for resource in found}) == ["Consent", "Flag", "Organization", "Patient"]
    assert AuditEvent.objects.filter(person_id=person.pk, staff=admin.client.staff, action="denied").exists()


def test_post_transaction_bundle_imports_and_answers_per_entry(place: Place, api: Api) -> None:
    number = next_nhs_number()
    uuid = "urn:uuid:5f0c3ab2-6d55-4c54-8cf4-0a4ad1d0c001"
    document = bundles.bundle(
        "transaction",
        {"fullUrl": uuid, "resource": bundles.patient(number, practice=place.practice, lsoa=place.lsoa)},
        bundles.condition({"reference": uuid}),
        {"resourceType": "Observation", "status": "final", "code": {"text": "Pulse"}},
    )

    first = api.http.post("/fhir/", data=json.dumps(document), content_type=codes.FHIR_JSON)
    again = api.http.post("/fhir/", data=json.dumps(document), content_type=codes.FHIR_JSON)

    answer = checks.body(first)
    assert answer["type"] == "transaction-response"
    person = Person.objects.get(nhs_number=number)
    assert [entry["response"]["status"] for entry in answer["entry"]] == ["201 Created", "201 Created", "200 OK"]
    assert answer["entry"][0]["response"]["location"] == f"Patient/{person.pk}"
    assert [entry["response"]["status"] for entry in checks.body(again)["entry"]] == ["200 OK", "200 OK", "200 OK"]
    assert Condition.objects.filter(person=person).count() == 1
    [added] = AuditEvent.objects.filter(person_id=person.pk, action="create")
    assert (added.staff, added.username, added.detail) == (
        api.client.staff,
        api.client.staff.username,
        {"fhir_import": {"Condition": 1, "Patient": 1}},
    )


def test_post_bundle_with_an_invalid_entry_is_refused_whole(place: Place, api: Api) -> None:
    document = bundles.bundle(
        "batch",
        bundles.patient(next_nhs_number(), practice=place.practice, lsoa=place.lsoa),
        bundles.patient("1234567890", practice=place.practice, lsoa=place.lsoa),
    )

    response = api.http.post("/fhir/", data=json.dumps(document), content_type=codes.FHIR_JSON)

    assert response.status_code == 422
    assert (
        "entry 1: Patient.identifier: '1234567890' is not a valid NHS number"
        in checks.body(response)["issue"][0]["diagnostics"]
    )
    assert not Person.objects.exists()


def test_post_ndjson_imports(place: Place, api: Api) -> None:
    number = next_nhs_number()
    body = json.dumps(bundles.patient(number, practice=place.practice, lsoa=place.lsoa)) + "\n"

    response = api.http.post("/fhir/", data=body, content_type=codes.FHIR_NDJSON)

    assert response.status_code == 200
    assert Person.objects.filter(nhs_number=number).exists()


def test_a_read_only_client_may_not_import(place: Place, api_for: Callable[..., Api]) -> None:
    reader = api_for(place.neighbourhood, may_import=False)
    document = bundles.bundle("batch", bundles.patient(next_nhs_number(), practice=place.practice, lsoa=place.lsoa))

    response = reader.http.post("/fhir/", data=json.dumps(document), content_type=codes.FHIR_JSON)

    assert response.status_code == 403
    assert not Person.objects.exists()


def _discharge(nhs_number: str) -> str:
    return json.dumps(
        {
            "resourceType": "Encounter",
            "identifier": [{"system": "https://hospital.example/encounters", "value": "ENC-77"}],
            "status": "finished",
            "class": {"system": codes.ACT_CODE, "code": "IMP"},
            "subject": {"identifier": {"system": codes.NHS_NUMBER, "value": nhs_number}},
            "period": {"start": "2026-11-01T10:00:00Z", "end": "2026-11-20T15:00:00Z"},
        }
    )


def test_post_encounter_feeds_the_same_discharge_handover_flow(place: Place) -> None:
    person = make_person(place.neighbourhood)
    front_door = make_front_door(place.neighbourhood)
    HospitalSystem.objects.create(
        name="City PAS", organisation=place.hospital, token_hash=token_hash("pas-token"), created_at=timezone.now()
    )
    hospital = Client(HTTP_AUTHORIZATION="Bearer pas-token")

    response = hospital.post("/fhir/Encounter", data=_discharge(person.nhs_number), content_type=codes.FHIR_JSON)
    again = hospital.post("/fhir/Encounter", data=_discharge(person.nhs_number), content_type=codes.FHIR_JSON)

    assert response.status_code == 200 and again.status_code == 200
    handover = DischargeHandover.objects.get(person=person)
    assert handover.team == front_door
    assert "must accept the handover" in checks.body(response)["issue"][0]["diagnostics"]


def test_post_encounter_refusals_are_operation_outcomes_and_audited(place: Place, api: Api) -> None:
    response = api.http.post("/fhir/Encounter", data=_discharge("1234567890"), content_type=codes.FHIR_JSON)

    assert response.status_code == 400
    assert checks.body(response)["issue"][0]["expression"] == ["Encounter.subject.identifier.value"]
    assert checks.last_event().detail["status"] == 400


def test_directory_resources(place: Place, api: Api) -> None:
    organisations = checks.entries(
        api.http.get("/fhir/Organization", {"identifier": f"{codes.ODS_CODE}|{place.practice.ods_code}"})
    )
    assert organisations[0]["identifier"][0]["value"] == place.practice.ods_code
    assert organisations[0]["extension"][0]["valueCode"] == place.neighbourhood.code
    read = checks.body(api.http.get(f"/fhir/Organization/{place.hospital.pk}"))
    assert read["name"] == place.hospital.name
    nurse = make_staff(place.neighbourhood)
    practitioner = checks.body(api.http.get(f"/fhir/Practitioner/{nurse.pk}"))
    assert practitioner["identifier"][0]["value"] == nurse.username
    # The system's own service account is not in the staff directory.
    assert api.http.get(f"/fhir/Practitioner/{api.client.staff.pk}").status_code == 404


def test_a_systems_service_account_has_no_password_and_is_not_offered_work(place: Place, api: Api) -> None:
    assert not api.client.staff.has_usable_password()
    nurse = make_staff(place.neighbourhood)
    assert list(care_staff(place.neighbourhood)) == [nurse]


def test_everything_costs_the_same_queries_however_many_records(
    place: Place, api: Api, django_assert_num_queries: Any
) -> None:
    """Invariant 7 for the API: one query per resource type, not per resource."""
    person = _person_with_everything(place)
    api.http.get(f"/fhir/Patient/{person.pk}/$everything")
    with CaptureQueriesContext(connection) as few:
        api.http.get(f"/fhir/Patient/{person.pk}/$everything")
    for day in range(1, 21):
        Condition.objects.create(
            person=person, snomed_code="44054006", term="Diabetes", recorded_on=datetime.date(2021, 1, day)
        )
        SafetyAlert.objects.create(
            person=person, kind="other", detail="Steep steps", raised_on=datetime.date(2021, 1, day)
        )

    with django_assert_num_queries(len(few.captured_queries)):
        response = api.http.get(f"/fhir/Patient/{person.pk}/$everything")

    assert len(checks.entries(response)) == 9 + 40


def test_a_body_too_large_is_413_and_audited(api: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

    response = api.http.post("/fhir/", data=b" " * 1_000_001, content_type=codes.FHIR_JSON)

    assert response.status_code == 413
    assert checks.body(response)["issue"][0]["code"] == "too-costly"
    assert checks.last_event().detail["status"] == 413
