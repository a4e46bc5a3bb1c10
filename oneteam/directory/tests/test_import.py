"""Importing and exporting Open Referral UK files: checked, all or nothing, idempotent by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oneteam.directory.importer import export_document
from oneteam.directory.models import Charging, Location, Organization, Schedule, Service

from .factories import sample_document, write_document

pytestmark = pytest.mark.django_db


def _import(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    call_command("import_directory", str(path), "--report", "json")
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_a_valid_file_imports_and_importing_it_again_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_document(tmp_path / "directory.json", sample_document())
    first = _import(path, capsys)
    assert first["imported"] is True
    assert first["created"] == {
        "organization": 1, "taxonomy_term": 2, "service": 1, "location": 1, "service_at_location": 1,
        "schedule": 1, "contact": 1, "phone": 1, "cost_option": 1, "attribute": 1,
    }  # fmt: skip
    service = Service.objects.get(pk="svc-1")
    assert service.charging == Charging.FEE
    assert "loneliness and isolation" in service.search_text
    assert Location.objects.get().postal_code == "OT3 4AB"

    second = _import(path, capsys)
    tables: dict[str, int] = first["created"]  # type: ignore[assignment]
    assert second["created"] == dict.fromkeys(tables, 0)
    assert second["updated"] == dict.fromkeys(tables, 0)
    assert Service.objects.count() == 1 and Schedule.objects.count() == 1


def test_a_changed_record_is_updated_by_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = sample_document()
    _import(write_document(tmp_path / "a.json", document), capsys)
    document["service"][0]["name"] = "Tuesday lunch and chat"
    report = _import(write_document(tmp_path / "b.json", document), capsys)
    assert report["updated"]["service"] == 1  # type: ignore[index]
    assert report["created"]["service"] == 0  # type: ignore[index]
    assert Service.objects.get().name == "Tuesday lunch and chat"


def test_one_record_with_latitude_100_rejects_the_whole_file_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = sample_document()
    document["location"].append({"id": "loc-bad", "location_type": "physical", "latitude": 100, "longitude": -1.4})
    path = write_document(tmp_path / "bad.json", document)
    with pytest.raises(CommandError, match=r"bad\.json was not imported: 1 problem"):
        call_command("import_directory", str(path), "--report", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] is False
    assert report["problems"] == [
        {
            "file": "bad.json",
            "table": "location",
            "record_id": "loc-bad",
            "field": "latitude",
            "message": "must be between -90 and 90 (it is 100)",
        }
    ]
    # Nothing was written, not even the good records before it.
    assert not Organization.objects.exists() and not Service.objects.exists() and not Location.objects.exists()


def test_a_bad_file_leaves_an_existing_directory_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _import(write_document(tmp_path / "good.json", sample_document()), capsys)
    before = export_document()
    document = sample_document()
    document["service"][0]["name"] = "Renamed"
    document["location"][0]["latitude"] = 100
    with pytest.raises(CommandError):
        call_command("import_directory", str(write_document(tmp_path / "bad.json", document)))
    assert export_document() == before


@pytest.mark.parametrize(
    ("table", "change", "field", "message"),
    [
        ("service", {"name": ""}, "name", "is required"),
        (
            "service",
            {"organization_id": "org-missing"},
            "organization_id",
            "which is not in this file or the directory",
        ),
        ("service", {"minimum_age": 70, "maximum_age": 65}, "minimum_age", "must not be more than maximum_age"),
        ("service", {"maximum_age": 300}, "maximum_age", "whole number of years from 0 to 130"),
        ("service", {"assured_date": "2026-02-30"}, "assured_date", "real date written as YYYY-MM-DD"),
        ("service", {"status": "open"}, "status", "must be one of"),
        ("location", {"longitude": -200}, "longitude", "between -180 and 180"),
        ("location", {"addresses": [{"postal_code": 5}]}, "addresses[0].postal_code", "must be text"),
        ("schedule", {"byday": "TUE"}, "byday", "two letters"),
        ("schedule", {"opens_at": "25:00"}, "opens_at", "time of day"),
        ("schedule", {"service_id": "svc-nowhere"}, "service_id", "not in this file or the directory"),
        ("service_at_location", {"location_id": "loc-nowhere"}, "location_id", "not in this file or the directory"),
        ("attribute", {"taxonomy_term_id": "no-such-term"}, "taxonomy_term_id", "not in this file"),
    ],
)
def test_each_kind_of_problem_is_reported_with_its_record_and_field(
    tmp_path: Path, table: str, change: dict[str, object], field: str, message: str
) -> None:
    document = sample_document()
    document[table][0].update(change)
    path = write_document(tmp_path / "f.json", document)
    from oneteam.directory.importer import ImportRejected, import_file

    with pytest.raises(ImportRejected) as rejected:
        import_file(path)
    [problem] = rejected.value.problems
    assert (problem.file, problem.table, problem.record_id, problem.field) == (
        "f.json",
        table,
        document[table][0]["id"],
        field,
    )
    assert message in problem.message
    assert not Service.objects.exists()


def test_duplicate_ids_and_unreadable_files_are_reported(tmp_path: Path) -> None:
    from oneteam.directory.importer import ImportRejected, import_file

    document = sample_document()
    document["phone"].append(dict(document["phone"][0]))
    with pytest.raises(ImportRejected) as rejected:
        import_file(write_document(tmp_path / "dup.json", document))
    assert [(p.table, p.record_id, p.field) for p in rejected.value.problems] == [("phone", "ph-1", "id")]
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_file(tmp_path / "broken.json")
    assert "cannot be read as JSON" in rejected.value.problems[0].message


def test_a_file_may_refer_to_records_already_in_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(write_document(tmp_path / "a.json", sample_document()), capsys)
    extra = {"phone": [{"id": "ph-2", "service_id": "svc-1", "number": "0113 496 0001"}]}
    report = _import(write_document(tmp_path / "b.json", extra), capsys)
    assert report["created"]["phone"] == 1  # type: ignore[index]
    assert sum(report["created"].values()) == 1  # type: ignore[attr-defined]


def test_export_writes_the_same_format_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _import(write_document(tmp_path / "a.json", sample_document()), capsys)
    exported = tmp_path / "out.json"
    call_command("export_directory", str(exported))
    capsys.readouterr()
    document = json.loads(exported.read_text())
    assert document["location"][0]["addresses"][0]["postal_code"] == "OT3 4AB"
    assert document["schedule"][0]["opens_at"] == "12:00"
    assert "alternate_name" not in document["service"][0]  # empty optional fields are left out
    # Importing the export changes nothing.
    report = _import(exported, capsys)
    assert sum(report["created"].values()) == 0  # type: ignore[attr-defined]
    assert sum(report["updated"].values()) == 0  # type: ignore[attr-defined]
