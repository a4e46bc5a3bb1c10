"""Reads of the directory for staff pages: search results with their freshness, and signposting.

Directory entries are public. Signposting is part of a person's care plan, so
every read of it asks the access policy and is audited; lists of people (the
caseload, the inbox) write one audit event for the page.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oneteam.access.models import AuditAction, CareTeamMembership, DataCategory, Purpose
from oneteam.access.queries import person_for_access_pages
from oneteam.access.services import Decision, authorise_read, record_event
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from . import hsds
from .models import (
    CHARGING_EXPLAINED,
    Charging,
    Detail,
    DetailReport,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Signpost,
)
from .search import (
    PageOf,
    Point,
    ServiceFilters,
    checked_in_words,
    page_of,
    possibly_out_of_date,
    search,
)

RESULTS_PER_PAGE = 20
# Further than any directory reaches, and small enough for every database's OFFSET.
MAX_PAGE = 1_000_000
REPORTS_SHOWN = 100


@dataclass(frozen=True)
class Result:
    """A service as a search result shows it, with what the standard says about fees, languages, access and alerts.

    Everything but `service` is worked out before the page renders, so the template only prints."""

    service: Service
    checked: str
    out_of_date: bool
    distance_km: float | None
    days: str
    charging: str
    alert: str = ""
    fees: str = ""
    places: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Times:
    """One schedule's fields that `days_in_words` reads."""

    description: str
    byday: str
    opens_at: datetime.time | None
    closes_at: datetime.time | None


def days_in_words(schedules: list[_Times]) -> str:
    """'Tuesday 12:00 to 14:00; Friday 10:00 to 12:00' from a service's schedules."""
    parts = []
    for schedule in schedules:
        if schedule.description:
            parts.append(schedule.description)
            continue
        days = ", ".join(hsds.DAY_NAMES[day] for day in schedule.byday.split(",") if day in hsds.DAY_NAMES)
        hours = (
            f" {schedule.opens_at:%H:%M} to {schedule.closes_at:%H:%M}"
            if schedule.opens_at and schedule.closes_at
            else ""
        )
        parts.append(f"{days}{hours}")
    return "; ".join(part for part in parts if part)


# The service columns a result shows (and the search orders by); the rest of the row, such as the search
# text, is left in the database.
SHOWN = ("name", "description", "eligibility_description", "record", "charging", "assured_date", "organization__name")


@dataclass
class _Shown:
    """What a page of results shows besides the service row, by service id, read as plain rows (no model objects)."""

    places: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    locations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    schedules: dict[str, list[_Times]] = field(default_factory=lambda: defaultdict(list))
    phones: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (table, record) of the languages of services and the accessibility of places, by the id of the service or
    # location they belong to.
    details: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))


def _shown(service_ids: list[str]) -> _Shown:
    """Places, times, phones, languages and accessibility of these services: four queries, however many."""
    shown = _Shown()
    if not service_ids:
        return shown
    places = ServiceAtLocation.objects.filter(service_id__in=service_ids).order_by("pk")
    for service_id, location_id, *address in places.values_list(
        "service_id", "location_id", "location__name", "location__address_1", "location__postal_code"
    ):
        shown.places[service_id].append(", ".join(part for part in address if part))
        shown.locations[service_id].append(location_id)
    schedules = Schedule.objects.filter(service_id__in=service_ids).order_by("pk")
    for service_id, description, byday, opens_at, closes_at in schedules.values_list(
        "service_id", "description", "byday", "opens_at", "closes_at"
    ):
        shown.schedules[service_id].append(_Times(description, byday, opens_at, closes_at))
    phones = Phone.objects.filter(service_id__in=service_ids).order_by("pk").values_list("service_id", "number")
    for service_id, number in phones:
        shown.phones[service_id].append(number)
    owners = {*service_ids, *(location for found in shown.locations.values() for location in found)}
    details = Detail.objects.filter(parent_id__in=owners, table__in=("language", "accessibility"))
    for parent_id, table, record in details.values_list("parent_id", "table", "record"):
        shown.details[parent_id].append((table, record))
    return shown


def _result(service: Service, today: datetime.date, shown: _Shown) -> Result:
    squared = getattr(service, "distance_sq", None)
    record = service.record
    return Result(
        service=service,
        checked=checked_in_words(service.assured_date, today),
        out_of_date=possibly_out_of_date(service.assured_date, today),
        distance_km=math.sqrt(squared) if squared is not None else None,
        days=days_in_words(shown.schedules[service.pk]),
        charging=CHARGING_EXPLAINED[Charging(service.charging)],
        alert=str(record.get("alert", "")),
        # HSDS core's `fees_description`, or the profile's (deprecated) `fees`.
        fees=str(record.get("fees_description") or record.get("fees") or ""),
        places=shown.places[service.pk],
        phones=shown.phones[service.pk],
        languages=[
            str(d.get("name") or d.get("code"))
            for table, d in shown.details[service.pk]
            if table == "language" and (d.get("name") or d.get("code"))
        ],
        accessibility=[
            str(d.get("accessibility") or d.get("description"))
            for place in shown.locations[service.pk]
            for table, d in shown.details[place]
            if table == "accessibility" and (d.get("accessibility") or d.get("description"))
        ],
    )


@dataclass
class Results:
    page: PageOf
    results: list[Result]


