"""`manage.py export_risk`: the exporting member of staff's own INT only, as CSV, audited."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import next_nhs_number
from oneteam.risk.services import stratify
from oneteam.synthetic import codes as C

from .conftest import AS_OF, YOUNGER, code, resident

pytestmark = pytest.mark.django_db


def test_the_export_writes_the_staff_members_own_int_with_deficit_names_and_is_audited(
    home: Neighbourhood, matron: Staff, tmp_path: Path
) -> None:
    frail = resident(home, repeat_medication_count=5, lives_alone=True)
    code(frail, C.HEART_FAILURE, C.FALLS, C.GOUT, C.OSTEOARTHRITIS)
    young = resident(home, date_of_birth=YOUNGER)
    elsewhere = resident(make_neighbourhood())
    stratify.run(as_of=AS_OF)
    output = tmp_path / "risk.csv"
    call_command("export_risk", "--format", "csv", "--staff", matron.username, "--output", str(output), verbosity=0)
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    by_nhs = {row["nhs_number"]: row for row in rows}
    assert set(by_nhs) == {frail.nhs_number, young.nhs_number}, "only the matron's own neighbourhood"
    assert elsewhere.nhs_number not in by_nhs
    row = by_nhs[frail.nhs_number]
    assert row["deficits"] == "arthritis;falls;heart failure;5 or more repeat medicines;social vulnerability"
    assert (row["score"], row["category"]) == (f"{5 / 36:.4f}", "Mild frailty")
    assert row["factors"] == "lives alone;not yet known to the team" and int(row["priority"]) > 0
    assert (by_nhs[young.nhs_number]["score"], by_nhs[young.nhs_number]["category"]) == ("", "")
    event = AuditEvent.objects.get(staff=matron, action=AuditAction.EXPORT)
    assert event.detail == {"risk_export": 2, "to": str(output)} and event.person_id is None


def test_staff_who_may_not_list_named_people_cannot_export(home: Neighbourhood) -> None:
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    with pytest.raises(CommandError, match="may not list named people"):
        call_command("export_risk", "--format", "csv", "--staff", lead.username, verbosity=0)
    with pytest.raises(CommandError, match="No active member of staff"):
        call_command("export_risk", "--format", "csv", "--staff", "nobody", verbosity=0)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# More than SQLite's expression depth of 1,000, in one batch of the export.
PEOPLE_OVER_THE_OLD_LIMIT = 1_100
COPIED_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address_line_1",
    "town",
    "postcode",
    "lsoa",
    "ward",
    "gp_practice",
    "practice_neighbourhood",
    "ward_neighbourhood",
)


def test_an_export_of_more_people_than_sqlite_allows_in_one_expression_is_written_in_full(
    home: Neighbourhood, matron: Staff, tmp_path: Path
) -> None:
    """Issue 20: on SQLite (the demo's database) a whole batch of people read at once failed with
    "Expression tree is too large (maximum depth 1000)"; a batch is now joined, however many people it holds.
    """
    first = resident(home)
    copied = {field: getattr(first, field) for field in COPIED_FIELDS}
    people = [Person(**copied, nhs_number=next_nhs_number()) for _ in range(PEOPLE_OVER_THE_OLD_LIMIT - 1)]
    Person.objects.bulk_create(people)
    stratify.run(as_of=AS_OF)
    output = tmp_path / "risk.csv"
    call_command("export_risk", "--format", "csv", "--staff", matron.username, "--output", str(output), verbosity=0)
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert len(rows) == PEOPLE_OVER_THE_OLD_LIMIT
    assert len({row["nhs_number"] for row in rows}) == PEOPLE_OVER_THE_OLD_LIMIT
