"""Import and export of Open Referral UK directory files (forms: see `formats`; fields: see `hsds`).

`import_file` checks every record before writing any, like the standard's
validator: required fields, types, formats (UUID ids, dates, times, emails,
web addresses), values in range (latitude, longitude, ages, amounts), and that
every reference points at a record in the file or already in the directory.
Every problem of the file is reported, each by its path; one problem anywhere
rejects the whole file. A clean file is written in one transaction, by id: a
record already there unchanged is left alone, so importing the same file twice
changes nothing.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from oneteam.database import analyse

from .. import formats, hsds
from ..formats import Problem, Row
from ..models import (
    Charging,
    Contact,
    CostOption,
    Detail,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

# Tables with their own model, in the order they are written (references first); every other table is a Detail.
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
# Rows created or updated by one import from which the tables' statistics are refreshed at once, rather than
# whenever autovacuum next gets to them: a council's whole directory, not one edited entry.
ANALYSE_AFTER = 1_000
# Columns worked out from other records (see `_derive`), never read straight from a file.
DERIVED = {
    "service": ("charging", "search_text", "days", "modified_at"),
    "location": ("address_id", "address_1", "city", "postal_code", "country"),
}
# The field naming what a Detail record belongs to, by table, first found wins.
DETAIL_PARENT = ("link_id", "location_id", "service_id", "phone_id", "organization_id")
# Words in a cost option that mean the charge depends on the person's means.
MEANS_TEST_WORDS = ("means-test", "means test", "financial assessment")


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


# -- Checking ------------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """Every record of the file by table and id: as given (`records`) and as Python values (`values`)."""

    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    paths: dict[tuple[str, str], str] = field(default_factory=dict)


def _at(path: str, name: str) -> str:
    """Where field `name` of the record at `path` is: `services.csv row 2, status` or `service[0].status`."""
    return f"{path}, {name}" if " row " in path else f"{path}.{name}"


def _max_lengths(table: str) -> dict[str, int]:
    model = MODELS.get(table)
    if model is None:
        return {}
    return {
        f.attname: f.max_length
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.max_length and f.attname not in DERIVED.get(table, ())
    }


_LENGTHS = {table: _max_lengths(table) for table in MODELS}


def _check_row(file: str, row: Row, checked: Checked) -> list[Problem]:
    spec = hsds.SPECS[row.table]
    record, problems, values = row.record, [], {}
    for name in (*spec.required, *spec.tabular_required):
        if name != "link_entity" and hsds.is_empty(record.get(name)):
            problems.append(Problem(file, _at(row.path, name), "is required"))
    for name, value in record.items():
        described = spec.fields.get(name)
        if hsds.is_empty(value) or described is None:
            continue
        try:
            values[name] = hsds.parse(row.table, described, value)
        except ValueError as error:
            problems.append(Problem(file, _at(row.path, name), str(error)))
            continue
        limit = _LENGTHS.get(row.table, {}).get(name)
        if limit and isinstance(values[name], str) and len(values[name]) > limit:
            problems.append(Problem(file, _at(row.path, name), f"is longer than {limit} characters"))
    for table, first, second, message in hsds.IN_ORDER:
        if table == row.table and first in values and second in values and values[first] > values[second]:
            problems.append(Problem(file, _at(row.path, first), message))
    if row.table == "schedule" and not ({"service_id", "service_at_location_id"} & set(values)):
        problems.append(
            Problem(file, _at(row.path, "service_id"), "a schedule needs a service_id or a service_at_location_id")
        )
    record_id = values.get("id")
    if record_id is None:
        return problems
    seen = checked.paths.get((row.table, record_id))
    if seen is not None:
        if checked.records[row.table][record_id] != record:
            problems.append(Problem(file, _at(row.path, "id"), f"is used by another, different {row.table} at {seen}"))
        return problems
    checked.paths[(row.table, record_id)] = row.path
    checked.records[row.table][record_id] = record
    checked.values[row.table][record_id] = values
    return problems


def _in_directory(table: str, ids: set[str]) -> set[str]:
    if table in MODELS:
        return set(MODELS[table]._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return set(Detail.objects.filter(table=table, record_id__in=ids).values_list("record_id", flat=True))


def _check_references(file: str, checked: Checked) -> list[Problem]:
    """Every `..._id` must name a record in this file or already in the directory; an attribute's `link_id`
    must name some record, whose table becomes its `link_entity` if the file does not say."""
    wanted: dict[str, set[str]] = defaultdict(set)
    links: dict[str, str] = {}  # attribute id -> what it describes
    for table, by_id in checked.values.items():
        for record_id, values in by_id.items():
            for name, target in values.items():
                points_at = hsds.refers_to(table, name)
                if points_at and target not in checked.records[points_at]:
                    wanted[points_at].add(target)
            if table == "attribute" and "link_id" in values:
                links[record_id] = values["link_id"]
    known = {table: _in_directory(table, ids) for table, ids in wanted.items()}
    problems = []
    for table, by_id in checked.values.items():
        for record_id, values in by_id.items():
            row_path = checked.paths[(table, record_id)]
            for name, target in values.items():
                points_at = hsds.refers_to(table, name)
                if points_at and target in wanted[points_at] and target not in known[points_at]:
                    problems.append(
                        Problem(
                            file,
                            _at(row_path, name),
                            f"refers to {points_at} {target!r}, which is not in this file or the directory",
                        )
                    )
    problems += _link_entities(file, checked, links)
    return problems


def _link_entities(file: str, checked: Checked, links: dict[str, str]) -> list[Problem]:
    """Each attribute's `link_id` must name a record of some table, in the file or the directory."""
    unknown = {target for target in links.values() if not any(target in found for found in checked.records.values())}
    in_directory = {table: _in_directory(table, unknown) for table in hsds.SPECS} if unknown else {}
    problems = []
    for attribute_id, target in links.items():
        record = checked.records["attribute"][attribute_id]
        tables = [t for t in hsds.SPECS if target in checked.records.get(t, {}) or target in in_directory.get(t, ())]
        if not tables:
            path = _at(checked.paths[("attribute", attribute_id)], "link_id")
            problems.append(Problem(file, path, f"refers to {target!r}, which is not in this file or the directory"))
        elif hsds.is_empty(record.get("link_entity")):
            checked.values["attribute"][attribute_id]["link_entity"] = tables[0]
    return problems


