"""The FHIR API behind the one door: refusals name no one, alerts stay local, categories come from codes, writes ask."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest

from oneteam.access.models import AuditEvent, CareRole, CareTeamMembership, DataCategory
from oneteam.fhir import codes
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Condition, SafetyAlert
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import DischargeHandover, HospitalEvent
from oneteam.referrals.tests.factories import make_front_door

from . import bundles, checks
from .conftest import Api, Place

pytestmark = pytest.mark.django_db


def test_a_refused_read_names_neither_the_person_nor_their_neighbourhood(
    place: Place, api_for: Callable[..., Api]
) -> None:
    person = make_person(place.neighbourhood, given_name="Jake", family_name="Wilson")
    elsewhere = api_for(make_neighbourhood())
    for path in (f"/fhir/Patient/{person.pk}", f"/fhir/Patient/{person.pk}/$everything"):
        response = elsewhere.http.get(path)
        assert response.status_code == 403
        text = response.content.decode()
        assert "Jake" not in text and "Wilson" not in text and place.neighbourhood.name not in text


def test_safety_alerts_go_only_to_clients_of_the_persons_own_neighbourhoods(
    place: Place, api: Api, api_for: Callable[..., Api]
) -> None:
    person = make_person(place.neighbourhood)
    SafetyAlert.objects.create(person=person, kind="dangerous_dog", detail="Large dog", raised_on=datetime.date.today())
    elsewhere = api_for(make_neighbourhood())
    assert elsewhere.http.get(f"/fhir/Flag?patient={person.pk}").status_code == 403
    [alert] = SafetyAlert.objects.all()
    assert elsewhere.http.get(f"/fhir/Flag/{alert.pk}").status_code == 403
    local = api.http.get(f"/fhir/Flag?patient={person.pk}")
    assert local.status_code == 200 and checks.body(local)["total"] == 1


def test_a_condition_is_in_the_category_of_its_code(place: Place, api_for: Callable[..., Api]) -> None:
    person = make_person(place.neighbourhood)
    day = datetime.date(2024, 1, 1)
    schizophrenia = Condition.objects.create(
        person=person, snomed_code="58214004", term="Schizophrenia", recorded_on=day
    )
    Condition.objects.create(person=person, snomed_code="38341003", term="Hypertension", recorded_on=day)
    # District nurses see physical health for their neighbourhood, mental health only for their care team.
    nurse_system = api_for(place.neighbourhood, profession=Profession.DISTRICT_NURSE)

    found = checks.body(nurse_system.http.get(f"/fhir/Condition?patient={person.pk}"))
    assert [entry["resource"]["code"]["coding"][0]["code"] for entry in found["entry"]] == ["38341003"]
    assert nurse_system.http.get(f"/fhir/Condition/{schizophrenia.pk}").status_code == 403
    everything = nurse_system.http.get(f"/fhir/Patient/{person.pk}/$everything").content.decode()
    assert "Hypertension" in everything and "Schizophrenia" not in everything
    refused = AuditEvent.objects.filter(
        staff=nurse_system.client.staff, person_id=person.pk, category=DataCategory.MENTAL_HEALTH, allowed=False
    )
    assert refused.exists()

    CareTeamMembership.objects.create(
        person=person,
        staff=nurse_system.client.staff,
        role=CareRole.ALLOCATED_PROFESSIONAL,
        started_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    assert nurse_system.http.get(f"/fhir/Condition/{schizophrenia.pk}").status_code == 200


@pytest.mark.parametrize("resource", ["condition", "flag"])
def test_a_client_refused_the_record_cannot_write_into_it(
    place: Place, api_for: Callable[..., Api], resource: str
) -> None:
    person = make_person(place.neighbourhood, given_name="Jake", family_name="Wilson")
    elsewhere = api_for(make_neighbourhood())
    assert elsewhere.http.get(f"/fhir/Patient/{person.pk}").status_code == 403
    subject = {"reference": f"Patient?identifier={codes.NHS_NUMBER}|{person.nhs_number}"}
    entry = bundles.condition(subject) if resource == "condition" else bundles.flag(subject)
    document = bundles.bundle("transaction", entry)

    response = elsewhere.http.post("/fhir/", data=json.dumps(document), content_type=codes.FHIR_JSON)

    assert response.status_code == 422
    assert "Wilson" not in response.content.decode()
    assert not Condition.objects.exists() and not SafetyAlert.objects.exists()
    refusal = AuditEvent.objects.filter(staff=elsewhere.client.staff, person_id=person.pk, detail__write=True)
    assert refusal.get().allowed is False


def test_a_client_may_not_write_a_category_it_may_not_see(place: Place, api_for: Callable[..., Api]) -> None:
    person = make_person(place.neighbourhood)
    nurse_system = api_for(place.neighbourhood, profession=Profession.DISTRICT_NURSE)
    subject = {"reference": f"Patient?identifier={codes.NHS_NUMBER}|{person.nhs_number}"}
    mental = bundles.bundle("transaction", bundles.condition(subject, code="13746004", term="Bipolar disorder"))
    response = nurse_system.http.post("/fhir/", data=json.dumps(mental), content_type=codes.FHIR_JSON)
    assert response.status_code == 422
    assert "may not add mental health" in checks.body(response)["issue"][0]["diagnostics"]
    physical = bundles.bundle("transaction", bundles.condition(subject))
    assert nurse_system.http.post("/fhir/", data=json.dumps(physical), content_type=codes.FHIR_JSON).status_code == 200
    assert list(Condition.objects.values_list("snomed_code", flat=True)) == ["13645005"]


def test_a_client_refused_the_record_cannot_send_an_admission_or_discharge_for_it(
    place: Place, api_for: Callable[..., Api]
) -> None:
    person = make_person(place.neighbourhood, given_name="Jake", family_name="Wilson")
    make_front_door(place.neighbourhood)
    elsewhere = api_for(make_neighbourhood())
    encounter = {
        "resourceType": "Encounter",
        "identifier": [{"system": "https://hospital.example/encounters", "value": "ENC-9"}],
        "status": "finished",
        "class": {"system": codes.ACT_CODE, "code": "IMP"},
        "subject": {"identifier": {"system": codes.NHS_NUMBER, "value": person.nhs_number}},
        "period": {"start": "2026-11-01T10:00:00Z", "end": "2026-11-20T15:00:00Z"},
    }

    response = elsewhere.http.post("/fhir/Encounter", data=json.dumps(encounter), content_type=codes.FHIR_JSON)

    assert response.status_code == 403
    assert "Wilson" not in response.content.decode()
    assert not HospitalEvent.objects.exists() and not DischargeHandover.objects.exists()
    assert AuditEvent.objects.filter(staff=elsewhere.client.staff, person_id=person.pk, detail__write=True).exists()
