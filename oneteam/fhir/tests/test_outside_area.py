"""People registered or living outside the area, and people whose GP OneTeam does not know: kept, not refused (ADR 14).

Each test imports `corpus/outside-area-patients.json`: two UK Core Patients with addresses in no OneTeam area,
one whose GP practice is an ODS code OneTeam does not hold and one whose GP is named as a Practitioner.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.forms.models import model_to_dict

from oneteam.access.models import CareRole
from oneteam.access.services import care_team
from oneteam.fhir import codes, resources
from oneteam.fhir.reading import Entry, read_entry
from oneteam.fhir.services.importing import Importer
from oneteam.organisations.models import Organisation
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Condition, Person
from oneteam.people.tests.factories import make_person
from oneteam.risk.models import PersonRisk
from oneteam.risk.services import stratify

from . import corpus
from .conftest import Place

pytestmark = pytest.mark.django_db

HARRIET, TOMAS = "9000000025", "9000000033"


def _kept(person: Person) -> dict[str, Any]:
    """What OneTeam holds about the person, without the row id."""
    return {name: value for name, value in model_to_dict(person).items() if name != "id"}


def test_people_outside_the_area_with_unknown_gps_are_kept_with_no_area_and_no_practice(place: Place) -> None:
    organisations = Organisation.objects.count()

    importer = corpus.load("outside-area-patients.json")

    assert importer.report.errors == []
    assert importer.report.created == {"Patient": 2, "Condition": 1}
    harriet, tomas = Person.objects.get(nhs_number=HARRIET), Person.objects.get(nhs_number=TOMAS)
    for person in (harriet, tomas):
        assert (person.lsoa, person.ward, person.ward_neighbourhood) == (None, None, None)
        assert (person.gp_practice, person.practice_neighbourhood) == (None, None)
        assert person.outside_the_area
    assert (harriet.address_line_1, harriet.town, harriet.postcode) == ("12 Harbour View", "Whitby", "YO21 3PU")
    assert (tomas.address_line_1, tomas.address_line_2, tomas.postcode) == ("Flat 3", "40 Quay Street", "TR1 2HE")
    assert Condition.objects.get(person=harriet).snomed_code == "38341003"
    # An ODS code OneTeam does not hold makes no organisation up: the GP is simply not known.
    assert Organisation.objects.count() == organisations
    assert corpus.load("outside-area-patients.json").report.created == {}


def test_someone_living_outside_the_area_keeps_a_practice_of_the_area(place: Place) -> None:
    # Registered with one of the area's practices: placed by the practice, though their home is elsewhere.
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": codes.NHS_NUMBER, "value": HARRIET}],
        "name": [{"family": "Rowe", "given": ["Harriet"]}],
        "birthDate": "1938-02-14",
        "address": [{"line": ["12 Harbour View"], "postalCode": "YO21 3PU"}],
        "generalPractitioner": [{"identifier": {"system": codes.ODS_CODE, "value": place.practice.ods_code}}],
    }
    importer = Importer()
    importer.import_readings("patient.json", [read_entry(Entry(0, "", patient))])

    assert importer.report.errors == []
    harriet = Person.objects.get(nhs_number=HARRIET)
    assert (harriet.gp_practice, harriet.practice_neighbourhood) == (place.practice, place.neighbourhood)
    assert (harriet.lsoa, harriet.ward_neighbourhood) == (None, None)
    assert not harriet.outside_the_area


def test_someone_outside_the_area_is_exported_back_as_they_came_and_imports_again_unchanged(place: Place) -> None:
    corpus.load("outside-area-patients.json")
    tomas = Person.objects.select_related("lsoa", "gp_practice").get(nhs_number=TOMAS)
    held = _kept(tomas)

    exported = resources.patient(tomas)

    assert exported["identifier"][0]["value"] == TOMAS
    assert exported["name"] == [{"use": "official", "family": "Penrose", "given": ["Tomas"]}]
    assert exported["birthDate"] == "1944-09-30"
    # No LSOA extension and no GP practice: OneTeam says only what it knows, and nothing empty.
    assert exported["address"] == [
        {"use": "home", "line": ["Flat 3", "40 Quay Street"], "city": "Truro", "postalCode": "TR1 2HE"}
    ]
    assert "generalPractitioner" not in exported

    Person.objects.filter(pk=tomas.pk).delete()
    importer = Importer()
    importer.import_readings("export.json", [read_entry(Entry(0, "", exported))])

    assert importer.report.errors == []
    assert _kept(Person.objects.get(nhs_number=TOMAS)) == held


def test_someone_outside_the_area_is_on_no_neighbourhood_risk_list(place: Place) -> None:
    resident = make_person(place.neighbourhood, date_of_birth=datetime.date(1938, 1, 1))
    stratify.run(as_of=datetime.date(2026, 11, 23))

    # The corpus adds a condition to Harriet: recomputing her risk straight away must cope with her having no area.
    importer = corpus.load("outside-area-patients.json")
    assert importer.report.errors == []
    again = stratify.run(as_of=datetime.date(2026, 11, 23))

    scored = set(PersonRisk.objects.filter(run=again).values_list("person__nhs_number", flat=True))
    assert scored == {resident.nhs_number}


def test_the_care_team_of_someone_outside_the_area_sees_their_record_and_the_neighbourhood_team_does_not(
    place: Place, client: Any
) -> None:
    corpus.load("outside-area-patients.json")
    harriet = Person.objects.get(nhs_number=HARRIET)
    nurse, colleague = make_staff(place.neighbourhood), make_staff(place.neighbourhood)
    care_team.join_care_team(actor=None, person=harriet, staff=nurse, role=CareRole.KEY_WORKER)

    client.force_login(nurse)
    summary = client.get(f"/people/{harriet.pk}/")
    risk = client.get(f"/risk/people/{harriet.pk}/")
    client.force_login(colleague)
    refused = client.get(f"/people/{harriet.pk}/")

    assert summary.status_code == 200
    page = summary.content.decode()
    assert "Registered and living outside the area" in page and "Hypertensive disorder" in page
    assert risk.status_code == 200 and "is not scored" in risk.content.decode()
    assert refused.status_code == 403 and "Harriet" not in refused.content.decode()
