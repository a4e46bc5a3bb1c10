"""The public Open Referral UK read API, as the profile's `openapi.json` defines it: query parameters in, HSDS 3
objects and pages out.

Every record is served with every field it was given (see `models`), and with
the records nested in it as the profile's compiled schemas nest them: a
service with its organisation, locations, schedules, costs, languages... Lists
serve each item's own fields only (the profile's `*_list` schemas), so a page
costs two queries whatever its size.

Directory entries are public information about services, not personal data,
so these reads need no access-policy decision and no audit (docs/adr/0007-directory-open-referral-uk.md;
the formats and paths: docs/adr/0015-open-referral-uk-formats-and-api.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from . import hsds, places
from .models import (
    Contact,
    CostOption,
    Detail,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .search import ServiceFilters, page_of, search

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
DEFAULT_PROXIMITY_METRES = 5_000
MAX_PROXIMITY_METRES = 100_000
HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
PAGING = ("page", "per_page")
# The filters of `/services` and `/service_at_locations` in the profile's openapi.json, with `modified_after`
# (defined there), and postcode and proximity for services as well as places.
SERVICE_FILTERS = (
    "search", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "start_time", "end_time", "day",
    "modified_after", "postcode", "proximity", *PAGING,
)  # fmt: skip


class BadParameter(Exception):
    """A query parameter the API cannot use; `parameter` names it and the message says why."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def only(params: Mapping[str, str], allowed: Iterable[str]) -> None:
    """Refuse any parameter the path does not define. Raises BadParameter."""
    allowed = set(allowed)
    for name in params:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise BadParameter(name, f"is not a parameter of this path (it takes: {known})")


# -- Records and nesting -------------------------------------------------------------------------------------


def record_of(instance: Model) -> dict[str, Any]:
    """A stored record's fields as they were given."""
    return dict(getattr(instance, "record", {})) or {"id": str(instance.pk)}


@dataclass
class Loaded:
    """Records by table and id, and who refers to whom, for nesting them as the profile does."""

    by_id: dict[tuple[str, str], dict[str, Any]]
    children: dict[tuple[str, str, str], list[dict[str, Any]]]

    @classmethod
    def of(cls, records: Iterable[tuple[str, dict[str, Any]]]) -> Loaded:
        by_id: dict[tuple[str, str], dict[str, Any]] = {}
        children: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for table, record in records:
            identity = (table, str(record.get("id")))
            if identity in by_id:
                continue
            by_id[identity] = record
            for name, value in record.items():
                if name.endswith("_id") and isinstance(value, str):
                    children[(table, name, value)].append(record)
        for found in children.values():
            found.sort(key=lambda r: str(r.get("id")))
        return cls(by_id, children)

    def nest(self, table: str, record: dict[str, Any]) -> dict[str, Any]:
        """The record with everything nested in it, as the profile's compiled schemas nest it."""
        body = dict(record)
        for nested in hsds.SPECS[table].nested:
            if nested.many:
                key = (nested.table, hsds.link_field(nested.table, table), str(record.get("id")))
                found = [self.nest(nested.table, child) for child in self.children.get(key, ())]
                if found:
                    body[nested.name] = found
            else:
                target = self.by_id.get((nested.table, str(record.get(f"{nested.table}_id"))))
                if target is not None:
                    body[nested.name] = self.nest(nested.table, target)
        return body


def _load_services(service_ids: list[str]) -> Loaded:
    """Everything nested in these services, in a fixed number of queries however many there are."""
    rows: list[tuple[str, dict[str, Any]]] = []
    services = list(Service.objects.filter(pk__in=service_ids).select_related("organization"))
    rows += [("service", record_of(s)) for s in services] + [
        ("organization", record_of(s.organization)) for s in services
    ]
    sals = list(ServiceAtLocation.objects.filter(service_id__in=service_ids).select_related("location"))
    rows += [("service_at_location", record_of(s)) for s in sals] + [("location", record_of(s.location)) for s in sals]
    schedules = Schedule.objects.filter(Q(service_id__in=service_ids) | Q(service_at_location__in=sals))
    rows += [("schedule", record_of(s)) for s in schedules]
    contacts = list(Contact.objects.filter(service_id__in=service_ids))
    rows += [("contact", record_of(c)) for c in contacts]
    rows += [("cost_option", record_of(c)) for c in CostOption.objects.filter(service_id__in=service_ids)]
    owners = {
        *service_ids,
        *(s.organization_id for s in services),
        *(s.location_id for s in sals),
        *(c.pk for c in contacts),
    }
    phones = list(
        Phone.objects.filter(Q(service_id__in=service_ids) | Q(contact__in=contacts) | Q(location_id__in=owners))
    )
    rows += [("phone", record_of(p)) for p in phones]
    owners |= {p.pk for p in phones} | {s.pk for s in sals}
    details = list(Detail.objects.filter(parent_id__in=owners))
    # Attributes of details (of an address, an accessibility...) hang one level further down.
    details += Detail.objects.filter(table="attribute", parent_id__in=[d.record_id for d in details])
    rows += [(d.table, record_of(d)) for d in details]
    terms = {d.record.get("taxonomy_term_id") for d in details if d.table == "attribute"}
    rows += [("taxonomy_term", record_of(t)) for t in TaxonomyTerm.objects.filter(pk__in=terms)]
    return Loaded.of(rows)


