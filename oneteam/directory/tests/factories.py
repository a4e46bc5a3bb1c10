"""Directory test data: a small, valid Open Referral UK document, and services made through the importer.

Ids are UUIDs, as the profile requires; `uid("svc-1")` turns a readable label into the same UUID every time.
"""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

from oneteam.directory.models import Service
from oneteam.directory.services.importer import import_document as import_checked

_NAMESPACE = uuid.UUID("5c0e1f2a-3b4c-4d5e-8f60-718293a4b5c6")


def uid(label: str) -> str:
    """The UUID a test calls `label`."""
    return str(uuid.uuid5(_NAMESPACE, label))


def sample_document(*, assured: datetime.date | None = None, latitude: float = 53.41) -> dict[str, Any]:
    """One organisation running a Tuesday lunch club for lonely older people, with a phone, cost and need,
    in OneTeam's own layout (an array per table)."""
    assured = assured or datetime.date.today() - datetime.timedelta(days=40)
    return {
        "organization": [
            {
                "id": uid("org-1"),
                "name": "Parkside Friends",
                "description": "A local charity.",
                "email": "hello@parkside.example.org",
            }
        ],
        "taxonomy_term": [
            {
                "id": uid("need-loneliness"),
                "name": "Loneliness and isolation",
                "description": "Lonely or isolated",
                "taxonomy": "OneTeam needs",
            },
            {
                "id": uid("need-carers"),
                "name": "Carer support",
                "description": "Unpaid carers",
                "taxonomy": "OneTeam needs",
            },
        ],
        "service": [
            {
                "id": uid("svc-1"),
                "organization_id": uid("org-1"),
                "name": "Tuesday lunch club",
                "description": "A hot meal and company for anyone who feels lonely.",
                "status": "active",
                "eligibility_description": "People aged 60 and over",
                "minimum_age": 60,
                "assured_date": assured.isoformat(),
                "fees_description": "£3 for lunch.",
            }
        ],
        "location": [
            {
                "id": uid("loc-1"),
                "location_type": "physical",
                "name": "Parkside Community Centre",
                "latitude": latitude,
                "longitude": -1.45,
                "addresses": [
                    {
                        "id": uid("addr-1"),
                        "address_1": "2 Mill Road",
                        "city": "Oneteam City",
                        "state_province": "Oneteamshire",
                        "postal_code": "OT3 4AB",
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            }
        ],
        "service_at_location": [{"id": uid("sal-1"), "service_id": uid("svc-1"), "location_id": uid("loc-1")}],
        "schedule": [
            {
                "id": uid("sch-1"),
                "service_id": uid("svc-1"),
                "freq": "WEEKLY",
                "byday": "TU",
                "opens_at": "12:00",
                "closes_at": "14:00",
                "description": "Every Tuesday, 12pm to 2pm",
            }
        ],
        "contact": [{"id": uid("con-1"), "service_id": uid("svc-1"), "name": "Jo Bloggs", "title": "Organiser"}],
        "phone": [{"id": uid("ph-1"), "service_id": uid("svc-1"), "number": "0113 496 0000"}],
        "cost_option": [
            {"id": uid("cost-1"), "service_id": uid("svc-1"), "option": "Lunch", "currency": "GBP", "amount": 3}
        ],
        "attribute": [
            {
                "id": uid("attr-1"),
                "link_id": uid("svc-1"),
                "link_type": "need",
                "link_entity": "service",
                "taxonomy_term_id": uid("need-loneliness"),
            }
        ],
    }


def write_document(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_document(document: dict[str, Any]) -> None:
    """Import a document straight away; it must be valid."""
    import_checked(document, "test.json")


def make_service(
    label: str = "svc-1", *, latitude: float = 53.41, term: str = "need-loneliness", **changes: Any
) -> Service:
    """The sample service (its id the UUID of `label`, at its own place, with `changes`), imported through the
    importer; every other record of it gets an id of its own."""
    service_id = uid(label)
    document = sample_document(latitude=latitude)
    document["service"][0].update({"id": service_id, **changes})
    for table in ("location", "service_at_location", "schedule", "contact", "phone", "cost_option", "attribute"):
        for record in document[table]:
            record["id"] = uid(f"{table}-{label}")
            if table not in ("location", "attribute"):
                record["service_id"] = service_id
    document["location"][0]["addresses"][0]["id"] = uid(f"address-{label}")
    document["service_at_location"][0]["location_id"] = uid(f"location-{label}")
    document["attribute"][0].update({"link_id": service_id, "taxonomy_term_id": uid(term)})
    import_document(document)
    return Service.objects.get(pk=service_id)
