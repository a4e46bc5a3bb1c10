"""FHIR XML read safely (no entities, no network) and turned into FHIR JSON by `fhir.resources`.

Only the XML structure is handled here: a Bundle's entries and their resources are
found by element name; each resource is validated and converted by its
`fhir.resources` model, so the rest of the import sees the same JSON it would
have been sent.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

FHIR_NS = "http://hl7.org/fhir"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

Element = Any  # lxml's element type has no stubs


class XmlRefused(Exception):
    """The XML cannot be read as FHIR; the message says why."""


def parse(body: bytes) -> Element:
    """The document's root element. Raises XmlRefused if it is not well-formed XML in the FHIR namespace."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise XmlRefused(str(error)) from None
    if etree.QName(root).namespace != FHIR_NS:
        raise XmlRefused(f"the root element must be in the FHIR namespace {FHIR_NS}")
    return root


def name(element: Element) -> str:
    """The element's local name (a resource element's name is its resourceType)."""
    return str(etree.QName(element).localname)


def children(element: Element, local: str) -> list[Element]:
    """The element's FHIR children called `local`."""
    return list(element.iterchildren(f"{{{FHIR_NS}}}{local}"))


def value(element: Element, local: str) -> str:
    """The @value of the element's first child called `local`, or ""."""
    found = children(element, local)
    return str(found[0].get("value", "")) if found else ""


def resource(entry: Element) -> Element | None:
    """The resource element inside a Bundle entry's <resource>, or None."""
    holder = children(entry, "resource")
    inside = [child for child in holder[0] if isinstance(child.tag, str)] if holder else []
    return inside[0] if inside else None


def to_json(element: Element) -> dict[str, Any]:
    """One resource element as FHIR JSON, validated by its model. Raises pydantic's ValidationError or XmlRefused."""
    try:
        model = get_fhir_model_class(name(element))
    except ValueError:
        raise XmlRefused(f"{name(element)} is not a FHIR R4 resource type") from None
    found: dict[str, Any] = json.loads(model.model_validate_xml(etree.tostring(element)).model_dump_json())
    return found