def check(rows: Iterable[Row], file: str) -> tuple[Checked, list[Problem]]:
    """Check every row; returns the records by table and id, and every problem found."""
    checked = Checked()
    problems: list[Problem] = []
    for row in rows:
        problems += _check_row(file, row, checked)
    problems += _check_references(file, checked)
    return checked, problems


def read(path: Path) -> tuple[Checked, list[Problem]]:
    """Read and check the file or package at `path`; any problems mean it must not be imported."""
    rows, problems = formats.read(path)
    checked, more = check(rows, path.name)
    return checked, problems + more


# -- Writing -------------------------------------------------------------------------------------------------


def import_file(path: Path) -> ImportResult:
    """Check the file and, if it has no problems, import it in one transaction. Raises ImportRejected."""
    checked, problems = read(path)
    if problems:
        raise ImportRejected(problems)
    return write(checked)


def import_document(document: Any, name: str) -> ImportResult:
    """Check an already parsed JSON document and import it. Raises ImportRejected."""
    rows, problems = formats.read_document(document, name)
    checked, more = check(rows, name)
    if problems + more:
        raise ImportRejected(problems + more)
    return write(checked)


@transaction.atomic
def write(checked: Checked) -> ImportResult:
    """Create or update every record by id, then work out what the services derive from them."""
    result = ImportResult()
    changed: dict[str, set[str]] = {}
    for table, model in MODELS.items():
        changed[table] = _upsert(table, model, checked, result)
    for table in hsds.SPECS:
        if table not in MODELS:
            changed[table] = _upsert_details(table, checked, result)
    _derive(checked, changed)
    if sum(result.created.values()) + sum(result.updated.values()) >= ANALYSE_AFTER:
        analyse(*MODELS.values(), Detail)
    return result


def _columns(table: str, model: type[models.Model]) -> dict[str, Any]:
    """The columns filled from a record's fields, with what each holds when the file leaves the field out."""
    skip = {"id", "record", *DERIVED.get(table, ())}
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if f.attname not in skip}


