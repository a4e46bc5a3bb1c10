"""Import and export of Open Referral UK directory files (format: see `hsds`).

`import_file` checks every record before writing any: required fields, values
in range (latitude, longitude, ages, dates, times), and that every reference
points at a record in the file or already in the directory. One problem
anywhere rejects the whole file. A clean file is written in one transaction,
by id: a record that is already there unchanged is left alone, so importing
the same file twice creates nothing new.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from tqdm import tqdm

from . import hsds
from .models import (
    Charging,
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "taxonomy_term": TaxonomyTerm,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "schedule": Schedule,
    "contact": Contact,
    "phone": Phone,
    "cost_option": CostOption,
}
# Service fields worked out from other records (see `refresh_derived`), never read from a file.
DERIVED = ("charging", "search_text", "days")
# Words in a cost option that mean the charge depends on the person's means.
MEANS_TEST_WORDS = ("means-test", "means test", "financial assessment")


@dataclass(frozen=True)
class Problem:
    """Something wrong in a directory file, and where: the record's table and id, and the field."""

    file: str
    table: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.table} {self.record_id!r}" if self.record_id else self.table
        return f"{self.file}: {where}, {self.field}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; nothing in the directory changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportResult:
    """How many records of each table were created, updated or already the same."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)


# -- Reading and checking ------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    """Every record of the file as model values, by table and id, once it has been checked."""

    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))


def read(path: Path, *, progress: bool = False) -> tuple[_Parsed, list[Problem]]:
    """Read and check the file at `path`; any problems mean it must not be imported."""
    name = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return _Parsed(), [Problem(name, "file", "", "(whole file)", f"cannot be read as JSON: {error}")]
    return check(document, name, progress=progress)


def check(document: Any, name: str, *, progress: bool = False) -> tuple[_Parsed, list[Problem]]:
    """Check a parsed directory document; returns the records as model values and the problems found."""
    parsed = _Parsed()
    if not isinstance(document, dict):
        return parsed, [Problem(name, "file", "", "(whole file)", "must be a JSON object with an array per table")]
    problems = [
        Problem(
            name, table, "", "(table)", f"is not an Open Referral UK table we read; expected {', '.join(hsds.SPECS)}"
        )
        for table in document
        if table not in hsds.SPECS
    ]
    for spec in hsds.TABLES:
        records = document.get(spec.name, [])
        if not isinstance(records, list):
            problems.append(Problem(name, spec.name, "", "(table)", "must be an array of records"))
            continue
        for position, record in enumerate(tqdm(records, desc=f"Checking {spec.name}", disable=not progress)):
            problems += _check_record(name, spec, position, record, parsed)
    problems += _check_references(name, parsed)
    return parsed, problems


def _check_record(name: str, spec: hsds.TableSpec, position: int, record: Any, parsed: _Parsed) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem(name, spec.name, f"#{position + 1}", "(record)", "must be a JSON object")]
    record_id = str(record["id"]) if isinstance(record.get("id"), str) else ""
    label = record_id or f"#{position + 1}"
    record, places = _flattened(spec.name, record)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for spec_field in spec.fields:
        raw = record.get(spec_field.name)
        if hsds.is_empty(raw):
            if spec_field.required:
                problems.append(
                    Problem(name, spec.name, label, places.get(spec_field.name, spec_field.name), "is required")
                )
            continue
        try:
            values[spec_field.name] = spec_field.parse(raw)
        except ValueError as error:
            problems.append(Problem(name, spec.name, label, places.get(spec_field.name, spec_field.name), str(error)))
    for table, first, second, message in hsds.IN_ORDER:
        if table == spec.name and first in values and second in values and values[first] > values[second]:
            problems.append(Problem(name, spec.name, label, first, message))
    if spec.name in ("schedule",) and "service_id" not in values and "service_at_location_id" not in values:
        problems.append(
            Problem(name, spec.name, label, "service_id", "a schedule needs a service_id or a service_at_location_id")
        )
    if record_id in parsed.records[spec.name]:
        problems.append(Problem(name, spec.name, label, "id", "is used by another record in this table"))
    elif not problems:
        parsed.records[spec.name][record_id] = values
    elif record_id:
        # Keep the id known, so records referring to it report only their own problems.
        parsed.records[spec.name][record_id] = {}
    return problems


def _flattened(table: str, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A location's first address moved into the record; `places` says where each moved field was in the file."""
    if table != "location" or not isinstance(record.get("addresses"), list) or not record["addresses"]:
        return record, {}
    address = record["addresses"][0]
    if not isinstance(address, dict):
        return record, {}
    flat = {key: value for key, value in record.items() if key != "addresses"}
    places = {}
    for key, attribute in hsds.ADDRESS_FIELDS.items():
        flat[attribute] = address.get(key)
        places[attribute] = f"addresses[0].{key}"
    return flat, places


