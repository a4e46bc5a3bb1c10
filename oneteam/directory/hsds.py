"""The Open Referral UK (HSDS 3) file format: which tables and fields we read and write, and how each is checked.

A directory file is one JSON object with an array per HSDS table, named as in
the HSDS 3 tabular schema: `organization`, `taxonomy_term`, `service`,
`location`, `service_at_location`, `schedule`, `contact`, `phone`,
`cost_option` and `attribute` (which links a service to a taxonomy term).
A location's address is given as HSDS does, in `addresses` (we keep the first).

Field names are the HSDS ones and are also the model attribute names, so one
table of specs serves validation, import and export. Pure functions, no ORM.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import LocationType, Status

Parser = Callable[[Any], Any]

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True))
MAX_AGE = 130
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9])?$")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value.strip()


def email(value: Any) -> str:
    given = text(value)
    if not _EMAIL.match(given):
        raise ValueError("must be an email address, like name@example.org")
    return given


def url(value: Any) -> str:
    given = text(value)
    if not given.startswith(("http://", "https://")):
        raise ValueError("must be a web address starting with http:// or https://")
    return given


def date(value: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text(value))
    except ValueError:
        raise ValueError("must be a real date written as YYYY-MM-DD") from None


def time(value: Any) -> datetime.time:
    if not _TIME.match(text(value)):
        raise ValueError("must be a time of day written as HH:MM, from 00:00 to 23:59")
    return datetime.time.fromisoformat(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return float(value)


def latitude(value: Any) -> float:
    number = _number(value)
    if not -90 <= number <= 90:
        raise ValueError(f"must be between -90 and 90 (it is {value})")
    return number


def longitude(value: Any) -> float:
    number = _number(value)
    if not -180 <= number <= 180:
        raise ValueError(f"must be between -180 and 180 (it is {value})")
    return number


def age(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
        raise ValueError(f"must be a whole number of years from 0 to {MAX_AGE}")
    return int(value)


def small_whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ValueError("must be a whole number from 1 to 1000")
    return int(value)


def amount(value: Any) -> decimal.Decimal:
    number = _number(value)
    if number < 0 or number >= 10_000_000:
        raise ValueError("must be an amount from 0 to 9,999,999.99")
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))


def days(value: Any) -> str:
    given = [day.strip().upper() for day in text(value).split(",") if day.strip()]
    wrong = [day for day in given if day not in DAYS]
    if wrong or not given:
        raise ValueError(f"must be days of the week as two letters separated by commas, from {','.join(DAYS)}")
    return ",".join(given)


def one_of(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        given = text(value)
        if given not in allowed:
            raise ValueError(f"must be one of: {', '.join(allowed)}")
        return given

    return parse


@dataclass(frozen=True)
class Field:
    """One field of an HSDS table: its name (also the model attribute), how to read it, and what it refers to."""

    name: str
    parse: Parser = text
    required: bool = False
    refers_to: str = ""  # the table a `..._id` field points into


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: tuple[Field, ...]


def _id() -> Field:
    return Field("id", required=True)


def _ref(name: str, table: str, *, required: bool = False) -> Field:
    return Field(name, required=required, refers_to=table)


# In the order they are written, so a record's references are in place before it.
TABLES = (
    TableSpec(
        "organization",
        (
            _id(),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description"),
            Field("email", email),
            Field("website", url),
            Field("legal_status"),
        ),
    ),
    TableSpec(
        "taxonomy_term",
        (
            _id(),
            Field("name", required=True),
            Field("code"),
            Field("description"),
            Field("taxonomy"),
            _ref("parent_id", "taxonomy_term"),
        ),
    ),
    TableSpec(
        "service",
        (
            _id(),
            _ref("organization_id", "organization", required=True),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description"),
            Field("url", url),
            Field("email", email),
            Field("status", one_of(*Status.values), required=True),
            Field("application_process"),
            Field("fees_description"),
            Field("eligibility_description"),
            Field("minimum_age", age),
            Field("maximum_age", age),
            Field("assured_date", date),
            Field("assurer_email", email),
        ),
    ),
    TableSpec(
        "location",
        (
            _id(),
            Field("location_type", one_of(*LocationType.values), required=True),
            _ref("organization_id", "organization"),
            Field("name"),
            Field("description"),
            Field("latitude", latitude),
            Field("longitude", longitude),
            Field("address_id"),
            Field("address_1"),
            Field("city"),
            Field("postal_code"),
            Field("country"),
        ),
    ),
    TableSpec(
        "service_at_location",
        (
            _id(),
            _ref("service_id", "service", required=True),
            _ref("location_id", "location", required=True),
            Field("description"),
        ),
    ),
    TableSpec(
        "schedule",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("service_at_location_id", "service_at_location"),
            Field("freq", one_of("WEEKLY", "MONTHLY")),
            Field("interval", small_whole_number),
            Field("byday", days),
            Field("opens_at", time),
            Field("closes_at", time),
            Field("valid_from", date),
            Field("valid_to", date),
            Field("description"),
        ),
    ),
    TableSpec(
        "contact",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("organization_id", "organization"),
            Field("name"),
            Field("title"),
            Field("email", email),
        ),
    ),
    TableSpec(
        "phone",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("location_id", "location"),
            _ref("organization_id", "organization"),
            _ref("contact_id", "contact"),
            Field("number", required=True),
            Field("extension"),
            Field("type"),
            Field("description"),
        ),
    ),
    TableSpec(
        "cost_option",
        (
            _id(),
            _ref("service_id", "service", required=True),
            Field("option"),
            Field("currency", one_of("GBP")),
            Field("amount", amount),
            Field("amount_description"),
            Field("valid_from", date),
            Field("valid_to", date),
        ),
    ),
    TableSpec(
        "attribute",
        (
            _id(),
            _ref("link_id", "service", required=True),
            Field("link_type", one_of("service"), required=True),
            _ref("taxonomy_term_id", "taxonomy_term", required=True),
        ),
    ),
)
SPECS = {spec.name: spec for spec in TABLES}
# The address fields of a location, as HSDS nests them under `addresses`.
ADDRESS_FIELDS = {
    "id": "address_id",
    "address_1": "address_1",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
}
# Rules between fields of one record: (table, first, second, message) where first must not be after second.
IN_ORDER = (
    ("service", "minimum_age", "maximum_age", "must not be more than maximum_age"),
    ("schedule", "opens_at", "closes_at", "must be before closes_at"),
    ("schedule", "valid_from", "valid_to", "must not be after valid_to"),
    ("cost_option", "valid_from", "valid_to", "must not be after valid_to"),
)


def is_empty(value: Any) -> bool:
    """HSDS optional fields may be left out, null or empty; all three mean "not given"."""
    return value is None or value == "" or value == []


def to_json(value: Any) -> Any:
    """A model value as it is written in an HSDS file."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def location_address(values: dict[str, Any]) -> dict[str, Any]:
    """The HSDS `addresses` entry for a location's flattened address fields, empty ones left out."""
    address = {
        key: values[attribute] for key, attribute in ADDRESS_FIELDS.items() if not is_empty(values.get(attribute))
    }
    if address:
        address.setdefault("id", f"{values['id']}-address")
        address.setdefault("country", "GB")
        address["address_type"] = "physical"
    return address
