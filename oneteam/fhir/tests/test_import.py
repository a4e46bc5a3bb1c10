"""Importing Bundles and NDJSON: references, matching, skipping, refusing, and importing twice."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from oneteam.access.models import AuditEvent
from oneteam.fhir import codes
from oneteam.fhir.models import Allergy
from oneteam.fhir.services import importing
from oneteam.fhir.services.importing import RESTRATIFY_AT_MOST, Importer
from oneteam.organisations.models import Organisation
from oneteam.people.models import Condition, HospitalAdmission, Person, SafetyAlert
from oneteam.people.tests.factories import make_person, next_nhs_number
from oneteam.risk import queries
from oneteam.risk.models import PersonDeficit, PersonRisk
from oneteam.risk.services import stratify

from . import bundles
from .conftest import Place

pytestmark = pytest.mark.django_db

UUID_ORG = "urn:uuid:0b9e6a4e-3d0f-4b8e-9d43-7c1f2a111111"
UUID_PATIENT = "urn:uuid:0b9e6a4e-3d0f-4b8e-9d43-7c1f2a222222"


def _import(document: dict[str, object]) -> Importer:
    importer = Importer()
    importer.import_json("test.json", json.dumps(document))
    return importer


def _full_bundle(place: Place, number: str) -> dict[str, object]:
    """A transaction: a new hospital and a new person, referred to by urn:uuid, with their records."""
    subject, hospital = {"reference": UUID_PATIENT}, {"reference": UUID_ORG}
    return bundles.bundle(
        "transaction",
        bundles.organization("RXX01", full_url=UUID_ORG),
        {"fullUrl": UUID_PATIENT, "resource": bundles.patient(number, practice=place.practice, lsoa=place.lsoa)},
        bundles.condition(subject),
        bundles.encounter(subject, hospital, end="2026-10-05T12:00:00Z"),
        bundles.flag(subject),
        bundles.allergy(subject),
        bundles.repeat_prescription(subject, "322236009"),
        bundles.repeat_prescription(subject, "376988009"),
    )


def test_transaction_bundle_resolves_urn_uuid_references(place: Place) -> None:
    number = next_nhs_number()
    importer = _import(_full_bundle(place, number))

    assert importer.report.errors == []
    person = Person.objects.get(nhs_number=number)
    assert (person.family_name, person.ethnic_category, person.lsoa, person.gp_practice) == (
        "Okafor",
        "N",
        place.lsoa,
        place.practice,
    )
    assert person.practice_neighbourhood == place.neighbourhood
    hospital = Organisation.objects.get(ods_code="RXX01")
    stay = HospitalAdmission.objects.get(person=person)
    assert (stay.hospital, str(stay.admitted_on), str(stay.discharged_on)) == (hospital, "2026-10-01", "2026-10-05")
    assert Condition.objects.get(person=person).snomed_code == "13645005"
    assert SafetyAlert.objects.get(person=person).kind == "dangerous_dog"
    assert Allergy.objects.get(person=person).term == "Allergy to penicillin"
    person.refresh_from_db()
    assert person.repeat_medication_count == 2
    assert importer.report.created == {
        "Organization": 1,
        "Patient": 1,
        "Condition": 1,
        "Encounter": 1,
        "Flag": 1,
        "AllergyIntolerance": 1,
        "MedicationRequest": 2,
    }
    # The person's record was added to, and the audit log says so.
    assert AuditEvent.objects.filter(person_id=person.pk, action="create").count() == 1


def test_the_same_bundle_twice_creates_nothing_new(place: Place) -> None:
    document = _full_bundle(place, next_nhs_number())
    _import(document)
    counts = [
        model.objects.count() for model in (Person, Organisation, Condition, HospitalAdmission, SafetyAlert, Allergy)
    ]

    again = _import(document)

    assert again.report.errors == []
    assert sum(again.report.created.values()) == 0
    assert again.report.imported["Patient"] == 1
    assert [
        model.objects.count() for model in (Person, Organisation, Condition, HospitalAdmission, SafetyAlert, Allergy)
    ] == counts
    assert Person.objects.get().repeat_medication_count == 2


def test_conditional_references_find_what_OneTeam_already_holds(place: Place) -> None:
    person = make_person(place.neighbourhood)
    subject = {"reference": f"Patient?identifier={codes.NHS_NUMBER}|{person.nhs_number}"}
    hospital = {"reference": f"Organization?identifier={codes.ODS_CODE}|{place.hospital.ods_code}"}

    importer = _import(bundles.bundle("batch", bundles.encounter(subject, hospital), bundles.condition(subject)))

    assert importer.report.errors == []
    stay = HospitalAdmission.objects.get(person=person)
    assert stay.hospital == place.hospital and stay.discharged_on is None
    assert Condition.objects.filter(person=person).count() == 1


def test_a_later_discharge_completes_the_admission(place: Place) -> None:
    person = make_person(place.neighbourhood)
    subject = {"identifier": {"system": codes.NHS_NUMBER, "value": person.nhs_number}}
    hospital = {"identifier": {"system": codes.ODS_CODE, "value": place.hospital.ods_code}}
    _import(bundles.bundle("collection", bundles.encounter(subject, hospital)))
    _import(bundles.bundle("collection", bundles.encounter(subject, hospital, end="2026-10-03T10:00:00Z")))

    stay = HospitalAdmission.objects.get(person=person)
    assert str(stay.discharged_on) == "2026-10-03"


def test_unsupported_resource_types_are_skipped_and_counted(place: Place) -> None:
    person = make_person(place.neighbourhood)
    subject = {"identifier": {"system": codes.NHS_NUMBER, "value": person.nhs_number}}
    observation = {"resourceType": "Observation", "status": "final", "code": {"text": "Pulse"}}

    importer = _import(bundles.bundle("collection", observation, observation, bundles.condition(subject)))

    assert importer.report.errors == []
    assert importer.report.skipped == {"Observation": 2}
    assert importer.report.imported == {"Condition": 1}


def test_an_invalid_nhs_number_is_flagged_and_nothing_is_imported(place: Place) -> None:
    importer = _import(
        bundles.bundle("transaction", bundles.patient("9434765918", practice=place.practice, lsoa=place.lsoa))
    )

    [error] = importer.report.errors
    assert (error.entry, error.resource_type) == (0, "Patient")
    assert "'9434765918' is not a valid NHS number" in error.message
    assert not Person.objects.exists()


def test_one_invalid_resource_stops_the_whole_bundle_and_the_error_names_it(place: Place) -> None:
    document = _full_bundle(place, next_nhs_number())
    document["entry"][2]["resource"]["recordedDate"] = "not a date"  # type: ignore[index]

    importer = _import(document)

    [error] = importer.report.errors
    assert (error.file, error.entry, error.resource_type) == ("test.json", 2, "Condition")
    assert "recordedDate" in error.message
    assert not Person.objects.exists()
    assert not Organisation.objects.filter(ods_code="RXX01").exists()
    assert importer.report.imported == {}


def test_dangling_references_are_reported(place: Place) -> None:
    subject = {"reference": "urn:uuid:11111111-2222-3333-4444-555555555555"}
    importer = _import(bundles.bundle("collection", bundles.condition(subject)))

    [error] = importer.report.errors
    assert error.resource_type == "Condition"
    assert "Condition.subject refers to urn:uuid:11111111-2222-3333-4444-555555555555" in error.message


def test_a_person_without_nhs_number_is_matched_on_name_birth_date_and_postcode(place: Place) -> None:
    known = make_person(
        place.neighbourhood,
        family_name="Okafor",
        given_name="Grace",
        postcode="OT1 2AB",
        date_of_birth=datetime.date(1938, 6, 2),
    )
    unknown = bundles.patient(None, practice=place.practice, lsoa=place.lsoa, family="Nobody")
    matched = bundles.patient(None, practice=place.practice, lsoa=place.lsoa, family="OKAFOR")

    importer = _import(
        bundles.bundle(
            "collection", {"fullUrl": UUID_PATIENT, "resource": matched}, bundles.condition({"reference": UUID_PATIENT})
        )
    )
    refused = _import(bundles.bundle("collection", unknown))

    assert importer.report.errors == [] and importer.report.imported == {"Patient": 1, "Condition": 1}
    assert Condition.objects.get().person == known
    [error] = refused.report.errors
    assert "No NHS number, and no one has this family name" in error.message
    assert Person.objects.count() == 1


def test_malformed_files_change_nothing_and_say_where(place: Place, tmp_path: Path) -> None:
    good = tmp_path / "Patient.ndjson"
    good.write_text(
        json.dumps(bundles.patient(next_nhs_number(), practice=place.practice, lsoa=place.lsoa)) + "\n{not json\n"
    )

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_fhir", str(good), "--report", "json")

    assert not Person.objects.exists()


def test_import_command_reports_json_for_ndjson_and_bundles(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = [next_nhs_number() for _ in range(3)]
    patients = tmp_path / "Patient.ndjson"
    patients.write_text(
        "".join(
            json.dumps({**bundles.patient(number, practice=place.practice, lsoa=place.lsoa), "id": f"p{i}"}) + "\n"
            for i, number in enumerate(numbers)
        )
    )
    conditions = tmp_path / "Condition.ndjson"
    conditions.write_text(json.dumps(bundles.condition({"reference": "Patient/p1"})) + "\n")
    observations = tmp_path / "Observation.ndjson"
    observations.write_text(
        json.dumps({"resourceType": "Observation", "status": "final", "code": {"text": "Pulse"}}) + "\n"
    )

    # Given in the wrong order, on purpose: Patient.ndjson is still imported before Condition.ndjson.
    call_command("import_fhir", str(conditions), str(observations), str(patients), "--report", "json")
    report = json.loads(capsys.readouterr().out)

    assert report["imported"] == {"Condition": 1, "Patient": 3}
    assert report["skipped"] == {"Observation": 1}
    assert report["errors"] == []
    assert Condition.objects.get().person.nhs_number == numbers[1]


def test_ndjson_read_in_worker_processes_gives_the_same_result(place: Place) -> None:
    numbers = [next_nhs_number() for _ in range(6)]
    lines = [json.dumps(bundles.patient(number, practice=place.practice, lsoa=place.lsoa)) for number in numbers]
    lines.insert(3, json.dumps(bundles.patient("1234567890", practice=place.practice, lsoa=place.lsoa)))
    seen: list[int] = []

    refused = Importer()
    refused.import_ndjson("bad.ndjson", lines, on_progress=seen.append, parallel_from=1)
    taken = Importer()
    taken.import_ndjson("good.ndjson", lines[:3] + lines[4:], parallel_from=1)

    assert [(e.file, e.entry, e.resource_type) for e in refused.report.errors] == [("bad.ndjson", 4, "Patient")]
    assert sum(seen) == 7
    assert taken.report.created == {"Patient": 6}
    assert sorted(Person.objects.values_list("nhs_number", flat=True)) == sorted(numbers)


def test_ndjson_stored_a_batch_at_a_time_means_what_the_whole_file_means(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 2)
    numbers = [next_nhs_number() for _ in range(4)]
    patients = [
        json.dumps({**bundles.patient(number, practice=place.practice, lsoa=place.lsoa), "id": f"p{i}"})
        for i, number in enumerate(numbers)
    ]
    conditions = [json.dumps(bundles.condition({"reference": f"Patient/p{i}"})) for i in range(4)]

    # In dependency order, each batch is stored as it is read; Conditions in a batch before their Patients'
    # make the file be stored again whole, so it means the same.
    in_order, out_of_order = Importer(), Importer()
    in_order.import_ndjson("in-order.ndjson", patients[:2] + conditions[:2], parallel_from=1)
    out_of_order.import_ndjson("out-of-order.ndjson", conditions[2:] + patients[2:])

    for importer in (in_order, out_of_order):
        assert importer.report.errors == []
        assert importer.report.created == {"Patient": 2, "Condition": 2}
    assert Condition.objects.count() == 4
    assert AuditEvent.objects.filter(person_id__isnull=False).count() == 4


def test_ndjson_files_are_read_ahead_and_each_is_one_unit(
    place: Place, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)
    patients, refused, taken = tmp_path / "Patient.ndjson", tmp_path / "refused.ndjson", tmp_path / "taken.ndjson"
    patients.write_text(
        json.dumps({**bundles.patient(next_nhs_number(), practice=place.practice, lsoa=place.lsoa), "id": "p0"}) + "\n"
    )
    refused.write_text(
        json.dumps(bundles.condition({"reference": "Patient/p0"}))
        + "\n"
        + json.dumps(bundles.condition({"reference": "Patient/nobody"}))
        + "\n"
    )
    taken.write_text(json.dumps(bundles.condition({"reference": "Patient/p0"}, code="84114007")) + "\n")
    importer = Importer()

    outcomes = importer.import_ndjson_files([patients, refused, taken])

    assert [result is None for result in outcomes] == [False, True, False]
    assert [(error.file, error.entry) for error in importer.report.errors] == [(str(refused), 2)]
    assert list(Condition.objects.values_list("snomed_code", flat=True)) == ["84114007"]


def test_a_row_the_database_refuses_is_a_database_error_on_either_database(place: Place) -> None:
    person = make_person(place.neighbourhood)
    row = (person.pk, "91936005", "Allergy to penicillin", datetime.date(2024, 1, 5))

    # COPY on PostgreSQL, bulk_create on SQLite: either way the import's `except DatabaseError` sees it.
    with pytest.raises(IntegrityError), transaction.atomic():
        importing._insert(Allergy, ("person_id", "snomed_code", "term", "recorded_on"), [row, row])


HEART_FAILURE = ("84114007", "Heart failure")  # one of the eFI's deficits


def _scored_older_people(place: Place, count: int = 1) -> list[Person]:
    """People aged 65 or over, scored by a risk run before anything is imported for them."""
    people = [make_person(place.neighbourhood, date_of_birth=datetime.date(1940, 5, 1)) for _ in range(count)]
    stratify.run()
    return people


def _deficits(person: Person) -> tuple[int | None, list[str]]:
    """The person's stored eFI: their deficit count and which deficits, in the current run."""
    run = queries.current_run()
    risk = PersonRisk.objects.get(run=run, person=person)
    return risk.deficits, list(PersonDeficit.objects.filter(run=run, person=person).values_list("deficit", flat=True))