def _upsert(table: str, model: type[models.Model], checked: Checked, result: ImportResult) -> set[str]:
    records = checked.records[table]
    existing = model._base_manager.in_bulk(list(records))
    defaults = _columns(table, model)
    create, update = [], []
    for record_id, record in records.items():
        values = checked.values[table][record_id]
        columns = {name: values.get(name, default) for name, default in defaults.items()}
        current = existing.get(record_id)
        if current is None:
            create.append(model(id=record_id, record=record, **columns))
        elif current.record != record:  # type: ignore[attr-defined]
            for name, value in {"record": record, **columns}.items():
                setattr(current, name, value)
            update.append(current)
    model._base_manager.bulk_create(create, batch_size=1000)
    model._base_manager.bulk_update(update, ["record", *defaults], batch_size=1000)
    result.created[table] += len(create)
    result.updated[table] += len(update)
    result.unchanged[table] += len(records) - len(create) - len(update)
    return {item.pk for item in (*create, *update)}


def _upsert_details(table: str, checked: Checked, result: ImportResult) -> set[str]:
    records = checked.records.get(table, {})
    existing = {d.record_id: d for d in Detail.objects.filter(table=table, record_id__in=list(records))}
    create, update = [], []
    for record_id, record in records.items():
        values = checked.values[table][record_id]
        full = {**record, **{k: v for k, v in values.items() if k == "link_entity" and k not in record}}
        parent = next((str(values[name]) for name in DETAIL_PARENT if name in values), "")
        current = existing.get(record_id)
        if current is None:
            create.append(Detail(table=table, record_id=record_id, parent_id=parent, record=full))
        elif current.record != full:
            current.record, current.parent_id = full, parent
            update.append(current)
    Detail.objects.bulk_create(create, batch_size=1000)
    Detail.objects.bulk_update(update, ["record", "parent_id"], batch_size=1000)
    result.created[table] += len(create)
    result.updated[table] += len(update)
    result.unchanged[table] += len(records) - len(create) - len(update)
    return {d.record_id for d in (*create, *update)}


# Tables whose records belong to a service through their `service_id`.
OF_A_SERVICE = ("service_at_location", "schedule", "contact", "phone", "cost_option", "service_area", "language",
                "funding")  # fmt: skip


def _named(checked: Checked, changed: dict[str, set[str]], table: str, name: str) -> set[str]:
    """The `name` field of every record of `table` the import changed, where it is given."""
    values = checked.values[table]
    return {values[i][name] for i in changed[table] if name in values[i]}


def _derive(checked: Checked, changed: dict[str, set[str]]) -> None:
    """Fill in what is worked out from other records, for every service the import changed anything about:
    itself, what it holds, its places, organisation or needs."""
    addressed = changed["location"] | _named(checked, changed, "address", "location_id")
    _refresh_addresses(addressed)
    places = addressed | _named(checked, changed, "accessibility", "location_id")
    services = changed["service"] | _named(checked, changed, "attribute", "link_id")
    for table in OF_A_SERVICE:
        services |= _named(checked, changed, table, "service_id")
    at = _named(checked, changed, "schedule", "service_at_location_id")
    by_place = ServiceAtLocation.objects.filter(models.Q(pk__in=at) | models.Q(location_id__in=places))
    services |= set(by_place.values_list("service_id", flat=True))
    services |= set(Service.objects.filter(organization_id__in=changed["organization"]).values_list("pk", flat=True))
    needs = Service.taxonomy_terms.through.objects.filter(taxonomyterm_id__in=changed["taxonomy_term"])
    services |= set(needs.values_list("service_id", flat=True))
    services = set(Service.objects.filter(pk__in=services).values_list("pk", flat=True))
    _refresh_terms(services)
    refresh_derived(services, modified=True)


def _refresh_addresses(location_ids: set[str]) -> None:
    """Copy each location's first address into its columns, for the staff pages and search."""
    if not location_ids:
        return
    first: dict[str, dict[str, Any]] = {}
    for detail in Detail.objects.filter(table="address", parent_id__in=location_ids).order_by("record_id"):
        first.setdefault(detail.parent_id, detail.record)
    locations = list(Location.objects.filter(pk__in=location_ids))
    for location in locations:
        address = first.get(location.pk, {})
        for column in DERIVED["location"]:
            limit = getattr(Location._meta.get_field(column), "max_length", None) or 250
            given = address.get("id" if column == "address_id" else column, "")
            setattr(location, column, str(given)[:limit])
    Location.objects.bulk_update(locations, list(DERIVED["location"]), batch_size=1000)


