"""The Open Referral UK profile's own schemas, for tests: validators for each API answer and each exported record.

The schemas are the copies in `oneteam/directory/standard/` (never ../shared), registered under the address the
profile publishes them at, so their `$ref`s (`schedule.json`, `compiled/service.json`, the openapi's
`#/components/schemas/Page`) resolve to our copies through `referencing`. Draft 2020-12, formats checked.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from oneteam.directory import hsds


@cache
def registry() -> Registry[Any]:
    resources = []
    for path in sorted(hsds.STANDARD_DIR.rglob("*.json")):
        uri = hsds.BASE_URI + path.relative_to(hsds.STANDARD_DIR).as_posix()
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def validator(ref: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema at `ref`, relative to the profile's schema folder: `compiled/service.json`,
    `taxonomy.json`, or a response of the openapi (see `response`)."""
    return jsonschema.Draft202012Validator(
        {"$ref": hsds.BASE_URI + ref}, registry=registry(), format_checker=jsonschema.FormatChecker()
    )


def _pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def response(path: str) -> jsonschema.Draft202012Validator:
    """A validator for the 200 answer of `path` (as the openapi names it, `/services/{id}`)."""
    return validator(
        f"openapi.json#/paths/{_pointer(path)}/get/responses/200/content/{_pointer('application/json')}/schema"
    )


def errors(validator: jsonschema.Draft202012Validator, instance: Any) -> list[str]:
    """Every way `instance` breaks the schema, each with its path; empty if it is valid."""
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


# Which official schema each API path's answer must meet. The openapi has no /organizations paths; HSDS 3 does,
# and the profile's compiled organisation schemas describe them. `/service_at_locations/{id}` refers to the
# service schema in the openapi (a slip: a service at a location has no name or status), so its own
# compiled schema is used as well.
PAGE = "openapi.json#/components/schemas/Page"
ANSWERS: dict[str, list[str]] = {
    "/": ["openapi:/"],
    "/services": ["openapi:/services"],
    "/services/{id}": ["openapi:/services/{id}"],
    "/service_at_locations": ["openapi:/service_at_locations"],
    "/service_at_locations/{id}": ["compiled/service_at_location.json"],
    "/organizations": [PAGE, "list:compiled/organization_list.json"],
    "/organizations/{id}": ["compiled/organization.json"],
    "/taxonomies": ["openapi:/taxonomies"],
    "/taxonomies/{id}": ["openapi:/taxonomies/{id}"],
    "/taxonomy_terms": ["openapi:/taxonomy_terms"],
    "/taxonomy_terms/{id}": ["openapi:/taxonomy_terms/{id}"],
}


def answer_errors(path: str, body: Any) -> list[str]:
    """Every way the answer of API `path` breaks the profile's schemas for it."""
    found = []
    for ref in ANSWERS[path]:
        if ref.startswith("openapi:"):
            found += errors(response(ref.removeprefix("openapi:")), body)
        elif ref.startswith("list:"):
            items = validator(ref.removeprefix("list:"))
            for position, item in enumerate(body.get("contents", [])):
                found += [f"contents[{position}]{e}" for e in errors(items, item)]
        else:
            found += errors(validator(ref), body)
    return found
