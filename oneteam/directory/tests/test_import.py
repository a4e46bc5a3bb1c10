"""Importing and exporting Open Referral UK data in every form the profile defines: checked like the standard,
all or nothing, idempotent by id, every field kept; exports valid against the profile's own schemas."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from oneteam.directory import hsds
from oneteam.directory.models import Charging, Detail, Location, Organization, Schedule, Service
from oneteam.directory.services import importer
from oneteam.directory.services.importer import ImportRejected, export_document, import_document, import_file

from . import oruk
from .factories import sample_document, uid, write_document
from .test_api import _contains

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
EXAMPLE = json.loads((DATA / "oruk_service.json").read_text())


def _import(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    call_command("import_directory", str(path), "--report", "json")
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def _rejected(path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        import_file(path)
    return [f"{p.path}: {p.message}" for p in rejected.value.problems]


def test_the_profiles_example_service_round_trips_field_for_field(tmp_path: Path, client: Client) -> None:
    """Imported as the API serves it, served back and exported: every field of every table, unchanged, and
    every answer and exported record valid against the profile's schemas."""
    import_file(DATA / "oruk_taxonomy.json")
    result = import_file(DATA / "oruk_service.json")
    assert {table for table, n in result.created.items() if n} == {
        "organization", "organization_identifier", "service", "schedule", "service_area", "service_at_location",
        "location", "address", "accessibility", "language", "funding", "cost_option", "contact", "phone",
        "attribute", "taxonomy_term",
    }  # fmt: skip
    served = client.get(f"/openreferral/services/{EXAMPLE['id']}").json()
    assert oruk.answer_errors("/services/{id}", served) == []
    assert _contains(served, EXAMPLE)

    exported = export_document()
    _assert_records_valid(exported)
    # The export imports into an empty directory and serves the same service again.
    Service.objects.all().delete()
    Detail.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    import_file(write_document(tmp_path / "export.json", exported))
    assert client.get(f"/openreferral/services/{EXAMPLE['id']}").json() == served


def _assert_records_valid(document: dict[str, list[dict[str, Any]]]) -> None:
    for table, records in document.items():
        validator = oruk.validator(f"{table}.json")
        for record in records:
            assert oruk.errors(validator, record) == [], (table, record)


def test_the_csv_data_package_imports_with_or_without_datapackage_json(tmp_path: Path, client: Client) -> None:
    import_file(DATA / "oruk_taxonomy.json")
    import_file(DATA / "oruk_service.json")
    served = client.get(f"/openreferral/services/{EXAMPLE['id']}").json()
    call_command("export_directory", str(tmp_path / "package"), "--format", "csv")
    package = tmp_path / "package"
    assert (package / "services.csv").exists() and (package / "address.csv").exists()
    with (package / "address.csv").open(encoding="utf-8") as rows:
        [address] = list(csv.DictReader(rows))
    assert address["state_province"] == "West Yorkshire"
    for table, resource in _package_records(package).items():
        _assert_records_valid({table: resource})
    assert import_file(package).created.total() == 0  # the same directory: nothing new

    Service.objects.all().delete()
    Detail.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    without = tmp_path / "without"
    shutil.copytree(package, without)
    (without / "datapackage.json").unlink()
    import_file(without)
    assert client.get(f"/openreferral/services/{EXAMPLE['id']}").json() == served
    zipped = tmp_path / "package.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in package.iterdir():
            archive.write(path, f"directory/{path.name}")
    assert import_file(zipped).created.total() == 0


