"""Taking what FHIR R4 and UK Core allow: organisations without ODS codes, practitioners by system and value, XML,
bundles checked as FHIR says (bdl-7), and every problem of a file in one report.

Each test imports a file of the hand-written corpus (`corpus/`).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oneteam.fhir import resources
from oneteam.fhir.models import OrganisationIdentifier
from oneteam.organisations.models import Organisation, Sector, Staff
from oneteam.people.models import Condition, HospitalAdmission, Person
from oneteam.people.tests.factories import make_person

from . import corpus
from .conftest import Place

pytestmark = pytest.mark.django_db


def _person(place: Place) -> Person:
    return make_person(place.neighbourhood, nhs_number=corpus.PERSON, date_of_birth=datetime.date(1940, 5, 1))


def test_organisations_without_ods_codes_are_created_with_their_kind_and_found_again_by_any_identifier(
    place: Place,
) -> None:
    person = _person(place)

    first = corpus.load("organisations-without-ods.json")

    assert first.report.errors == []
    assert first.report.created == {"Organization": 4, "Encounter": 1}
    kinds = dict(Organisation.objects.filter(name__in=_CORPUS_NAMES).values_list("name", "sector"))
    assert kinds == {
        # A provider could be a practice, a hospital or a pharmacy: OneTeam does not guess a hospital.
        "Meadow Lane Surgery": Sector.OTHER,
        "Canal Side Lunch Club": Sector.VCSE,
        "Riverside Pharmacy": Sector.OTHER,
        "Hill Top Hospital": Sector.OTHER,
    }
    assert Organisation.objects.get(name="Hill Top Hospital").ods_code == "RCX77"
    surgery = Organisation.objects.get(name="Meadow Lane Surgery")
    assert surgery.ods_code is None
    # The encounter found its provider by the provider number alone.
    assert HospitalAdmission.objects.get(person=person).hospital == surgery

    again = corpus.load("organisations-without-ods.json")

    assert again.report.errors == [] and again.report.created == {}
    assert Organisation.objects.filter(name__in=_CORPUS_NAMES).count() == 4
    assert OrganisationIdentifier.objects.count() == 3


_CORPUS_NAMES = ("Meadow Lane Surgery", "Canal Side Lunch Club", "Riverside Pharmacy", "Hill Top Hospital")


def test_an_organisation_without_an_ods_code_exports_with_the_identifiers_it_came_with(place: Place) -> None:
    _person(place)
    corpus.load("organisations-without-ods.json")
    surgery = Organisation.objects.prefetch_related("fhir_identifiers").get(name="Meadow Lane Surgery")

    exported = resources.organization(surgery)

    assert exported["identifier"] == [{"system": "https://example.org/fhir/sid/provider-number", "value": "PRV-20931"}]
    assert "identifier" not in resources.organization_reference(surgery)


def test_practitioners_are_told_apart_by_identifier_system_as_well_as_value() -> None:
    importer = corpus.load("practitioners-same-digits.json")

    assert importer.report.errors == []
    assert importer.report.created == {"Practitioner": 2}
    names = set(Staff.objects.filter(username__startswith="fhir:").values_list("last_name", flat=True))
    assert names == {"Adeyemi", "Brennan"}


def test_a_fhir_xml_bundle_is_read_like_json(place: Place) -> None:
    person = _person(place)

    importer = corpus.load("bundle.xml")

    assert importer.report.errors == []
    assert importer.report.created == {"Organization": 1, "Condition": 1, "Encounter": 1}
    stay = HospitalAdmission.objects.get(person=person)
    assert (stay.hospital.ods_code, stay.encounter_class, stay.method) == ("RXM01", "EMER", "non_elective")


def test_import_command_reads_a_folder_of_xml(place: Place, tmp_path: Path) -> None:
    _person(place)
    (tmp_path / "bundle.xml").write_text(corpus.CORPUS.joinpath("bundle.xml").read_text())

    call_command("import_fhir", str(tmp_path))

    assert Condition.objects.filter(person__nhs_number=corpus.PERSON).count() == 1


def test_a_folder_with_nothing_to_import_is_an_error_not_an_empty_report(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not FHIR")

    with pytest.raises(CommandError, match="holds no FHIR files"):
        call_command("import_fhir", str(tmp_path))


def test_invalid_xml_is_refused_naming_the_entry_and_element(place: Place) -> None:
    importer = corpus.Importer()
    importer.import_xml(
        "bad.xml",
        b'<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/><entry><resource>'
        b'<Encounter><class value="IMP"/></Encounter></resource></entry></Bundle>',
    )

    [error] = importer.report.errors
    assert (error.file, error.entry, error.resource_type) == ("bad.xml", 0, "Encounter")
    assert "status" in error.message


def test_two_entries_with_one_full_url_are_refused(place: Place) -> None:
    importer = corpus.load("duplicate-full-url.json")

    assert any(
        error.entry == 1 and "bdl-7" in error.message and "fullUrl" in error.message for error in importer.report.errors
    )
    assert not Condition.objects.exists()


def test_every_problem_in_a_file_is_reported_in_one_pass_with_entry_and_path(place: Place) -> None:
    _person(place)

    importer = corpus.load("many-problems.json")

    found = {(error.entry, error.resource_type) for error in importer.report.errors}
    messages = {error.entry: error.message for error in importer.report.errors}
    # Invalid FHIR (class as a string), a Condition without a SNOMED CT code, a dangling reference,
    # and an invalid resource of a type OneTeam skips: all four at once, each at its entry.
    assert found == {(0, "Encounter"), (1, "Condition"), (2, "Condition"), (3, "Observation")}
    assert "class" in messages[0]
    assert "Condition.code" in messages[1]
    assert "Patient/not-in-this-bundle" in messages[2]
    assert "valueQuantity.value" in messages[3]
    assert all(error.file.endswith("many-problems.json") for error in importer.report.errors)
    assert not Condition.objects.exists()


@pytest.mark.parametrize("depth", [400, 50_000])
def test_a_resource_nested_deeper_than_fhir_needs_is_an_error_not_a_crash(depth: int) -> None:
    deep = '{"url": "https://example.org/deep", "extension": [' * depth + '{"url": "https://example.org/deep"}'
    deep += "]}" * depth
    importer = corpus.Importer()

    importer.import_json("deep.json", '{"resourceType": "Basic", "code": {"text": "x"}, "extension": [' + deep + "]}")

    [error] = importer.report.errors
    assert "nested" in error.message or "recursion" in error.message.lower(), error.message
