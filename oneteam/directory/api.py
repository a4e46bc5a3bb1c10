"""The public Open Referral UK read API: query parameters in, HSDS 3 service objects and pages out.

Directory entries are public information about services, not personal data,
so these reads need no access-policy decision and no audit (docs/adr/0007-directory-open-referral-uk.md).
Optional fields that are empty are left out, never sent as null.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from . import hsds, places
from .importer import hsds_record
from .models import Service
from .search import ServiceFilters, page_of, search, with_details

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
DEFAULT_PROXIMITY_METRES = 5_000
MAX_PROXIMITY_METRES = 100_000
# Each nested table leaves out the field pointing back at the record it is nested in.
_PARENT_FIELDS = {"service_id", "organization_id", "location_id", "service_at_location_id", "contact_id"}


class BadParameter(Exception):
    """A query parameter the API cannot use; `parameter` names it and the message says why."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _record(table: str, instance: Model, *, nested: bool = True) -> dict[str, Any]:
    names = [f.name for f in hsds.SPECS[table].fields if not (nested and f.name in _PARENT_FIELDS)]
    return hsds_record(table, {name: getattr(instance, name) for name in names})


def service_json(service: Service) -> dict[str, Any]:
    """An HSDS 3 service with its organisation, places, times, phones, costs, contacts and needs.

    `service` must come from `search.with_details`, so nothing here queries the database.
    """
    body = _record("service", service)
    body["organization"] = _record("organization", service.organization)
    nested = {
        "phones": [_record("phone", phone) for phone in service.phones.all()],
        "schedules": [_record("schedule", schedule) for schedule in service.schedules.all()],
        "service_at_locations": [
            {**_record("service_at_location", sal), "location": _record("location", sal.location)}
            for sal in service.service_at_locations.all()
        ],
        "cost_options": [_record("cost_option", option) for option in service.cost_options.all()],
        "contacts": [_record("contact", contact) for contact in service.contacts.all()],
        "attributes": [
            {
                "id": f"{service.pk}:{term.pk}",
                "link_id": service.pk,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term.pk,
                "taxonomy_term": _record("taxonomy_term", term, nested=False),
            }
            for term in service.taxonomy_terms.all()
        ],
    }
    body.update({key: value for key, value in nested.items() if value})
    return body


def _whole_number(params: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameter(name, f"must be a whole number from {low} to {high}")
    return int(raw)


def _day(params: Mapping[str, str]) -> str:
    raw = params.get("day", "").strip()
    if not raw:
        return ""
    code = raw.upper()[:2]
    if code not in hsds.DAYS or raw.lower() not in (code.lower(), hsds.DAY_NAMES[code].lower()):
        raise BadParameter("day", "must be a day of the week, like Tuesday or TU")
    return code


def filters_from(params: Mapping[str, str]) -> ServiceFilters:
    """The search the query parameters ask for. Raises BadParameter."""
    near = None
    within_km = None
    postcode = params.get("postcode", "").strip()
    if postcode:
        near = places.locate(postcode)
        if near is None:
            raise BadParameter("postcode", "is not a postcode we can find")
        proximity = _whole_number(params, "proximity", 1, MAX_PROXIMITY_METRES) or DEFAULT_PROXIMITY_METRES
        within_km = proximity / 1000
    elif params.get("proximity"):
        raise BadParameter("proximity", "needs a postcode to measure from")
    return ServiceFilters(
        text=params.get("text", "") or params.get("search", ""),
        taxonomy_term_id=params.get("taxonomy_term_id", "").strip(),
        minimum_age=_whole_number(params, "minimum_age", 0, hsds.MAX_AGE),
        maximum_age=_whole_number(params, "maximum_age", 0, hsds.MAX_AGE),
        day=_day(params),
        near=near,
        within_km=within_km,
    )


@dataclass(frozen=True)
class PageRequest:
    number: int
    per_page: int


def page_request(params: Mapping[str, str]) -> PageRequest:
    """`page` (from 1) and `per_page` (1 to 200, 50 if not given). Raises BadParameter."""
    return PageRequest(
        number=_whole_number(params, "page", 1, 1_000_000) or 1,
        per_page=_whole_number(params, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )


def services_page(services: QuerySet[Service], request: PageRequest) -> dict[str, Any]:
    """An HSDS 3 page of services. A page past the end is empty, not an error."""
    page = page_of(with_details(services), number=request.number, per_page=request.per_page)
    return {
        "total_items": page.total,
        "total_pages": page.total_pages,
        "page_number": page.number,
        "size": page.per_page,
        "first_page": not page.has_previous,
        "last_page": not page.has_next,
        "empty": not page.services,
        "contents": [service_json(service) for service in page.services],
    }


def find_services(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /openreferral/services`: a page of services matching the query parameters. Raises BadParameter."""
    return services_page(search(filters_from(params)), page_request(params))


def one_service(service_id: str) -> dict[str, Any] | None:
    """`GET /openreferral/services/{id}`, or None if there is no such service."""
    service = with_details(Service.objects.filter(pk=service_id)).first()
    return service_json(service) if service else None