def _refresh_terms(service_ids: set[str]) -> None:
    """Link each service to the taxonomy terms its attributes name, so search by need needs no JSON."""
    through = Service.taxonomy_terms.through
    terms = set(TaxonomyTerm.objects.values_list("pk", flat=True))
    wanted = {
        (d.parent_id, d.record.get("taxonomy_term_id"))
        for d in Detail.objects.filter(table="attribute", parent_id__in=service_ids)
        if d.record.get("taxonomy_term_id") in terms
    }
    have = set(through.objects.filter(service_id__in=service_ids).values_list("service_id", "taxonomyterm_id"))
    for service_id, term_id in have - wanted:
        through.objects.filter(service_id=service_id, taxonomyterm_id=term_id).delete()
    through.objects.bulk_create([through(service_id=s, taxonomyterm_id=t) for s, t in sorted(wanted - have)])


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


def refresh_derived(service_ids: Iterable[str], *, modified: bool = False) -> None:
    """Recompute `charging`, `search_text` and `days` of these services from their cost options, organisation,
    terms and schedules; with `modified`, they changed now (unless a service says its own `last_modified`)."""
    now = timezone.now()
    ids = sorted(set(service_ids))
    fields = ["charging", "search_text", "days", *(["modified_at"] if modified else [])]
    for start in range(0, len(ids), 1000):
        services = Service.objects.filter(pk__in=ids[start : start + 1000]).select_related("organization")
        services = services.prefetch_related(
            "cost_options", "taxonomy_terms", "schedules", "service_at_locations__schedules"
        )
        changed = []
        for service in services:
            schedules = [
                *service.schedules.all(),
                *(s for sal in service.service_at_locations.all() for s in sal.schedules.all()),
            ]
            service.charging = charging_for(service.cost_options.all())
            service.search_text = search_text_for(
                service, service.organization.name, (t.name for t in service.taxonomy_terms.all())
            )
            service.days = days_for(schedules)
            if modified:
                given = service.record.get("last_modified")
                service.modified_at = _given_time(given) or now
            changed.append(service)
        Service.objects.bulk_update(changed, fields, batch_size=1000)


def _given_time(value: Any) -> Any:
    try:
        return hsds.parse("service", hsds.SPECS["service"].fields["last_modified"], value)
    except ValueError:
        return None


# -- Export --------------------------------------------------------------------------------------------------


def table_records(table: str) -> Iterator[dict[str, Any]]:
    """Every record of `table` as it was given, in id order."""
    if table in MODELS:
        rows = MODELS[table]._base_manager.order_by("pk").values_list("pk", "record")
    else:
        rows = Detail.objects.filter(table=table).order_by("record_id").values_list("record_id", "record")
    for record_id, record in rows.iterator(chunk_size=2000):
        yield record or {"id": record_id}


def export_document() -> dict[str, list[dict[str, Any]]]:
    """The whole directory as OneTeam's JSON export: an array of records per table, each as it was given."""
    return {table: records for table in hsds.SPECS if (records := list(table_records(table)))}


def export_package(folder: Path) -> dict[str, int]:
    """The whole directory as the profile's tabular data package: one CSV per table and `datapackage.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    counts, resources = {}, []
    for table, spec in hsds.SPECS.items():
        records = list(table_records(table))
        if not records:
            continue
        columns = list(spec.fields)
        columns += sorted(
            {
                key
                for record in records
                for key in record
                if key not in spec.fields and not isinstance(record[key], list | dict)
            }
        )
        with (folder / spec.csv).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        counts[table] = len(records)
        resources.append(
            {
                "name": table,
                "path": spec.csv,
                "format": "csv",
                "mediatype": "text/csv",
                "profile": "tabular-data-resource",
            }
        )
    package = {"name": "oneteam-directory", "profile": "tabular-data-package", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    return counts
