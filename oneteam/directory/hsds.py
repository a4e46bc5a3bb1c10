"""The Open Referral UK profile of HSDS 3: its tables and fields, read from the standard's own schemas, and how
each value is checked.

The schemas in `standard/` are the profile's published ones (CC BY-SA 4.0, see
`standard/SOURCE`). Each describes one table: its scalar fields (type, format,
enum, date or time), and the arrays and objects nested in it when the API
serves it (a service's `schedules`, a location's `addresses`...). One
description serves all three forms a directory travels in: the API's nested
JSON, the tabular data package (one CSV per table) and OneTeam's own export (a
JSON object with an array per table).

A few fields of HSDS 3 core that the UK profile leaves out but OneTeam has
always read (a service's `eligibility_description`, phones of a service) are
added in `CORE_EXTRAS`. Fields nobody describes are kept as given. Pure
functions, no ORM.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STANDARD_DIR = Path(__file__).parent / "standard"
# Where the profile publishes its schemas; their `$ref`s resolve against it.
BASE_URI = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True))
MAX_AGE = 130
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9](\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$")


@dataclass(frozen=True)
class FieldSpec:
    """A scalar field as the schema describes it: `kind` is "string" or "number"; `format` uuid, email, uri,
    date, time or date-time; `enum` the values allowed."""

    name: str
    kind: str = "string"
    format: str = ""
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Nested:
    """A property that holds other records: `many` for an array (a service's `schedules`), else one object (a
    service's `organization`)."""

    name: str
    table: str
    many: bool


@dataclass(frozen=True)
class TableSpec:
    name: str
    csv: str
    fields: dict[str, FieldSpec]
    nested: tuple[Nested, ...]
    required: tuple[str, ...]
    # Required in the tabular form only: the links that nesting gives in the API form.
    tabular_required: tuple[str, ...]


def _field(name: str, schema: dict[str, Any]) -> FieldSpec:
    kind = "number" if schema.get("type") == "number" else "string"
    form = schema.get("format") or schema.get("datapackage_type", "")
    return FieldSpec(name, kind, "" if form == "string" else form, tuple(schema.get("enum", ())))


# HSDS 3 core fields OneTeam reads although the UK profile does not list them, by table.
CORE_EXTRAS: dict[str, tuple[FieldSpec, ...]] = {
    "organization": (FieldSpec("alternate_name"), FieldSpec("legal_status")),
    "service": (
        FieldSpec("alternate_name"),
        FieldSpec("application_process"),
        FieldSpec("fees_description"),
        FieldSpec("eligibility_description"),
    ),
    "location": (FieldSpec("organization_id", format="uuid"),),
    "contact": (FieldSpec("organization_id", format="uuid"), FieldSpec("email", format="email")),
    "phone": (
        FieldSpec("service_id", format="uuid"),
        FieldSpec("location_id", format="uuid"),
        FieldSpec("organization_id", format="uuid"),
        FieldSpec("extension"),
        FieldSpec("type"),
    ),
    "cost_option": (FieldSpec("currency", enum=("GBP",)),),
    "taxonomy_term": (FieldSpec("code"),),
    "attribute": (FieldSpec("link_entity"),),
}
# What HSDS 3 core nests that the UK profile does not: phones, a place's own schedules, an organisation's contacts.
_PHONES = Nested("phones", "phone", many=True)
CORE_NESTED: dict[str, tuple[Nested, ...]] = {
    "service": (_PHONES,),
    "location": (_PHONES,),
    "contact": (_PHONES,),
    "organization": (_PHONES, Nested("contacts", "contact", many=True)),
    "service_at_location": (Nested("schedules", "schedule", many=True),),
}


def _load() -> dict[str, TableSpec]:
    specs = {}
    for path in sorted(STANDARD_DIR.glob("*.json")):
        if path.name == "openapi.json":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        fields: dict[str, FieldSpec] = {}
        nested: list[Nested] = []
        for name, prop in schema["properties"].items():
            if prop.get("type") == "array":
                nested.append(Nested(name, prop["items"]["$ref"].removesuffix(".json"), many=True))
            elif "$ref" in prop:
                nested.append(Nested(name, prop["$ref"].removesuffix(".json"), many=False))
            else:
                fields[name] = _field(name, prop)
        table = schema["name"]
        for extra in CORE_EXTRAS.get(table, ()):
            fields.setdefault(extra.name, extra)
        nested += CORE_NESTED.get(table, ())
        specs[table] = TableSpec(
            table,
            schema["path"],
            fields,
            tuple(nested),
            tuple(schema.get("required", ())),
            tuple(schema.get("tabular_required", ())),
        )
    return specs


SPECS = _load()
# The CSV file of each table in the tabular data package, and the table of each file.
TABLE_OF_CSV = {spec.csv: spec.name for spec in SPECS.values()}


def link_field(child: str, parent: str) -> str:
    """The field of a `child` record that names the `parent` it is nested in: `schedule.service_id`; an
    attribute names whatever it describes in `link_id`."""
    return "link_id" if child == "attribute" else f"{parent}_id"


# References that must name a record in the file or the directory: those the directory keeps as links between
# its own tables. Others (a term's `taxonomy_id`, an organisation's `parent_organization_id`) often point into
# another directory, so they are kept as given.
MUST_RESOLVE = frozenset(
    ("organization", "service", "location", "service_at_location", "contact", "phone", "taxonomy_term")
)


def refers_to(table: str, name: str) -> str:
    """The table a `..._id` field of `table` points into, if it must resolve; "" otherwise."""
    if name == "parent_id" and table == "taxonomy_term":
        return "taxonomy_term"
    target = name.removesuffix("_id")
    return target if name.endswith("_id") and target in MUST_RESOLVE and target != table else ""


# -- Checking one value ------------------------------------------------------------------------------------------

Parser = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError("must be a number")
    return float(value) if isinstance(value, float) else int(value)


def _date(value: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        raise ValueError("must be a real date written as YYYY-MM-DD") from None


def _time(value: Any) -> datetime.time:
    if not _TIME.match(_text(value)):
        raise ValueError("must be a time of day written as HH:MM or HH:MM:SS, from 00:00 to 23:59")
    return datetime.time.fromisoformat(value[:8].rstrip("Z"))


def _datetime(value: Any) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(_text(value))
    except ValueError:
        raise ValueError("must be a date and time written as YYYY-MM-DDTHH:MM:SSZ") from None
    if moment.tzinfo is None:
        raise ValueError("must say its time zone, like 2026-03-15T10:30:00Z")
    return moment


def _uuid(value: Any) -> str:
    given = _text(value)
    try:
        if str(uuid.UUID(given)) == given.lower():
            return given
    except ValueError:
        pass
    raise ValueError(f"{given!r} is not a UUID (like 0b2d3f6e-8d4a-4c1e-9f3b-2a7c5e9d1f00)")


def _email(value: Any) -> str:
    if not _EMAIL.match(_text(value)):
        raise ValueError("must be an email address, like name@example.org")
    return str(value)


def _uri(value: Any) -> str:
    if not _URI.match(_text(value)):
        raise ValueError("must be a web address, like https://example.org")
    return str(value)


_FORMATS: dict[str, Parser] = {
    "uuid": _uuid,
    "email": _email,
    "uri": _uri,
    "date": _date,
    "time": _time,
    "date-time": _datetime,
    "datetime": _datetime,
}


def _between(low: float, high: float, *, whole: bool = False) -> Parser:
    def parse(value: Any) -> float | int:
        number = _number(value)
        if not low <= number <= high:  # first, so an infinity never reaches int()
            raise ValueError(f"{value} is outside {low} to {high}")
        if whole and number != int(number):
            raise ValueError(f"must be a whole number from {low} to {high}")
        return int(number) if whole else number

    return parse


def _days(value: Any) -> str:
    given = [day.strip().upper() for day in _text(value).split(",") if day.strip()]
    if not given or any(day not in DAYS for day in given):
        raise ValueError(f"must be days of the week as two letters separated by commas, from {','.join(DAYS)}")
    return ",".join(given)


def _amount(value: Any) -> decimal.Decimal:
    number = _between(0, 9_999_999.99)(value)
    return decimal.Decimal(str(number)).quantize(decimal.Decimal("0.01"))


# Checks the standard's schemas cannot express, by table and field.
RANGES: dict[tuple[str, str], Parser] = {
    ("location", "latitude"): _between(-90, 90),
    ("location", "longitude"): _between(-180, 180),
    ("service", "minimum_age"): _between(0, MAX_AGE, whole=True),
    ("service", "maximum_age"): _between(0, MAX_AGE, whole=True),
    ("schedule", "interval"): _between(1, 1000, whole=True),
    ("schedule", "byday"): _days,
    ("cost_option", "amount"): _amount,
}
# Fields of one record that must be in order: (table, first, second, message) where first must not be after second.
IN_ORDER = (
    ("service", "minimum_age", "maximum_age", "must not be more than maximum_age"),
    ("schedule", "opens_at", "closes_at", "must be before closes_at"),
    ("schedule", "valid_from", "valid_to", "must not be after valid_to"),
    ("cost_option", "valid_from", "valid_to", "must not be after valid_to"),
)


def parse(table: str, spec: FieldSpec, value: Any) -> Any:
    """The value as Python (a date, a time, a number...) if the standard allows it; ValueError says why not."""
    if spec.kind == "number":
        value = _number(value)
    else:
        _text(value)
        if spec.enum and value not in spec.enum:
            raise ValueError(f"{value!r} is not one of: {', '.join(spec.enum)}")
        if spec.format in _FORMATS:
            value = _FORMATS[spec.format](value)
    check = RANGES.get((table, spec.name))
    return check(value) if check else value


def from_csv(spec: FieldSpec, cell: str) -> Any:
    """A CSV cell as the JSON value it stands for: numbers for number fields, text otherwise."""
    if spec.kind != "number":
        return cell
    try:
        number = float(cell)
    except ValueError:
        return cell  # `parse` will say it must be a number
    return int(number) if number.is_integer() and "." not in cell else number


def is_empty(value: Any) -> bool:
    """HSDS optional fields may be left out, null or empty; all three mean "not given"."""
    return value is None or value == "" or value == []


def to_json(value: Any) -> Any:
    """A Python value as HSDS writes it."""
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == int(value) else float(value)
    return value
