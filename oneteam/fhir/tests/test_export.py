"""Bulk export: only the client's permitted scope, each category put to the policy, audited."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from oneteam.access.models import AuditEvent
from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Condition
from oneteam.people.tests.factories import make_person

from .conftest import Api, Place

pytestmark = pytest.mark.django_db


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_export_writes_only_what_the_policy_allows(place: Place, api_for: Callable[..., Api], tmp_path: Path) -> None:
    mine = make_person(place.neighbourhood)
    make_person(make_neighbourhood())
    Condition.objects.create(
        person=mine, snomed_code="38341003", term="Hypertension", recorded_on=datetime.date(2020, 1, 1)
    )
    gp = api_for(place.neighbourhood)
    administrator = api_for(place.neighbourhood, profession=Profession.ADMINISTRATOR)

    call_command("export_fhir", "--client", str(gp.client.pk), "--out", str(tmp_path / "gp"))
    call_command("export_fhir", "--client", str(administrator.client.pk), "--out", str(tmp_path / "admin"))

    assert [p["id"] for p in _lines(tmp_path / "gp" / "Patient.ndjson")] == [str(mine.pk)]
    assert len(_lines(tmp_path / "gp" / "Condition.ndjson")) == 1
    # Administrators may see who people are, but not their health.
    assert [p["id"] for p in _lines(tmp_path / "admin" / "Patient.ndjson")] == [str(mine.pk)]
    assert not (tmp_path / "admin" / "Condition.ndjson").exists()
    assert AuditEvent.objects.filter(staff=administrator.client.staff, person_id=mine.pk, action="denied").exists()
    export = AuditEvent.objects.get(staff=gp.client.staff, action="export")
    assert export.detail["fhir_export"]["Patient"] == 1
