"""What every FHIR API test checks of an answer: its content type, valid FHIR, and the UK Core profile it claims."""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from oneteam.access.models import AuditEvent
from oneteam.fhir import codes


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, after checking it is valid FHIR (R4B models) and claims its UK Core profile."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    if resource["resourceType"] not in ("Bundle", "OperationOutcome", "CapabilityStatement"):
        assert resource["meta"]["profile"] == [codes.profile(resource["resourceType"])]
    return resource


def body(response: Any) -> dict[str, Any]:
    """The answer's resource, checked."""
    assert response["Content-Type"] == codes.FHIR_JSON
    found: dict[str, Any] = json.loads(response.content)
    return valid(found)


def entries(response: Any) -> list[dict[str, Any]]:
    """The resources of a searchset Bundle, each checked."""
    return [valid(entry["resource"]) for entry in body(response).get("entry", [])]


def last_event() -> AuditEvent:
    """The latest audit event."""
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    return event