def nested_services(service_ids: list[str]) -> list[dict[str, Any]]:
    """These services, fully nested, in the order given."""
    loaded = _load_services(service_ids)
    return [loaded.nest("service", loaded.by_id[("service", i)]) for i in service_ids if ("service", i) in loaded.by_id]


def service_summary(service: Service) -> dict[str, Any]:
    """A service as a list shows it: its own fields and its organisation's (`compiled/service_list.json`)."""
    return {**record_of(service), "organization": record_of(service.organization)}


# -- Parameters ----------------------------------------------------------------------------------------------


def _whole_number(params: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
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


def _time(params: Mapping[str, str], name: str) -> datetime.time | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return hsds.parse("schedule", hsds.FieldSpec(name, format="time"), raw)  # type: ignore[no-any-return]
    except ValueError:
        raise BadParameter(name, "must be a time of day written as HH:MM") from None


def _modified_after(params: Mapping[str, str]) -> datetime.datetime | None:
    raw = params.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
        # In UTC, as the database compares it; year 1 an hour east of Greenwich has no UTC.
        return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise BadParameter("modified_after", "must be a date and time, like 2026-03-15T10:30:00Z") from None


def _text(params: Mapping[str, str], name: str) -> str:
    raw = params.get(name, "")
    if len(raw) > 200 or "\x00" in raw:
        raise BadParameter(name, "must be at most 200 characters of text")
    return raw.strip()


@dataclass(frozen=True)
class ApiFilters:
    """What `/services` and `/service_at_locations` were asked for."""

    search: ServiceFilters
    taxonomy_id: str
    start_time: datetime.time | None
    end_time: datetime.time | None
    modified_after: datetime.datetime | None


def filters_from(params: Mapping[str, str]) -> ApiFilters:
    """The search the query parameters ask for. Raises BadParameter."""
    only(params, SERVICE_FILTERS)
    near = None
    within_km = None
    postcode = _text(params, "postcode")
    if postcode:
        near = places.locate(postcode)
        if near is None:
            raise BadParameter("postcode", "is not a postcode we can find")
        proximity = _whole_number(params, "proximity", 1, MAX_PROXIMITY_METRES) or DEFAULT_PROXIMITY_METRES
        within_km = proximity / 1000
    elif params.get("proximity"):
        raise BadParameter("proximity", "needs a postcode to measure from")
    return ApiFilters(
        search=ServiceFilters(
            text=_text(params, "search"),
            taxonomy_term_id=_text(params, "taxonomy_term_id"),
            minimum_age=_whole_number(params, "minimum_age", 0, hsds.MAX_AGE),
            maximum_age=_whole_number(params, "maximum_age", 0, hsds.MAX_AGE),
            day=_day(params),
            near=near,
            within_km=within_km,
        ),
        taxonomy_id=_text(params, "taxonomy_id"),
        start_time=_time(params, "start_time"),
        end_time=_time(params, "end_time"),
        modified_after=_modified_after(params),
    )


def matching(filters: ApiFilters) -> QuerySet[Service]:
    """Running services matching the filters, best first (see `search.search`)."""
    services = search(filters.search)
    if filters.taxonomy_id:
        in_taxonomy = TaxonomyTerm.objects.filter(
            Q(record__taxonomy_id=filters.taxonomy_id) | Q(taxonomy=filters.taxonomy_id)
        ).values("pk")
        through = Service.taxonomy_terms.through.objects.filter(
            service_id=OuterRef("pk"), taxonomyterm_id__in=in_taxonomy
        )
        services = services.filter(Exists(through))
    times = Q()
    if filters.start_time:
        times &= Q(opens_at__gte=filters.start_time)
    if filters.end_time:
        times &= Q(closes_at__lte=filters.end_time)
    if times:
        own = Schedule.objects.filter(times, service_id=OuterRef("pk"))
        at_places = Schedule.objects.filter(times, service_at_location__service_id=OuterRef("pk"))
        services = services.filter(Exists(own) | Exists(at_places))
    if filters.modified_after:
        services = services.filter(modified_at__gte=filters.modified_after)
    return services


@dataclass(frozen=True)
class PageRequest:
    number: int
    per_page: int


def page_request(params: Mapping[str, str]) -> PageRequest:
    """`page` (from 1) and `per_page` (1 to 200, 50 if not given). Raises BadParameter."""
    return PageRequest(
        number=_whole_number(params, "page", 1, MAX_PAGE) or 1,
        per_page=_whole_number(params, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )


def page_body(*, total: int, request: PageRequest, contents: list[dict[str, Any]]) -> dict[str, Any]:
    """A page as the profile's `Page` schema defines it; `size` is how many items this page holds."""
    total_pages = max(-(-total // request.per_page), 1)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": request.number,
        "size": len(contents),
        "first_page": request.number == 1,
        "last_page": request.number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _plain_page(rows: QuerySet[Any], request: PageRequest, shown: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    start = (request.number - 1) * request.per_page
    found = list(rows[start : start + request.per_page])
    return page_body(total=rows.count(), request=request, contents=[shown(row) for row in found])


# -- The paths -----------------------------------------------------------------------------------------------


def about(openapi_url: str) -> dict[str, Any]:
    """`GET /`: which version of HSDS and which profile this API serves, and where its definition is."""
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": openapi_url}


def find_services(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /services`: a page of services matching the query parameters. Raises BadParameter."""
    filters, request = filters_from(params), page_request(params)
    page = page_of(matching(filters).select_related("organization"), number=request.number, per_page=request.per_page)
    return page_body(total=page.total, request=request, contents=[service_summary(s) for s in page.services])


def one_service(service_id: str) -> dict[str, Any] | None:
    """`GET /services/{id}`: the service with everything nested in it, or None if there is no such service."""
    found = nested_services([service_id])
    return found[0] if found else None


def find_services_at_locations(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /service_at_locations`: a page of services at their places (`compiled/service_at_location_list.json`)."""
    filters, request = filters_from(params), page_request(params)
    places_of = ServiceAtLocation.objects.filter(service__in=matching(filters).values("pk"))
    places_of = places_of.select_related("location", "service__organization").order_by("service__name", "pk")
    return _plain_page(places_of, request, lambda sal: {
        **record_of(sal), "location": record_of(sal.location), "service": service_summary(sal.service),
    })  # fmt: skip


def one_service_at_location(sal_id: str) -> dict[str, Any] | None:
    """`GET /service_at_locations/{id}`: the service at this place, its location and service fully nested."""
    sal = ServiceAtLocation.objects.filter(pk=sal_id).first()
    if sal is None:
        return None
    loaded = _load_services([sal.service_id])
    body = record_of(sal)
    body["location"] = loaded.nest("location", loaded.by_id[("location", sal.location_id)])
    body["service"] = loaded.nest("service", loaded.by_id[("service", sal.service_id)])
    return body


def find_organizations(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /organizations`: a page of organisations, their own fields only."""
    only(params, PAGING)
    return _plain_page(Organization.objects.order_by("name", "pk"), page_request(params), record_of)


def one_organization(organization_id: str) -> dict[str, Any] | None:
    """`GET /organizations/{id}`: the organisation with its identifiers, attributes and services."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    rows = [("organization", record_of(organization))]
    details = list(Detail.objects.filter(parent_id=organization.pk))
    details += Detail.objects.filter(table="attribute", parent_id__in=[d.record_id for d in details])
    rows += [(d.table, record_of(d)) for d in details]
    terms = {d.record.get("taxonomy_term_id") for d in details if d.table == "attribute"}
    rows += [("taxonomy_term", record_of(t)) for t in TaxonomyTerm.objects.filter(pk__in=terms)]
    contacts = list(Contact.objects.filter(organization=organization))
    rows += [("contact", record_of(c)) for c in contacts]
    phones = Phone.objects.filter(Q(organization=organization) | Q(contact__in=contacts))
    rows += [("phone", record_of(p)) for p in phones]
    loaded = Loaded.of(rows)
    body = loaded.nest("organization", rows[0][1])
    services = organization.services.order_by("name", "pk")
    body["services"] = [record_of(service) for service in services]
    return body


def find_taxonomies(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /taxonomies`: a page of taxonomies."""
    only(params, PAGING)
    return _plain_page(Detail.objects.filter(table="taxonomy").order_by("record_id"), page_request(params), record_of)


def one_taxonomy(taxonomy_id: str) -> dict[str, Any] | None:
    """`GET /taxonomies/{id}`: the taxonomy."""
    taxonomy = Detail.objects.filter(table="taxonomy", record_id=taxonomy_id).first()
    return record_of(taxonomy) if taxonomy else None


def find_taxonomy_terms(params: Mapping[str, str]) -> dict[str, Any]:
    """`GET /taxonomy_terms`: a page of taxonomy terms."""
    only(params, PAGING)
    return _plain_page(TaxonomyTerm.objects.order_by("name", "pk"), page_request(params), record_of)


def one_taxonomy_term(term_id: str) -> dict[str, Any] | None:
    """`GET /taxonomy_terms/{id}`: the taxonomy term."""
    term = TaxonomyTerm.objects.filter(pk=term_id).first()
    return record_of(term) if term else None