def _check_references(name: str, parsed: _Parsed) -> list[Problem]:
    """Every `..._id` must name a record in this file or already in the directory."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for spec in hsds.TABLES:
        for values in parsed.records[spec.name].values():
            for spec_field in spec.fields:
                target = values.get(spec_field.name)
                if spec_field.refers_to and target is not None and target not in parsed.records[spec_field.refers_to]:
                    wanted[spec_field.refers_to].add(target)
    known = {
        table: set(MODELS[table]._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        for table, ids in wanted.items()
    }
    problems = []
    for spec in hsds.TABLES:
        for record_id, values in parsed.records[spec.name].items():
            for spec_field in spec.fields:
                target = values.get(spec_field.name)
                if target in wanted.get(spec_field.refers_to, ()) and target not in known[spec_field.refers_to]:
                    problems.append(
                        Problem(
                            name,
                            spec.name,
                            record_id,
                            spec_field.name,
                            f"refers to {spec_field.refers_to} {target!r}, which is not in this file or the directory",
                        )
                    )
    return problems


# -- Writing -------------------------------------------------------------------------------------------------


def import_file(path: Path, *, progress: bool = False) -> ImportResult:
    """Check the file and, if it has no problems, import it in one transaction. Raises ImportRejected."""
    parsed, problems = read(path, progress=progress)
    if problems:
        raise ImportRejected(problems)
    return write(parsed)


@transaction.atomic
def write(parsed: _Parsed) -> ImportResult:
    """Create or update every record by id; then link taxonomy terms and refresh what services derive."""
    result = ImportResult()
    for table, model in MODELS.items():
        _upsert(table, model, parsed.records[table], result)
    links = {(values["link_id"], values["taxonomy_term_id"]) for values in parsed.records["attribute"].values()}
    through = Service.taxonomy_terms.through
    existing = set(
        through.objects.filter(service_id__in={service for service, _ in links}).values_list(
            "service_id", "taxonomyterm_id"
        )
    )
    new_links = links - existing
    through.objects.bulk_create([through(service_id=s, taxonomyterm_id=t) for s, t in sorted(new_links)])
    result.created["attribute"] += len(new_links)
    result.updated["attribute"] += 0
    result.unchanged["attribute"] += len(links & existing)
    touched = set(parsed.records["service"]) | {s for s, _ in links}
    touched |= {values["service_id"] for values in parsed.records["cost_option"].values()}
    touched |= {values["service_id"] for values in parsed.records["schedule"].values() if values.get("service_id")}
    at_locations = {values.get("service_at_location_id") for values in parsed.records["schedule"].values()} - {None}
    touched |= set(ServiceAtLocation.objects.filter(pk__in=at_locations).values_list("service_id", flat=True))
    refresh_derived(touched)
    return result


def _upsert(table: str, model: type[models.Model], records: dict[str, dict[str, Any]], result: ImportResult) -> None:
    existing = model._base_manager.in_bulk(list(records))
    # What a field holds when the file leaves it out: its default ('' for text, None where it may be empty).
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields if f.attname not in ("id", *DERIVED)}
    attributes = list(defaults)
    create, update = [], []
    for record_id, values in records.items():
        full = {attribute: values.get(attribute, default) for attribute, default in defaults.items()}
        current = existing.get(record_id)
        if current is None:
            create.append(model(id=record_id, **full))
        elif any(getattr(current, attribute) != value for attribute, value in full.items()):
            for attribute, value in full.items():
                setattr(current, attribute, value)
            update.append(current)
    model._base_manager.bulk_create(create, batch_size=1000)
    if update:
        model._base_manager.bulk_update(update, attributes, batch_size=1000)
    result.created[table] += len(create)
    result.updated[table] += len(update)
    result.unchanged[table] += len(records) - len(create) - len(update)


def charging_for(options: Iterable[CostOption]) -> Charging:
    """Free unless a cost option charges: means-tested if one says so, otherwise a fee."""
    options = list(options)
    if any(word in option.option.lower() for option in options for word in MEANS_TEST_WORDS):
        return Charging.MEANS_TESTED
    if any(option.amount for option in options):
        return Charging.FEE
    return Charging.FREE


def search_text_for(service: Service, organisation_name: str, term_names: Iterable[str]) -> str:
    """What free-text search looks in, lower case: the service's words, its organisation and its needs."""
    parts = [service.name, service.alternate_name, service.description, service.eligibility_description]
    return " ".join(part for part in (*parts, organisation_name, *term_names) if part).lower()


