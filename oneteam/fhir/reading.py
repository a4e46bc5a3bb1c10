"""Reading FHIR entries: each resource validated against FHIR R4 with `fhir.resources`, then read into a record.

Pure functions (no database), so NDJSON files are read in worker processes too;
storing what is read is `services.importing`'s work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from . import xmlfiles
from .records import READERS, Invalid, Record


@dataclass(frozen=True)
class Entry:
    """One resource of a unit: where it was (index in the Bundle, or line of the NDJSON file) and what it said."""

    index: int
    full_url: str
    resource: object


@dataclass(frozen=True)
class Reading:
    """What reading one entry gave: where it was, its type and id, and the record to store.

    `record` None with no `error` means the entry is skipped (a type or status OneTeam does not keep).
    """

    index: int
    full_url: str
    resource_type: str
    resource_id: str
    record: Record | None
    error: str = ""


def read_entry(entry: Entry) -> Reading:
    """Validate one entry with `fhir.resources` and read it into a record (pure: runs in worker processes too)."""
    resource = entry.resource
    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(resource, dict) or not isinstance(resource_type, str) or not resource_type:
        return Reading(entry.index, entry.full_url, "", "", None, "The entry has no resource with a resourceType")
    found_id = resource.get("id")
    resource_id = found_id if isinstance(found_id, str) else ""
    reader = READERS.get(resource_type)
    try:
        model = get_fhir_model_class(resource_type)
    except ValueError:
        return Reading(entry.index, entry.full_url, resource_type, resource_id, None, _UNKNOWN_TYPE)
    try:
        # Every resource is checked, even of a type OneTeam then skips: a bad file is refused whole.
        model.model_validate(resource)
        record = reader(resource) if reader is not None else None
    except pydantic.ValidationError as error:
        return Reading(entry.index, entry.full_url, resource_type, resource_id, None, _validation_message(error))
    except Invalid as invalid:
        return Reading(entry.index, entry.full_url, resource_type, resource_id, None, str(invalid))
    except RecursionError:
        return Reading(entry.index, entry.full_url, resource_type, resource_id, None, _TOO_DEEP)
    return Reading(entry.index, entry.full_url, resource_type, resource_id, record)


_UNKNOWN_TYPE = "resourceType: not a FHIR R4 resource type"
_TOO_DEEP = "The resource is nested more deeply than FHIR needs"


def read_xml(entry: Entry) -> Reading:
    """Read one resource given as an XML element (None when the entry holds no resource)."""
    element = entry.resource
    if element is None:
        return read_entry(entry)
    try:
        resource = xmlfiles.to_json(element)
    except xmlfiles.XmlRefused as refused:
        return Reading(entry.index, entry.full_url, xmlfiles.name(element), "", None, str(refused))
    except pydantic.ValidationError as error:
        return Reading(entry.index, entry.full_url, xmlfiles.name(element), "", None, _validation_message(error))
    return read_entry(Entry(entry.index, entry.full_url, resource))


def read_lines(lines: Sequence[tuple[int, bytes | str]]) -> list[Reading]:
    """Read numbered NDJSON lines; a line that is not JSON is an error at that line."""
    readings = []
    for number, line in lines:
        try:
            resource = json.loads(line)
        except (ValueError, UnicodeDecodeError) as error:
            readings.append(Reading(number, "", "", "", None, f"This line is not valid JSON: {error}"))
            continue
        readings.append(read_entry(Entry(number, "", resource)))
    return readings


def _validation_message(error: pydantic.ValidationError) -> str:
    """Every problem `fhir.resources` found, each with the path of the element (`class`, `period.start`)."""
    problems = [
        f"{'.'.join(str(part) for part in problem['loc']) or 'resource'}: {problem['msg']}"
        for problem in error.errors()
    ]
    return "Not valid FHIR R4: " + "; ".join(problems)
