"""Reads for the FHIR API and exports, every one through the access policy and the audit log.

The caller is an `ApiClient`; the policy judges its service account for the
client's purpose (see `clients`). A read of a person's resource asks about the
resource type's data category (`registry`); a refusal is an `ApiError` (403)
carrying the policy's reason, and is audited like an allowed read.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import authorise_read, authorise_reads, record_event, staff_neighbourhood_ids
from oneteam.organisations.models import Organisation
from oneteam.people import nhs_number
from oneteam.people.models import HospitalAdmission, Person

from . import codes, resources
from .models import ApiClient
from .registry import DIRECTORY, PATIENT, PERSON_FIELDS, PERSON_RESOURCES, PersonResource
from .resources import Json

MAX_COUNT = 100
DEFAULT_COUNT = 20
# A people search is put to the access policy match by match, so the total is right: this many at most.
MAX_MATCHES = 1000
_PATIENT_PARAMETERS = {"identifier", "name", "family", "given", "birthdate"}
_CONTROL_PARAMETERS = {"_count", "_offset", "_format"}


@dataclass(frozen=True)
class Page:
    """One page of a search: the resources on it, how many there are in all (after the access policy), and where
    the page starts (`offset`) and how long pages are (`count`)."""

    resources: list[Json]
    total: int
    offset: int
    count: int


def paging(parameters: Mapping[str, str]) -> tuple[int, int]:
    """`_offset` and `_count` from the search parameters (400 if either is not a whole number in range)."""
    text = parameters.get("_offset", "0")
    if not text.isdigit() or len(text) > 9:
        raise ApiError(400, "_offset must be a whole number from 0")
    return int(text), _count(parameters)


def _page(found: list[Json], parameters: Mapping[str, str], *, whole: bool = False) -> Page:
    """The page of `found` the parameters ask for; `whole`: all of it unless `_count` is given."""
    offset, count = paging(parameters)
    if whole and "_count" not in parameters:
        count = max(len(found), 1)
    return Page(found[offset : offset + count], len(found), offset, count)


@dataclass
class ApiError(Exception):
    """The call cannot be answered: HTTP `status`, an OperationOutcome issue `code`, and why in words."""

    status: int
    message: str
    code: str = "invalid"


def purpose_of(client: ApiClient) -> Purpose:
    """The one purpose the client reads for: every policy question it asks is for this purpose."""
    return Purpose(client.purpose)


def _person_kind(resource_type: str) -> PersonResource:
    kind = PERSON_RESOURCES.get(resource_type)
    if kind is None:
        raise ApiError(404, f"OneTeam does not serve {resource_type} resources", "not-supported")
    return kind


# What a refused client is told: the same words whoever the id belongs to, so walking ids learns nothing.
REFUSED = "You may not see this record, or this part of it"


def _authorise(client: ApiClient, person: Person, categories: Sequence[DataCategory]) -> list[DataCategory]:
    """The categories of the person's record the client may see (every answer audited); 403 if none.

    Safety alerts, which the policy shows to anyone who may visit, go over the API only for people
    in the client's own neighbourhoods: a system has no visit to make elsewhere.
    """
    decisions = authorise_read(staff=client.staff, person=person, categories=categories, purpose=purpose_of(client))
    allowed = [category for category in categories if decisions[category].allowed]
    if DataCategory.SAFETY_ALERTS in allowed and not _in_client_neighbourhoods(client, person):
        allowed.remove(DataCategory.SAFETY_ALERTS)
    if not allowed:
        raise ApiError(403, REFUSED, "forbidden")
    return allowed


def _in_client_neighbourhoods(client: ApiClient, person: Person) -> bool:
    return bool(
        {person.practice_neighbourhood_id, person.ward_neighbourhood_id} & staff_neighbourhood_ids(client.staff)
    )


def read(client: ApiClient, resource_type: str, resource_id: str) -> Json:
    """One resource by id (GET /fhir/Type/id)."""
    if resource_type in DIRECTORY:
        return _read_directory(client, resource_type, resource_id)
    kind = _person_kind(resource_type)
    found = kind.by_id(resource_id)
    if found is None:
        raise ApiError(404, f"There is no {resource_type} with id {resource_id}", "not-found")
    person_id, category, resource = found
    _authorise(client, Person.objects.get(pk=person_id), [category])
    return resource


def directory_rows(resource_type: str) -> QuerySet[Any]:
    """The rows of a type about no one in particular (the organisation map, staff directory, assessment templates)."""
    return DIRECTORY[resource_type].rows()


def render_directory(resource_type: str, row: Any) -> Json:
    """The resource for a row of `directory_rows`."""
    return DIRECTORY[resource_type].render(row)


def _read_directory(client: ApiClient, resource_type: str, resource_id: str) -> Json:
    row = directory_rows(resource_type).filter(pk=int(resource_id)).first() if resource_id.isdigit() else None
    if row is None:
        raise ApiError(404, f"There is no {resource_type} with id {resource_id}", "not-found")
    record_event(staff=client.staff, action=AuditAction.VIEW, detail={"fhir": f"{resource_type} read"})
    return render_directory(resource_type, row)


def _count(parameters: Mapping[str, str]) -> int:
    text = parameters.get("_count", str(DEFAULT_COUNT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise ApiError(400, f"_count must be a whole number from 1 to {MAX_COUNT}")
    return int(text)


def _check_parameters(parameters: Mapping[str, str], allowed: set[str]) -> None:
    unknown = sorted(set(parameters) - allowed - _CONTROL_PARAMETERS)
    if unknown:
        raise ApiError(400, f"OneTeam does not support the search parameter {', '.join(unknown)} here", "not-supported")


def search(client: ApiClient, resource_type: str, parameters: Mapping[str, str]) -> Page:
    """Search (GET /fhir/Type?…): people by identifier, name and birth date; other resources by patient."""
    if resource_type == "Patient":
        return _search_people(client, parameters)
    if resource_type in DIRECTORY:
        return _search_directory(client, resource_type, parameters)
    kind = _person_kind(resource_type)
    _check_parameters(parameters, {"patient", "subject"})
    wanted = (parameters.get("patient") or parameters.get("subject") or "").removeprefix("Patient/")
    person = Person.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if person is None:
        raise ApiError(400, f"Search {resource_type} with patient=<id of a Patient OneTeam holds>", "required")
    paging(parameters)
    # A type in several categories (QuestionnaireResponse) answers with those the policy allows, as pages do.
    return _page(kind.by_people([person.pk], _authorise(client, person, kind.categories)), parameters)


def _search_people(client: ApiClient, parameters: Mapping[str, str]) -> Page:
    """People matching the parameters whom the policy lets the client see; the page asked for, and the true total.

    Every match is put to the policy (and audited) before paging, so `_count` people
    are shown when there are that many the client may see, and `total` counts only them.
    """
    _check_parameters(parameters, _PATIENT_PARAMETERS)
    offset, count = paging(parameters)
    matches = list(
        _people_matching(parameters)
        .select_related(*PERSON_FIELDS)
        .order_by("family_name", "given_name", "pk")[: MAX_MATCHES + 1]
    )
    if len(matches) > MAX_MATCHES:
        raise ApiError(400, f"More than {MAX_MATCHES} people match: narrow the search", "too-costly")
    decisions = authorise_reads(
        staff=client.staff, people=matches, categories=[DataCategory.DEMOGRAPHICS], purpose=purpose_of(client)
    )
    # People the system may not see are left out, as a person searching would not see them either.
    visible = [person for person in matches if decisions[person.pk][DataCategory.DEMOGRAPHICS].allowed]
    shown = visible[offset : offset + count]
    record_event(
        staff=client.staff,
        action=AuditAction.SEARCH,
        purpose=client.purpose,
        detail={
            "fhir": "Patient search",
            "parameters": sorted(set(parameters) & _PATIENT_PARAMETERS),
            "results": len(shown),
        },
    )
    return Page([resources.patient(person) for person in shown], len(visible), offset, count)


def _people_matching(parameters: Mapping[str, str]) -> QuerySet[Person]:
    if not set(parameters) & _PATIENT_PARAMETERS:
        raise ApiError(400, "Search people by identifier, name, family, given or birthdate", "required")
    people = Person.objects.all()
    if "identifier" in parameters:
        system, _, value = parameters["identifier"].rpartition("|")
        if system not in ("", codes.NHS_NUMBER):
            raise ApiError(400, f"Search people by identifier={codes.NHS_NUMBER}|<NHS number>", "not-supported")
        number = nhs_number.normalise(value)
        if not nhs_number.is_valid(number):
            raise ApiError(400, "identifier is not a valid NHS number")
        people = people.filter(nhs_number=number)
    if "name" in parameters:
        name = parameters["name"].strip()
        people = people.filter(Q(family_name__istartswith=name) | Q(given_name__istartswith=name))
    if "family" in parameters:
        people = people.filter(family_name__istartswith=parameters["family"].strip())
    if "given" in parameters:
        people = people.filter(given_name__istartswith=parameters["given"].strip())
    if "birthdate" in parameters:
        try:
            born = datetime.date.fromisoformat(parameters["birthdate"].removeprefix("eq"))
        except ValueError:
            raise ApiError(400, "birthdate must be a date like 1941-03-27") from None
        people = people.filter(date_of_birth=born)
    return people


def _search_directory(client: ApiClient, resource_type: str, parameters: Mapping[str, str]) -> Page:
    kind = DIRECTORY[resource_type]
    _check_parameters(parameters, set(kind.search))
    rows = kind.rows()
    for name, narrow in kind.search.items():
        if name in parameters:
            rows = narrow(rows, parameters[name].strip())
    offset, count = paging(parameters)
    found = [kind.render(row) for row in rows[offset : offset + count]]
    record_event(
        staff=client.staff,
        action=AuditAction.SEARCH,
        detail={"fhir": f"{resource_type} search", "results": len(found)},
    )
    return Page(found, rows.count(), offset, count)


def everything(client: ApiClient, person_id: str, parameters: Mapping[str, str]) -> Page:
    """Patient/$everything: the person and every resource about them the client may see, with their organisations,
    a page of `_count` at a time when asked (`_offset` moves on).

    Refused (403) if the client may not see the person's demographics; otherwise each
    other category the policy refuses is left out (and the refusal audited).
    """
    person = (
        Person.objects.select_related(*PERSON_FIELDS).filter(pk=int(person_id)).first() if person_id.isdigit() else None
    )
    if person is None:
        raise ApiError(404, f"There is no Patient with id {person_id}", "not-found")
    _check_parameters(parameters, set())
    paging(parameters)
    kinds = list(PERSON_RESOURCES.values())
    decisions = authorise_read(
        staff=client.staff,
        person=person,
        categories=list(dict.fromkeys(category for kind in kinds for category in kind.categories)),
        purpose=purpose_of(client),
    )
    [demographics] = PATIENT.categories
    if not decisions[demographics].allowed:
        raise ApiError(403, REFUSED, "forbidden")
    allowed = {category for category, decision in decisions.items() if decision.allowed}
    if not _in_client_neighbourhoods(client, person):
        allowed.discard(DataCategory.SAFETY_ALERTS)
    found = [
        resource
        for kind in kinds
        for resource in kind.by_people(
            [person.pk], [c for c in kind.categories if c in decisions and decisions[c].allowed]
        )
    ]
    organisation_ids = {person.gp_practice_id}
    [stays] = PERSON_RESOURCES["Encounter"].categories
    if stays in allowed:
        organisation_ids |= set(HospitalAdmission.objects.filter(person=person).values_list("hospital_id", flat=True))
    organisations = (
        Organisation.objects.select_related("neighbourhood")
        .prefetch_related("fhir_identifiers")
        .filter(pk__in=organisation_ids)
        .order_by("pk")
    )
    organizations = [resources.organization(organisation) for organisation in organisations]
    # The whole record unless the client asks for pages, as the operation's definition expects.
    return _page(found + organizations, parameters, whole=True)