def days_for(schedules: Iterable[Schedule]) -> str:
    """The days any of the schedules run on, in week order: "MO,TH"."""
    days = {day for schedule in schedules for day in schedule.byday.split(",") if day}
    return ",".join(day for day in hsds.DAYS if day in days)


def refresh_derived(service_ids: Iterable[str]) -> None:
    """Recompute `charging`, `search_text` and `days` of these services from their cost options, organisation,
    terms and schedules."""
    changed = []
    ids = sorted(set(service_ids))
    for start in range(0, len(ids), 1000):
        services = Service.objects.filter(pk__in=ids[start : start + 1000]).select_related("organization")
        services = services.prefetch_related(
            "cost_options", "taxonomy_terms", "schedules", "service_at_locations__schedules"
        )
        for service in services:
            schedules = [
                *service.schedules.all(),
                *(s for sal in service.service_at_locations.all() for s in sal.schedules.all()),
            ]
            derived = (
                charging_for(service.cost_options.all()),
                search_text_for(service, service.organization.name, (t.name for t in service.taxonomy_terms.all())),
                days_for(schedules),
            )
            if (service.charging, service.search_text, service.days) != derived:
                service.charging, service.search_text, service.days = derived
                changed.append(service)
    Service.objects.bulk_update(changed, list(DERIVED), batch_size=1000)


# -- Export --------------------------------------------------------------------------------------------------


def export_document() -> dict[str, list[dict[str, Any]]]:
    """The whole directory in the format `import_file` reads, empty optional fields left out."""
    document: dict[str, list[dict[str, Any]]] = {}
    for spec in hsds.TABLES:
        if spec.name == "attribute":
            document["attribute"] = list(_attributes())
            continue
        names = [f.name for f in spec.fields]
        rows = MODELS[spec.name]._base_manager.order_by("pk").values(*names).iterator(chunk_size=2000)
        document[spec.name] = [hsds_record(spec.name, row) for row in rows]
    return document


def hsds_record(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """One record as HSDS writes it: empty optional fields left out, a location's address under `addresses`."""
    address = hsds.location_address(values) if table == "location" else {}
    skip = set(hsds.ADDRESS_FIELDS.values()) if table == "location" else set()
    record = {key: hsds.to_json(value) for key, value in values.items() if key not in skip and not hsds.is_empty(value)}
    if address:
        record["addresses"] = [address]
    return record


def _attributes() -> Iterator[dict[str, Any]]:
    links = Service.taxonomy_terms.through.objects.order_by("service_id", "taxonomyterm_id")
    for service_id, term_id in links.values_list("service_id", "taxonomyterm_id").iterator(chunk_size=5000):
        yield {
            "id": f"{service_id}:{term_id}",
            "link_id": service_id,
            "link_type": "service",
            "taxonomy_term_id": term_id,
        }
