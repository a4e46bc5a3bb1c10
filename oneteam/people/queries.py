"""Finding a person. The summary of their record is composed in `oneteam.workspace`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from oneteam.access.models import AuditAction, Purpose
from oneteam.access.services import in_team_neighbourhoods, record_event
from oneteam.organisations.models import Staff

from .models import Person

MAX_RESULTS = 50


@dataclass(frozen=True)
class SearchResults:
    people: list[Person]
    more_than_shown: bool


def search_people(
    *,
    staff: Staff,
    method: str,
    nhs_number: str = "",
    family_name: str = "",
    given_name: str = "",
    date_of_birth: datetime.date | None = None,
    postcode: str = "",
) -> SearchResults:
    """Find people by exact NHS number, by name and date of birth, or by postcode.

    Results carry only what any member of staff may see of anyone: name, date of
    birth, NHS number and neighbourhood; the record itself is decided person by
    person. A postcode search lists a household, which says where people live,
    so it is limited to the neighbourhoods the member of staff's teams serve.

    The audit event records the method and the number of results, not the
    search terms, which are themselves personal data.
    """
    people: QuerySet[Person] = Person.objects.select_related("practice_neighbourhood")
    if method == "nhs_number":
        people = people.filter(nhs_number=nhs_number)
    elif method == "name":
        if date_of_birth is None:
            raise ValueError("a name search needs a date of birth")
        people = people.filter(family_name__iexact=family_name, date_of_birth=date_of_birth)
        if given_name:
            people = people.filter(given_name__istartswith=given_name)
    elif method == "postcode":
        people = people.filter(in_team_neighbourhoods(staff), postcode=postcode)
    else:
        raise ValueError(f"unknown search method {method!r}")
    found = list(people.order_by("family_name", "given_name", "date_of_birth", "pk")[: MAX_RESULTS + 1])
    record_event(
        staff=staff,
        action=AuditAction.SEARCH,
        purpose=Purpose.DIRECT_CARE,
        detail={"method": method, "results": min(len(found), MAX_RESULTS)},
    )
    return SearchResults(people=found[:MAX_RESULTS], more_than_shown=len(found) > MAX_RESULTS)
