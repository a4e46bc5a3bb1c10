"""Reading a directory file in any of the forms Open Referral UK data travels in, into rows of HSDS tables.

Detected from the file itself:

- the API's nested JSON: one service or organisation (as `/services/{id}` returns it), a page of them (an
  object with `contents`), or an array of them;
- the tabular data package: a folder or .zip of the profile's CSV files (`services.csv`, `locations.csv`...),
  with or without `datapackage.json`;
- OneTeam's own export: a JSON object with an array per table (`service`, `location`...).

Nested records are flattened into their tables, each given the id of the record it was nested in (a schedule
nested in a service gets its `service_id`). Every row remembers where it was in the file, so a problem can be
named by its path: `services[0].service_at_locations[0].location.latitude`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import hsds


@dataclass(frozen=True)
class Problem:
    """Something wrong in a directory file: the file, where in it (a path, or a CSV file and row), and what."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


@dataclass(frozen=True)
class Row:
    """One record of an HSDS table, and where it was in the file."""

    table: str
    path: str
    record: dict[str, Any]


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[Row] = []
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def flatten(self, table: str, given: Any, path: str, parent: tuple[str, Any] | None = None) -> None:
        """Add `given` (a record of `table`, perhaps with others nested in it) and everything nested in it."""
        if not isinstance(given, dict):
            self.problem(path, "must be a JSON object")
            return
        spec = hsds.SPECS[table]
        nested = {n.name: n for n in spec.nested}
        if table == "organization":  # an organisation as /organizations/{id} serves it, with its services
            nested["services"] = hsds.Nested("services", "service", many=True)
        # null means "not given" in HSDS, and the profile's schemas allow no nulls: such fields are left out.
        record = {key: value for key, value in given.items() if key not in nested and value is not None}
        if parent is not None:
            parent_table, parent_id = parent
            record.setdefault(hsds.link_field(table, parent_table), parent_id)
            if table == "attribute":
                record.setdefault("link_entity", parent_table)
        for n in nested.values():
            value = given.get(n.name)
            if hsds.is_empty(value):
                continue
            where = f"{path}.{n.name}"
            if not n.many:
                self.flatten(n.table, value, where)
                if isinstance(value, dict) and isinstance(value.get("id"), str):
                    record.setdefault(f"{n.table}_id", value["id"])
            elif not isinstance(value, list):
                self.problem(where, "must be an array")
            else:
                for position, child in enumerate(value):
                    self.flatten(n.table, child, f"{where}[{position}]", (table, given.get("id")))
        self.rows.append(Row(table, path, record))

    def json_document(self, document: Any) -> None:
        """Work out which JSON form this is and read it."""
        if isinstance(document, list):
            self.api_objects(document, "")
        elif not isinstance(document, dict):
            self.problem("(whole file)", "must be a JSON object or array")
        elif isinstance(document.get("contents"), list):
            self.api_objects(document["contents"], "contents")
        elif "id" in document:
            self.flatten(_api_table(document), document, _api_table(document))
        else:
            self.tables(document)

    def api_objects(self, objects: list[Any], prefix: str) -> None:
        for position, given in enumerate(objects):
            table = _api_table(given) if isinstance(given, dict) else "service"
            self.flatten(table, given, f"{prefix or table + 's'}[{position}]")

    def tables(self, document: dict[str, Any]) -> None:
        """OneTeam's own export: an array of records per table."""
        for table, records in document.items():
            if table not in hsds.SPECS:
                self.problem(table, f"is not a table of the profile; expected one of {', '.join(sorted(hsds.SPECS))}")
            elif not isinstance(records, list):
                self.problem(table, "must be an array of records")
            else:
                for position, record in enumerate(records):
                    self.flatten(table, record, f"{table}[{position}]")

    def csv_file(self, name: str, table: str, text: str) -> None:
        spec = hsds.SPECS[table]
        reader = csv.DictReader(io.StringIO(text))
        for line, row in enumerate(reader, start=2):
            record = {
                column: hsds.from_csv(spec.fields.get(column, hsds.FieldSpec(column)), cell)
                for column, cell in row.items()
                if column and cell not in ("", None)
            }
            self.rows.append(Row(table, f"{name} row {line}", record))


def _api_table(given: dict[str, Any]) -> str:
    """A service has a status (the standard requires one); an organisation has none."""
    return "service" if "status" in given or "organization" in given else "organization"


def _package_tables(names: Iterable[str], datapackage: Any, reader: _Reader) -> dict[str, str]:
    """Which table each CSV file holds: from `datapackage.json` if there is one, else from the profile's names."""
    if datapackage is not None:
        resources = datapackage.get("resources") if isinstance(datapackage, dict) else None
        if not isinstance(resources, list):
            reader.problem("datapackage.json", "must have a list of resources")
            return {}
        found = {}
        for position, resource in enumerate(resources):
            table = resource.get("name") if isinstance(resource, dict) else None
            path = resource.get("path") if isinstance(resource, dict) else None
            if table not in hsds.SPECS or not isinstance(path, str):
                reader.problem(f"datapackage.json resources[{position}]", "must name a table of the profile and a path")
            elif path not in names:
                reader.problem(f"datapackage.json resources[{position}].path", f"{path} is not in the package")
            else:
                found[path] = table
        return found
    found = {}
    for name in names:
        if name in hsds.TABLE_OF_CSV:
            found[name] = hsds.TABLE_OF_CSV[name]
        elif name.endswith(".csv"):
            reader.problem(name, "is not a file of the profile's tabular data package")
    return found


def _read_package(files: dict[str, bytes], reader: _Reader) -> None:
    datapackage = None
    if "datapackage.json" in files:
        try:
            datapackage = json.loads(files["datapackage.json"].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            reader.problem("datapackage.json", f"cannot be read as JSON: {error}")
            return
    tables = _package_tables(files, datapackage, reader)
    if not tables and not reader.problems:
        reader.problem("(whole file)", "holds none of the profile's CSV files")
    for name, table in sorted(tables.items()):
        try:
            reader.csv_file(name, table, files[name].decode("utf-8-sig"))
        except (UnicodeDecodeError, csv.Error) as error:
            reader.problem(name, f"cannot be read as CSV: {error}")


def read(path: Path) -> tuple[list[Row], list[Problem]]:
    """The rows of the directory file or package at `path`, and any problems reading it."""
    reader = _Reader(path.name)
    try:
        if path.is_dir():
            _read_package({p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}, reader)
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                files = {Path(i.filename).name: package.read(i) for i in package.infolist() if not i.is_dir()}
            _read_package(files, reader)
        else:
            reader.json_document(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, json.JSONDecodeError, RecursionError) as error:
        reader.problem("(whole file)", f"cannot be read as JSON or as a tabular data package: {error}")
    return reader.rows, reader.problems


def read_document(document: Any, name: str) -> tuple[list[Row], list[Problem]]:
    """The rows of an already parsed JSON document."""
    reader = _Reader(name)
    reader.json_document(document)
    return reader.rows, reader.problems