def find(filters: ServiceFilters, page_number: int) -> Results:
    """A page of search results, best first, with when each was checked and whether it may be out of date.

    A page past the end shows the last page."""
    found = search(filters).select_related("organization").only(*SHOWN)
    page = page_of(found, number=min(page_number, MAX_PAGE), per_page=RESULTS_PER_PAGE)
    if not page.services and page.number > page.total_pages:
        page = page_of(found, number=page.total_pages, per_page=RESULTS_PER_PAGE)
    today = timezone.localdate()
    shown = _shown([service.pk for service in page.services])
    return Results(page=page, results=[_result(service, today, shown) for service in page.services])


@dataclass(frozen=True)
class ForPerson:
    """What a search for a person may use: where they live and how old they are, if the policy allows."""

    person: Person
    age: int
    home: Point | None  # None for someone living outside the area: the directory cannot place their home
    may_signpost: Decision


def for_person(*, staff: Staff, person_id: int) -> ForPerson | None:
    """The person's home and age to search near, audited; None if the policy does not let `staff` see them."""
    person = get_object_or_404(Person.objects.select_related("lsoa"), pk=person_id)
    decisions = authorise_read(
        staff=staff, person=person, categories=[DataCategory.DEMOGRAPHICS, DataCategory.CARE_PLAN],
        purpose=Purpose.DIRECT_CARE,
    )  # fmt: skip
    if not decisions[DataCategory.DEMOGRAPHICS].allowed:
        return None
    return ForPerson(
        person=person,
        age=person.age_on(timezone.localdate()),
        home=Point(person.lsoa.latitude, person.lsoa.longitude) if person.lsoa else None,
        may_signpost=decisions[DataCategory.CARE_PLAN],
    )


def report_queue() -> list[DetailReport]:
    """Reports of out-of-date details still open, oldest first."""
    open_reports = DetailReport.objects.filter(resolved_at__isnull=True).select_related("service", "reported_by")
    return list(open_reports.order_by("reported_at", "pk")[:REPORTS_SHOWN])


# -- Signposting ---------------------------------------------------------------------------------------------


@dataclass
class PersonSignposts:
    person: Person
    decision: Decision
    signposts: list[Signpost] = field(default_factory=list)


def person_signposts(*, staff: Staff, person_id: int) -> PersonSignposts:
    """Where the person has been signposted and what came of it, if the policy allows; audited."""
    person = person_for_access_pages(person_id)
    decision = authorise_read(
        staff=staff, person=person, categories=[DataCategory.CARE_PLAN], purpose=Purpose.DIRECT_CARE
    )[DataCategory.CARE_PLAN]
    shown = PersonSignposts(person=person, decision=decision)
    if decision.allowed:
        shown.signposts = list(
            person.signposts.select_related("service__organization", "signposted_by", "outcome_recorded_by")
        )
    return shown


def signpost_to_follow_up(*, staff: Staff, signpost_id: int) -> tuple[Signpost, Decision]:
    """A signposting and whether `staff` may see it and record its outcome (part of the care plan); audited."""
    made = get_object_or_404(
        Signpost.objects.select_related("person", "service__organization", "signposted_by"), pk=signpost_id
    )
    decision = authorise_read(
        staff=staff, person=made.person, categories=[DataCategory.CARE_PLAN], purpose=Purpose.DIRECT_CARE
    )[DataCategory.CARE_PLAN]
    return made, decision


def follow_ups_due(staff_id: int, today: datetime.date) -> QuerySet[Signpost]:
    """Signpostings by the member of staff whose follow-up date has come by `today` and whose outcome is not
    recorded yet.

    The inbox counts these in its header query and lists them (see `oneteam.referrals.queries.inbox`).
    """
    return Signpost.objects.filter(signposted_by_id=staff_id, outcome="", follow_up_on__lte=today)


def inbox_follow_ups(staff: Staff) -> list[Signpost]:
    """The follow-ups due, oldest first, for the inbox page (one query; the inbox writes the audit event)."""
    return list(
        follow_ups_due(staff.pk, timezone.localdate())
        .select_related("person", "service")
        .order_by("follow_up_on", "pk")
    )


@dataclass(frozen=True)
class CaseloadLine:
    person: Person
    role: str
    open_signposts: int
    next_follow_up: datetime.date | None


def caseload(*, staff: Staff) -> list[CaseloadLine]:
    """The people whose care team `staff` is in now, with their open signpostings. One audit event for the page."""
    now = timezone.now()
    memberships = (
        CareTeamMembership.objects.filter(staff=staff, started_at__lte=now)
        .exclude(ended_at__lte=now)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "person_id")
    )
    lines: dict[int, CaseloadLine] = {}
    for membership in memberships:
        lines.setdefault(membership.person_id, CaseloadLine(membership.person, membership.get_role_display(), 0, None))
    open_by_person = (
        Signpost.objects.filter(person_id__in=list(lines), outcome="")
        .values("person_id")
        .annotate(n=Count("pk"), next_follow_up=Min("follow_up_on", filter=Q(signposted_by=staff)))
    )
    for row in open_by_person:
        line = lines[row["person_id"]]
        lines[row["person_id"]] = CaseloadLine(line.person, line.role, row["n"], row["next_follow_up"])
    record_event(
        staff=staff,
        action=AuditAction.SEARCH,
        purpose=Purpose.DIRECT_CARE,
        detail={"caseload": True, "shown": len(lines)},
    )
    return list(lines.values())