def _package_records(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The CSV files of a package as JSON records, numbers as numbers (what the schemas describe)."""
    found = {}
    for path in folder.glob("*.csv"):
        table = hsds.TABLE_OF_CSV[path.name]
        spec = hsds.SPECS[table]
        with path.open(encoding="utf-8") as rows:
            found[table] = [
                {k: hsds.from_csv(spec.fields.get(k, hsds.FieldSpec(k)), v) for k, v in row.items() if v}
                for row in csv.DictReader(rows)
            ]
    return found


def test_the_api_forms_one_object_a_page_and_an_array_are_detected(tmp_path: Path) -> None:
    import_file(DATA / "oruk_taxonomy.json")
    page = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True,
            "last_page": True, "empty": False, "contents": [EXAMPLE]}  # fmt: skip
    assert import_file(write_document(tmp_path / "page.json", page)).created["service"] == 1
    assert import_file(write_document(tmp_path / "array.json", [EXAMPLE])).created.total() == 0
    assert import_file(write_document(tmp_path / "one.json", EXAMPLE)).created.total() == 0
    organisation = {**EXAMPLE["organization"], "id": uid("org-2"), "organization_identifiers": []}
    assert import_file(write_document(tmp_path / "org.json", organisation)).created["organization"] == 1


def test_the_profiles_own_example_values_are_rejected_with_every_problem_named_by_path(tmp_path: Path) -> None:
    """The schema examples place the location at latitude 100, use an attribute link to a
    record that does not exist and a term parent that is not there: one report names them all; nothing is
    written."""
    bad = json.loads(json.dumps(EXAMPLE))
    location = bad["service_at_locations"][0]["location"]
    location.update(latitude=100, longitude=101)
    bad["attributes"][0]["link_id"] = "f28dd44b-0c4d-479f-8e90-4c52219a8b3c"
    bad["attributes"][0]["taxonomy_term"]["parent_id"] = "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"
    bad["schedules"][0]["opens_at"] = "25:00"
    bad["contacts"][0]["id"] = "contact-1"
    problems = _rejected(write_document(tmp_path / "bad.json", bad))
    assert problems == [
        "service.schedules[0].opens_at: must be a time of day written as HH:MM or HH:MM:SS, from 00:00 to 23:59",
        "service.service_at_locations[0].location.latitude: 100 is outside -90 to 90",
        "service.contacts[0].id: 'contact-1' is not a UUID (like 0b2d3f6e-8d4a-4c1e-9f3b-2a7c5e9d1f00)",
        "service.attributes[0].taxonomy_term.parent_id: refers to taxonomy_term "
        "'0bc248fa-dc27-4650-9ba4-8f1a24ef16a2', which is not in this file or the directory",
        "service.attributes[0].link_id: refers to 'f28dd44b-0c4d-479f-8e90-4c52219a8b3c', which is not in this "
        "file or the directory",
    ]
    assert not Service.objects.exists() and not Detail.objects.exists() and not Organization.objects.exists()


def test_a_csv_problem_is_named_by_file_row_and_column(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "organizations.csv").write_text(f"id,name,description\n{uid('o')},Friends,\n", encoding="utf-8")
    (package / "services.csv").write_text(
        f"id,organization_id,name,status,minimum_age\n{uid('s')},{uid('o')},Lunch,open,sixty\n", encoding="utf-8"
    )
    (package / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    assert _rejected(package) == [
        "notes.csv: is not a file of the profile's tabular data package",
        "organizations.csv row 2, description: is required",
        "services.csv row 2, status: 'open' is not one of: active, inactive, defunct, temporarily closed",
        "services.csv row 2, minimum_age: must be a number",
    ]


def test_onteams_own_layout_imports_and_importing_it_again_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_document(tmp_path / "directory.json", sample_document())
    first = _import(path, capsys)
    assert first["imported"] is True
    created = {table: n for table, n in first["created"].items() if n}
    assert created == {
        "organization": 1, "taxonomy_term": 2, "service": 1, "location": 1, "address": 1, "service_at_location": 1,
        "schedule": 1, "contact": 1, "phone": 1, "cost_option": 1, "attribute": 1,
    }  # fmt: skip
    service = Service.objects.get(pk=uid("svc-1"))
    assert service.charging == Charging.FEE
    assert "loneliness and isolation" in service.search_text
    assert Location.objects.get().postal_code == "OT3 4AB"
    modified = service.modified_at

    second = _import(path, capsys)
    assert sum(second["created"].values()) == 0 and sum(second["updated"].values()) == 0
    assert Service.objects.get().modified_at == modified
    assert Service.objects.count() == 1 and Schedule.objects.count() == 1


def test_a_changed_record_is_updated_by_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = sample_document()
    _import(write_document(tmp_path / "a.json", document), capsys)
    document["service"][0]["name"] = "Tuesday lunch and chat"
    report = _import(write_document(tmp_path / "b.json", document), capsys)
    assert report["updated"]["service"] == 1 and report["created"]["service"] == 0
    assert Service.objects.get().name == "Tuesday lunch and chat"


def test_a_bad_file_is_reported_in_json_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _import(write_document(tmp_path / "good.json", sample_document()), capsys)
    before = export_document()
    document = sample_document()
    document["service"][0]["name"] = "Renamed"
    document["location"][0]["latitude"] = 100
    with pytest.raises(CommandError, match=r"bad\.json was not imported: 1 problem"):
        call_command("import_directory", str(write_document(tmp_path / "bad.json", document)), "--report", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [
        {"file": "bad.json", "path": "location[0].latitude", "message": "100 is outside -90 to 90"}
    ]
    assert export_document() == before


@pytest.mark.parametrize(
    ("table", "change", "path", "message"),
    [
        ("service", {"name": ""}, "service[0].name", "is required"),
        ("service", {"organization_id": uid("nowhere")}, "service[0].organization_id", "not in this file"),
        ("service", {"minimum_age": 70, "maximum_age": 65}, "service[0].minimum_age", "not be more than maximum"),
        ("service", {"maximum_age": 300}, "service[0].maximum_age", "300 is outside 0 to 130"),
        ("service", {"assured_date": "2026-02-30"}, "service[0].assured_date", "real date written as YYYY-MM-DD"),
        ("service", {"id": "svc-1"}, "service[0].id", "is not a UUID"),
        ("location", {"longitude": -200}, "location[0].longitude", "-200 is outside -180 to 180"),
        ("location", {"addresses": [{"id": uid("a"), "postal_code": 5}]}, "location[0].addresses[0].postal_code",
         "must be text"),
        ("location", {"addresses": [{"id": uid("a")}]}, "location[0].addresses[0].state_province", "is required"),
        ("schedule", {"byday": "TUE"}, "schedule[0].byday", "two letters"),
        ("schedule", {"interval": float("inf")}, "schedule[0].interval", "inf is outside 1 to 1000"),
        ("location", {"latitude": float("nan")}, "location[0].latitude", "must be a number"),
        ("schedule", {"service_id": uid("nowhere")}, "schedule[0].service_id", "not in this file or the directory"),
        ("attribute", {"taxonomy_term_id": uid("no-term")}, "attribute[0].taxonomy_term_id", "not in this file"),
    ],
)  # fmt: skip
def test_each_kind_of_problem_is_reported_with_its_path(
    tmp_path: Path, table: str, change: dict[str, object], path: str, message: str
) -> None:
    document = sample_document()
    document[table][0].update(change)
    problems = _rejected(write_document(tmp_path / "f.json", document))
    assert any(p.startswith(f"{path}: ") and message in p for p in problems), problems
    assert not Service.objects.exists()


def test_duplicate_ids_and_unreadable_files_are_reported(tmp_path: Path) -> None:
    document = sample_document()
    document["phone"].append({**document["phone"][0], "number": "0113 496 0999"})
    assert _rejected(write_document(tmp_path / "dup.json", document)) == [
        "phone[1].id: is used by another, different phone at phone[0]"
    ]
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert "cannot be read as JSON" in _rejected(tmp_path / "broken.json")[0]


def test_a_file_may_refer_to_records_already_in_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(write_document(tmp_path / "a.json", sample_document()), capsys)
    extra = {"phone": [{"id": uid("ph-2"), "service_id": uid("svc-1"), "number": "0113 496 0001"}]}
    report = _import(write_document(tmp_path / "b.json", extra), capsys)
    assert report["created"]["phone"] == 1 and sum(report["created"].values()) == 1


def test_the_json_export_is_valid_and_imports_back_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(write_document(tmp_path / "a.json", sample_document()), capsys)
    exported = tmp_path / "out.json"
    call_command("export_directory", str(exported))
    capsys.readouterr()
    document = json.loads(exported.read_text())
    _assert_records_valid(document)
    assert document["address"][0]["postal_code"] == "OT3 4AB"
    assert document["schedule"][0]["opens_at"] == "12:00"  # as given
    report = _import(exported, capsys)
    assert sum(report["created"].values()) == 0 and sum(report["updated"].values()) == 0


def test_what_hsds_core_nests_and_the_profile_does_not_is_kept_and_served(client: Client) -> None:
    """A place's own schedule and a contact's phone (HSDS 3 core) come back where they were given."""
    import_file(DATA / "oruk_taxonomy.json")
    service = json.loads(json.dumps(EXAMPLE))
    place_schedule = {"id": uid("place-schedule"), "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00"}
    service["service_at_locations"][0]["schedules"] = [place_schedule]
    service["contacts"][0]["phones"] = [{"id": uid("contact-phone"), "number": "0113 496 0777"}]
    import_document(service, "core.json")
    served = client.get(f"/openreferral/services/{EXAMPLE['id']}").json()
    assert oruk.answer_errors("/services/{id}", served) == []
    assert _contains(served, service)
    assert Service.objects.get(pk=EXAMPLE["id"]).days == "MO,TH,FR"  # the place's Monday counts in search


def test_a_changed_nested_record_is_updated_and_the_service_marked_modified(tmp_path: Path, client: Client) -> None:
    import_file(DATA / "oruk_taxonomy.json")
    import_file(DATA / "oruk_service.json")
    changed = json.loads(json.dumps(EXAMPLE))
    changed.pop("last_modified")
    changed["service_at_locations"][0]["location"]["accessibility"][0]["details"] = "Lift to all floors"
    result = import_file(write_document(tmp_path / "changed.json", changed))
    assert result.updated["accessibility"] == 1 and result.updated["service"] == 1
    assert sum(result.updated.values()) == 2
    served = client.get(f"/openreferral/services/{EXAMPLE['id']}").json()
    access = served["service_at_locations"][0]["location"]["accessibility"][0]
    assert access["details"] == "Lift to all floors"
    modified = Service.objects.get(pk=EXAMPLE["id"]).modified_at
    assert modified is not None and modified.year == timezone.now().year


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's; SQLite has none")
def test_a_large_import_refreshes_the_statistics_of_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """So the next search plans on the rows there are, not on an empty-looking table (autovacuum may be late)."""
    monkeypatch.setattr(importer, "ANALYSE_AFTER", 3)
    import_file(DATA / "oruk_taxonomy.json")
    import_document(EXAMPLE, "example.json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Service._meta.db_table])
        assert cursor.fetchone()[0] == Service.objects.count()
