"""Round trip: export a generated city, import it into a database emptied of people and organisations, export again."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from oneteam.access.agreements import ensure_default_agreements
from oneteam.access.models import Purpose
from oneteam.fhir.clients import create_api_client
from oneteam.fhir.models import ApiClient
from oneteam.organisations.models import Organisation, Profession, Sector, Staff, Team
from oneteam.people.models import Condition, Person
from oneteam.synthetic.city import generate_city

pytestmark = pytest.mark.django_db

RESIDENTS = 300


def _city_client() -> ApiClient:
    """A system in every neighbourhood team, reading for direct care as a GP would: it may see the whole city."""
    ensure_default_agreements()
    exchange = Organisation.objects.create(name="City record exchange", ods_code="XEXCH", sector=Sector.NHS_COMMUNITY)
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


def _export(client: ApiClient, out: Path) -> tuple[dict[str, int], list[str], Counter[str]]:
    call_command("export_fhir", "--client", str(client.pk), "--out", str(out))
    counts = {path.stem: len(path.read_text().splitlines()) for path in sorted(out.glob("*.ndjson"))}
    patients = [json.loads(line) for line in (out / "Patient.ndjson").read_text().splitlines()]
    conditions = [json.loads(line) for line in (out / "Condition.ndjson").read_text().splitlines()]
    numbers = sorted(patient["identifier"][0]["value"] for patient in patients)
    coded = Counter(f"{c['subject']['identifier']['value']} {c['code']['coding'][0]['code']}" for c in conditions)
    return counts, numbers, coded


def _empty_of_people_and_organisations(client: ApiClient) -> None:
    """Delete every person (and their records), every member of staff and organisation but the exchange's own.

    The city's geography (localities, neighbourhoods, wards, LSOAs) and its teams stay: they are
    OneTeam's reference map, not records that travel in FHIR.
    """
    Person.objects.all().delete()
    Staff.objects.exclude(pk=client.staff_id).delete()
    Organisation.objects.exclude(pk=client.system.organisation_id).delete()
    assert not Person.objects.exists() and not Condition.objects.exists()


def test_export_import_export_keeps_counts_and_nhs_numbers(tmp_path: Path) -> None:
    generate_city(residents=RESIDENTS, seed=5, as_of=datetime.date(2026, 11, 23))
    client = _city_client()
    first_counts, first_numbers, first_conditions = _export(client, tmp_path / "first")
    assert first_counts["Patient"] == RESIDENTS
    assert {"Organization", "Practitioner", "Condition", "Encounter", "Flag"} <= set(first_counts)

    _empty_of_people_and_organisations(client)
    call_command("import_fhir", str(tmp_path / "first"), "--report", "json")
    second_counts, second_numbers, second_conditions = _export(client, tmp_path / "second")

    assert second_counts == first_counts
    assert second_numbers == first_numbers
    assert second_conditions == first_conditions
