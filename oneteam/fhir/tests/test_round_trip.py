"""Round trip: export a generated city, import it into a database emptied of people and organisations, and compare a
digest of every table the exchange covers, so anything an export loses (or an import distorts) fails by table."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from oneteam.access.models import Purpose
from oneteam.access.services.agreements import ensure_default_agreements
from oneteam.fhir.models import Allergy, ApiClient, RepeatMedication
from oneteam.fhir.services.clients import create_api_client
from oneteam.organisations.models import Organisation, Profession, Sector, Staff, Team
from oneteam.people.models import (
    ClinicalStatus,
    Condition,
    EncounterClass,
    GenderIdentity,
    HospitalAdmission,
    Person,
    RelatedPerson,
    SafetyAlert,
    VerificationStatus,
)
from oneteam.synthetic.city import generate_city

pytestmark = pytest.mark.django_db

RESIDENTS = 300
EXCHANGE = "XEXCH"


def _city_client() -> ApiClient:
    """A system in every neighbourhood team, reading for direct care as a GP would: it may see the whole city."""
    ensure_default_agreements()
    exchange = Organisation.objects.create(name="City record exchange", ods_code=EXCHANGE, sector=Sector.NHS_COMMUNITY)
    client, _token = create_api_client(
        actor=None,
        name="City record exchange",
        organisation=exchange,
        purpose=Purpose.DIRECT_CARE,
        profession=Profession.GP,
        teams=list(Team.objects.filter(neighbourhood__isnull=False)),
        may_import=True,
    )
    return client


def _vary_what_the_city_does_not(people: list[Person]) -> None:
    """What the generator leaves out but OneTeam holds: statuses, classes, repeat medicines, identities, needs."""
    first, second, third = people[:3]
    Condition.objects.create(
        person=first, snomed_code="84114007", term="Heart failure", recorded_on="1974-02-03",
        clinical_status=ClinicalStatus.RESOLVED,
    )  # fmt: skip
    Condition.objects.create(
        person=second, snomed_code="709044004", term="Chronic kidney disease", recorded_on="2021-04-12",
        verification_status=VerificationStatus.REFUTED,
    )  # fmt: skip
    hospital = Organisation.objects.filter(sector=Sector.ACUTE_HOSPITAL).first() or Organisation.objects.create(
        name="Round Trip Hospital", ods_code="RRT01", sector=Sector.ACUTE_HOSPITAL
    )
    HospitalAdmission.objects.create(
        person=third, hospital=hospital, method="non_elective", encounter_class=EncounterClass.EMERGENCY,
        admitted_on="2026-04-01", discharged_on="2026-04-02",
    )  # fmt: skip
    for code in ("318419002", "320000009"):
        RepeatMedication.objects.create(person=first, code=f"http://snomed.info/sct|{code}")
    Person.objects.filter(pk=first.pk).update(
        repeat_medication_count=6,
        gender_identity=GenderIdentity.NON_BINARY,
        lives_alone=True,
        communication_needs="Uses British Sign Language",
        interpreter_needed=True,
    )
    RelatedPerson.objects.create(
        person=second, name="Jo Carer", relationship="Daughter", phone="07700 900123", is_carer=True,
        is_next_of_kin=True,
    )  # fmt: skip
    Allergy.objects.create(person=third, snomed_code="91936005", term="Allergy to penicillin", recorded_on="2020-01-01")


def _rows(rows: Any, *fields: str) -> list[tuple[Any, ...]]:
    """The rows of a model (or a queryset) as sorted tuples of text."""
    queryset: Any = rows.objects.all() if isinstance(rows, type) else rows  # type: ignore[attr-defined]
    return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*fields))


# Each table the exchange covers, by natural keys and what it means (never OneTeam's own ids).
TABLES: dict[str, Callable[[], list[tuple[Any, ...]]]] = {
    "organisation": lambda: [
        row
        for row in _rows(Organisation, "name", "ods_code", "sector", "neighbourhood__code")
        if row[1] != EXCHANGE
    ],
    "staff": lambda: _rows(
        Staff.objects.filter(is_superuser=False), "username", "first_name", "last_name",
        "profession",
    ),
    "person": lambda: _rows(
        Person,
        "nhs_number", "given_name", "family_name", "date_of_birth", "date_of_death", "sex", "gender_identity",
        "ethnic_category", "address_line_1", "address_line_2", "town", "postcode", "lsoa__code", "ward__code",
        "gp_practice__ods_code", "practice_neighbourhood__code", "ward_neighbourhood__code", "lives_alone",
        "preferred_language", "interpreter_needed", "communication_needs", "repeat_medication_count",
    ),
    "related_person": lambda: _rows(
        RelatedPerson, "person__nhs_number", "name", "relationship", "phone", "is_carer", "is_next_of_kin"
    ),
    "condition": lambda: _rows(
        Condition, "person__nhs_number", "snomed_code", "term", "recorded_on", "clinical_status", "verification_status"
    ),
    "hospital_admission": lambda: _rows(
        HospitalAdmission, "person__nhs_number", "hospital__name", "method", "encounter_class", "admitted_on",
        "discharged_on",
    ),
    "safety_alert": lambda: _rows(SafetyAlert, "person__nhs_number", "kind", "detail", "raised_on", "active"),
    "allergy": lambda: _rows(Allergy, "person__nhs_number", "snomed_code", "term", "recorded_on"),
    "repeat_medication": lambda: _rows(RepeatMedication, "person__nhs_number", "code"),
}  # fmt: skip


def _digests() -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its sorted rows."""
    return {
        name: (len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest())
        for name, rows in ((name, read()) for name, read in TABLES.items())
    }


def _empty_of_people_and_organisations(client: ApiClient) -> None:
    """Delete every person (and their records), every member of staff and organisation but the exchange's own.

    The city's geography (localities, neighbourhoods, wards, LSOAs) and its teams stay: they are
    OneTeam's reference map, not records that travel in FHIR.
    """
    Person.objects.all().delete()
    Staff.objects.exclude(pk=client.staff_id).delete()
    Organisation.objects.exclude(pk=client.system.organisation_id).delete()
    assert not Person.objects.exists() and not Condition.objects.exists()


def test_export_then_import_into_an_empty_database_keeps_every_covered_table(tmp_path: Path) -> None:
    generate_city(residents=RESIDENTS, seed=5, as_of=datetime.date(2026, 11, 23))
    _vary_what_the_city_does_not(list(Person.objects.order_by("pk")[:3]))
    client = _city_client()
    before = _digests()
    assert all(count for count, _digest in before.values()), before

    call_command("export_fhir", "--client", str(client.pk), "--out", str(tmp_path))
    _empty_of_people_and_organisations(client)
    call_command("import_fhir", str(tmp_path), "--report", "json")

    after = _digests()
    assert {name: after[name] for name in TABLES if after[name] != before[name]} == {}
