"""Directory test data: a small, valid Open Referral UK document, and services made through the importer."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from oneteam.directory.importer import check, write
from oneteam.directory.models import Service


def sample_document(*, assured: datetime.date | None = None, latitude: float = 53.41) -> dict[str, Any]:
    """One organisation running a Tuesday lunch club for lonely older people, with a phone, cost and need."""
    assured = assured or datetime.date.today() - datetime.timedelta(days=40)
    return {
        "organization": [
            {
                "id": "org-1",
                "name": "Parkside Friends",
                "description": "A local charity.",
                "email": "hello@parkside.example.org",
            }
        ],
        "taxonomy_term": [
            {"id": "need-loneliness", "name": "Loneliness and isolation", "taxonomy": "OneTeam needs"},
            {"id": "need-carers", "name": "Carer support", "taxonomy": "OneTeam needs"},
        ],
        "service": [
            {
                "id": "svc-1",
                "organization_id": "org-1",
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
                "id": "loc-1",
                "location_type": "physical",
                "name": "Parkside Community Centre",
                "latitude": latitude,
                "longitude": -1.45,
                "addresses": [
                    {
                        "id": "addr-1",
                        "address_1": "2 Mill Road",
                        "city": "Oneteam City",
                        "postal_code": "OT3 4AB",
                        "country": "GB",
                    }
                ],
            }
        ],
        "service_at_location": [{"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"}],
        "schedule": [
            {
                "id": "sch-1",
                "service_id": "svc-1",
                "freq": "WEEKLY",
                "byday": "TU",
                "opens_at": "12:00",
                "closes_at": "14:00",
                "description": "Every Tuesday, 12pm to 2pm",
            }
        ],
        "contact": [{"id": "con-1", "service_id": "svc-1", "name": "Jo Bloggs", "title": "Organiser"}],
        "phone": [{"id": "ph-1", "service_id": "svc-1", "number": "0113 496 0000"}],
        "cost_option": [{"id": "cost-1", "service_id": "svc-1", "option": "Lunch", "currency": "GBP", "amount": 3}],
        "attribute": [
            {"id": "attr-1", "link_id": "svc-1", "link_type": "service", "taxonomy_term_id": "need-loneliness"}
        ],
    }


def write_document(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_document(document: dict[str, Any]) -> None:
    """Import a document straight away; it must be valid."""
    parsed, problems = check(document, "test.json")
    assert not problems, problems
    write(parsed)


def make_service(
    service_id: str = "svc-1", *, latitude: float = 53.41, term: str = "need-loneliness", **changes: Any
) -> Service:
    """The sample service (renamed to `service_id`, at its own place, with `changes`), imported through the importer."""
    document = sample_document(latitude=latitude)
    document["service"][0].update({"id": service_id, **changes})
    document["location"][0]["id"] = f"loc-{service_id}"
    document["attribute"][0]["taxonomy_term_id"] = term
    document["service_at_location"][0]["location_id"] = f"loc-{service_id}"
    for table in ("service_at_location", "schedule", "contact", "phone", "cost_option", "attribute"):
        for record in document[table]:
            record["id"] = f"{record['id']}-{service_id}"
            record["service_id" if table != "attribute" else "link_id"] = service_id
    import_document(document)
    return Service.objects.get(pk=service_id)
