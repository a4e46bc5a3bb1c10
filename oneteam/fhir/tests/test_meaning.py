"""What an imported resource means is kept: encounter class and admission method, condition status, repeat medicines.

Each test imports a file of the hand-written corpus (`corpus/`), written from the
FHIR R4 and UK Core specifications.
"""

from __future__ import annotations

import datetime

import pytest

from oneteam.fhir import resources
from oneteam.people.models import Condition, HospitalAdmission, Person
from oneteam.people.tests.factories import make_person
from oneteam.risk import queries
from oneteam.risk.models import PersonDeficit, PersonRisk
from oneteam.risk.services import stratify

from . import corpus
from .conftest import Place

pytestmark = pytest.mark.django_db


def _older_person(place: Place) -> Person:
    """The person the corpus is about (aged 65 or over), scored by a risk run before anything is imported."""
    person = make_person(place.neighbourhood, nhs_number=corpus.PERSON, date_of_birth=datetime.date(1940, 5, 1))
    stratify.run()
    return person


def _deficits(person: Person) -> list[str]:
    run = queries.current_run()
    return sorted(PersonDeficit.objects.filter(run=run, person=person).values_list("deficit", flat=True))


def test_only_inpatient_and_emergency_encounters_become_hospital_stays(place: Place) -> None:
    person = _older_person(place)

    importer = corpus.load("encounters-by-class.json")

    assert importer.report.errors == []
    # AMB, VR and HH are contacts, and a planned stay has not happened: skipped and counted, never admissions.
    assert importer.report.skipped == {"Encounter": 4}
    stays = {
        (stay.encounter_class, stay.method, str(stay.admitted_on), str(stay.discharged_on))
        for stay in HospitalAdmission.objects.filter(person=person)
    }
    assert stays == {
        ("EMER", "non_elective", "2026-04-01", "2026-04-02"),
        ("IMP", "elective", "2026-05-04", "2026-05-08"),
        ("IMP", "non_elective", "2026-06-20", "None"),
    }


def test_a_stay_exports_with_its_class_and_status(place: Place) -> None:
    _older_person(place)
    corpus.load("encounters-by-class.json")

    exported = {
        (e["class"]["code"], e["status"], e["priority"]["coding"][0]["code"])
        for e in map(resources.encounter, HospitalAdmission.objects.select_related("person", "hospital"))
    }

    assert exported == {("EMER", "finished", "EM"), ("IMP", "finished", "EL"), ("IMP", "in-progress", "EM")}


def test_condition_status_is_kept_and_only_current_conditions_count_toward_the_frailty_index(place: Place) -> None:
    person = _older_person(place)

    importer = corpus.load("conditions-by-status.json")

    assert importer.report.errors == []
    assert importer.report.skipped == {"Condition": 1}  # entered in error: not a fact about the person
    kept = {
        (c.term, c.clinical_status, c.verification_status, c.recorded_on)
        for c in Condition.objects.filter(person=person)
    }
    assert kept == {
        ("Heart failure", "resolved", "confirmed", datetime.date(1974, 2, 3)),
        ("Atrial fibrillation", "inactive", "confirmed", datetime.date(2019, 1, 15)),
        ("Diabetes mellitus", "remission", "confirmed", datetime.date(2015, 9, 1)),
        ("Chronic kidney disease", "active", "refuted", datetime.date(2021, 4, 12)),
        # No recordedDate: the onset, else the day of the import.
        ("Osteoarthritis", "active", "confirmed", datetime.date(2012, 3, 20)),
        ("Disability", "active", "confirmed", datetime.date.today()),
    }
    assert _deficits(person) == ["activity_limitation", "arthritis"]
    stratify.run()
    assert _deficits(person) == ["activity_limitation", "arthritis"]
    assert PersonRisk.objects.get(run=queries.current_run(), person=person).deficits == 2


def test_a_condition_exports_with_its_clinical_and_verification_status(place: Place) -> None:
    _older_person(place)
    corpus.load("conditions-by-status.json")

    exported = {
        (c["code"]["text"], c["clinicalStatus"]["coding"][0]["code"], c["verificationStatus"]["coding"][0]["code"])
        for c in map(resources.condition, Condition.objects.select_related("person"))
    }

    assert ("Heart failure", "resolved", "confirmed") in exported
    assert ("Chronic kidney disease", "active", "refuted") in exported


def test_a_condition_known_as_active_takes_the_resolved_status_sent_later(place: Place) -> None:
    person = _older_person(place)
    Condition.objects.create(person=person, snomed_code="84114007", term="Heart failure", recorded_on="1974-02-03")
    stratify.run()
    assert "heart_failure" in _deficits(person)

    corpus.load("conditions-by-status.json")

    assert Condition.objects.get(person=person, snomed_code="84114007").clinical_status == "resolved"
    assert "heart_failure" not in _deficits(person)


def test_only_continuing_repeat_prescriptions_count_toward_polypharmacy(place: Place) -> None:
    person = _older_person(place)

    importer = corpus.load("medications.json")

    assert importer.report.errors == []
    # The short amoxicillin course (as a request and as a statement) is not a repeat medicine.
    assert importer.report.skipped == {"MedicationRequest": 1, "MedicationStatement": 1}
    person.refresh_from_db()
    assert person.repeat_medication_count == 4
    assert "polypharmacy" not in _deficits(person)