def _by_nhs_number(person: Person) -> dict[str, object]:
    return {"identifier": {"system": codes.NHS_NUMBER, "value": person.nhs_number}}


def test_an_imported_condition_that_is_an_efi_deficit_changes_the_persons_stored_risk(place: Place) -> None:
    [person] = _scored_older_people(place)
    assert _deficits(person) == (0, [])

    importer = _import(bundles.bundle("collection", bundles.condition(_by_nhs_number(person), *HEART_FAILURE)))

    assert importer.report.errors == []
    assert _deficits(person) == (1, ["heart_failure"])


def test_imported_repeat_medicines_reaching_five_make_polypharmacy_a_deficit(place: Place) -> None:
    [person] = _scored_older_people(place)
    medicines = [bundles.repeat_prescription(_by_nhs_number(person), str(code)) for code in range(100001, 100006)]

    importer = _import(bundles.bundle("collection", *medicines))

    assert importer.report.errors == []
    assert _deficits(person) == (1, ["polypharmacy"])


def test_a_bulk_load_leaves_the_recompute_to_the_nightly_run(place: Place) -> None:
    """Recomputing one person costs tens of milliseconds, so a unit about many people is left to `stratify`."""
    people = _scored_older_people(place, RESTRATIFY_AT_MOST + 1)

    importer = _import(
        bundles.bundle("collection", *(bundles.condition(_by_nhs_number(p), *HEART_FAILURE) for p in people))
    )

    assert importer.report.created == {"Condition": RESTRATIFY_AT_MOST + 1}
    assert _deficits(people[0]) == (0, [])
    stratify.run()
    assert _deficits(people[0]) == (1, ["heart_failure"])
