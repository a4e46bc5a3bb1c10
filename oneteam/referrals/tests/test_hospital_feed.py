"""The hospital feed takes Encounters as hospitals send them (UK Core InpatientEncounter), validates them as FHIR R4,
refuses impossible dates and over-deep JSON with a 400 OperationOutcome, and keeps each stay as a hospital stay."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.people.models import HospitalAdmission, Person
from oneteam.referrals.models import HospitalEvent, HospitalSystem
from oneteam.referrals.services import hospital
from oneteam.risk.models import PersonRisk
from oneteam.risk.services import stratify

from .test_hospital import API, TOKEN, encounter, hospital_organisation, person, send, system

__all__ = ["hospital_organisation", "person", "system"]  # fixtures used here

pytestmark = pytest.mark.django_db

ADMISSION_METHODS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland"
FHIR_ENCOUNTER = reverse("fhir:resource_type", args=["Encounter"])


def inpatient(subject: dict[str, Any], status: str = "in-progress", **changes: Any) -> dict[str, Any]:
    """An Encounter shaped like UK Core's inpatient example: class IMP, the admission method, subject by reference."""
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": [{"system": "https://city-hospital.example/encounters", "value": "IP-2026-0001"}],
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "extension": [
            {
                "url": "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod",
                "valueCodeableConcept": {
                    "coding": [
                        {"system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland", "code": "21"}
                    ]
                },
            }
        ],
        "subject": subject,
        "period": {
            "start": "2026-03-01T09:15:00Z",
            **({"end": "2026-03-04T14:30:00Z"} if status == "finished" else {}),
        },
    }
    return resource | changes


def test_a_subject_given_by_reference_to_a_oneteam_patient_is_taken(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    response = send(client, inpatient({"reference": f"Patient/{person.pk}"}))

    assert response.status_code == 200, response.json()
    assert HospitalEvent.objects.get().person == person


def test_a_subject_given_as_a_contained_patient_with_an_nhs_number_is_taken(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    contained = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": hospital.NHS_NUMBER_SYSTEM, "value": person.nhs_number}],
    }

    response = send(client, inpatient({"reference": "#p1"}, contained=[contained]))

    assert response.status_code == 200, response.json()
    assert HospitalEvent.objects.get().person == person


def test_an_admission_then_a_discharge_is_one_hospital_stay_that_counts_in_risk_and_the_api(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    send(client, inpatient({"reference": f"Patient/{person.pk}"}))
    stay = HospitalAdmission.objects.get(person=person)
    assert (stay.hospital, str(stay.admitted_on), stay.discharged_on) == (system.organisation, "2026-03-01", None)
    assert (stay.method, stay.encounter_class) == ("non_elective", "IMP")

    send(client, inpatient({"reference": f"Patient/{person.pk}"}, status="finished"))

    stay = HospitalAdmission.objects.get(person=person)
    assert str(stay.discharged_on) == "2026-03-04"
    run = stratify.run(as_of=datetime.date(2026, 6, 1))
    assert PersonRisk.objects.get(run=run, person=person).emergency_admissions == 1


def test_a_discharge_without_its_admission_records_the_whole_stay(
    client: Client, system: HospitalSystem, person: Person
) -> None:
    send(client, encounter(person.nhs_number))

    stay = HospitalAdmission.objects.get(person=person)
    assert (str(stay.admitted_on), str(stay.discharged_on)) == ("2026-03-01", "2026-03-04")


@pytest.mark.parametrize(
    ("changes", "expression", "diagnostics"),
    [
        ({"class": "IMP"}, "Encounter.class", "Not valid FHIR R4"),
        (
            {"class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}},
            "Encounter.class",
            "inpatient or emergency",
        ),
        ({"period": {"start": "0001-01-01T00:00:00Z"}}, "Encounter.period.start", "before 1900"),
        ({"period": {"start": "9999-12-31T00:00:00Z"}}, "Encounter.period.start", "in the future"),
        (
            {"status": "finished", "period": {"start": "2026-03-04T09:00:00Z", "end": "2026-03-01T09:00:00Z"}},
            "Encounter.period.end",
            "before period.start",
        ),
        ({"period": {"start": "2026-03-01"}}, "Encounter.period.start", "time zone"),
    ],
)
def test_invalid_or_impossible_encounters_are_refused_with_400_naming_the_element(
    client: Client, system: HospitalSystem, person: Person, changes: dict[str, Any], expression: str, diagnostics: str
) -> None:
    response = send(client, inpatient({"reference": f"Patient/{person.pk}"}) | changes)

    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    issues = response.json()["issue"]
    assert any(issue.get("expression") == [expression] and diagnostics in issue["diagnostics"] for issue in issues), (
        issues
    )
    assert not HospitalEvent.objects.exists() and not HospitalAdmission.objects.exists()


@pytest.mark.parametrize("depth", [40, 100_000])
@pytest.mark.parametrize("url", [API, FHIR_ENCOUNTER])
def test_over_deep_json_is_refused_with_400_not_a_server_error(
    client: Client, system: HospitalSystem, depth: int, url: str
) -> None:
    body = ('{"resourceType": "Encounter", "extension": ' + "[" * depth + "]" * depth + "}").encode()

    response = client.post(
        url, body, content_type="application/fhir+json", headers={"Authorization": f"Bearer {TOKEN}"}
    )

    assert response.status_code == 400
    assert "nested" in json.dumps(response.json())
