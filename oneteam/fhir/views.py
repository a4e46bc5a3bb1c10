"""The FHIR R4 API: thin views that authenticate the system, call a query or the importer, and answer in FHIR JSON.

Every answer other than the CapabilityStatement needs a system's token. Each
call is audited: reads through `authorise_read` (allowed or refused), and every
refused call (no token, out of scope, malformed) with a "denied" event giving
the HTTP status and why. Errors are OperationOutcomes with the right status.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from oneteam.access.models import AuditAction, DataCategory
from oneteam.access.services import may_contribute, record_event, refused_writes
from oneteam.people.models import Person
from oneteam.referrals.services import hospital

from . import capability, codes, queries
from .models import ApiClient
from .resources import Json
from .services.clients import authenticated_client
from .services.importing import Importer, Outcome

ClientView = Callable[..., HttpResponse]


def _answer(body: Json, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        body, status=status, content_type=codes.FHIR_JSON, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _outcome(status: int, issues: list[hospital.Issue]) -> JsonResponse:
    return _answer(hospital.operation_outcome(issues), status)


def _refused(request: HttpRequest, client: ApiClient | None, status: int, message: str, code: str) -> JsonResponse:
    """Audit a refused call (the route, never its parameters: no personal data) and answer with an OperationOutcome."""
    record_event(
        staff=client.staff if client else None,
        username="" if client else "fhir api",
        action=AuditAction.DENIED,
        allowed=False,
        reason=message[:500],
        detail={
            "fhir": request.method,
            "status": status,
            "route": request.resolver_match.url_name if request.resolver_match else "",
        },
    )
    return _outcome(status, [hospital.Issue(message, code=code)])


def _token_required(view: ClientView) -> ClientView:
    """Authenticate the system's token; refuse with 401 (none or unknown) or 403 (no FHIR access), audited."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        system, client = authenticated_client(request.headers.get("Authorization", ""))
        if system is None:
            return _refused(request, None, 401, "Send a valid API token as 'Authorization: Bearer <token>'", "login")
        if client is None and not _is_encounter_notification(request, kwargs):
            return _refused(
                request,
                None,
                403,
                "This token may only send admissions and discharges, not use the FHIR API",
                "forbidden",
            )
        refused_format = _not_acceptable(request)
        if refused_format:
            return _refused(request, client, 406, refused_format, "not-supported")
        try:
            return view(request, *args, system=system, client=client, **kwargs)
        except queries.ApiError as error:
            return _refused(request, client, error.status, error.message, error.code)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1_000_000
            message = f"The body is larger than {limit} MB: send smaller Bundles, or import files with import_fhir"
            return _refused(request, client, 413, message, "too-costly")

    # Systems authenticate with their own token, not a session, so there is no CSRF to check.
    return csrf_exempt(login_not_required(checked))


def _is_encounter_notification(request: HttpRequest, kwargs: dict[str, Any]) -> bool:
    return request.method == "POST" and kwargs.get("resource_type") == "Encounter"


@login_not_required
@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR clients read it before they authenticate. It holds no personal data."""
    refused_format = _not_acceptable(request)
    if refused_format:
        return _outcome(406, [hospital.Issue(refused_format, code="not-supported")])
    return _answer(
        capability.capability_statement(request.build_absolute_uri("/fhir/"), datetime.date.today().isoformat())
    )


def _bundle(request: HttpRequest, page: queries.Page) -> JsonResponse:
    """A searchset Bundle for one page, with the total and links to this page and the pages either side."""
    base = request.build_absolute_uri("/fhir/")
    return _answer(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": _links(request, page),
            "entry": [
                {
                    "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                    "resource": resource,
                    "search": {"mode": "match"},
                }
                for resource in page.resources
            ],
        }
    )


def _links(request: HttpRequest, page: queries.Page) -> list[Json]:
    """Bundle.link self, and next and previous when there are such pages: the same search at another `_offset`."""

    def at(offset: int) -> str:
        parameters = request.GET.copy()
        parameters["_offset"], parameters["_count"] = str(offset), str(page.count)
        return request.build_absolute_uri(f"{request.path}?{parameters.urlencode()}")

    links = [{"relation": "self", "url": at(page.offset)}]
    if page.offset + page.count < page.total:
        links.append({"relation": "next", "url": at(page.offset + page.count)})
    if page.offset > 0:
        links.append({"relation": "previous", "url": at(max(0, page.offset - page.count))})
    return links


# What `_format` and `Accept` may ask for: FHIR JSON (OneTeam does not write XML, so asking only for XML is a 406).
_JSON_FORMATS = {"json", "application/json", "application/fhir+json"}


def _not_acceptable(request: HttpRequest) -> str:
    """Why OneTeam cannot answer in the format asked for, or "" when it can (JSON, or no preference)."""
    wanted = request.GET.get("_format")
    if wanted is not None:
        return "" if wanted.split(";")[0].strip() in _JSON_FORMATS else f"_format={wanted} is not served: use json"
    accept = request.headers.get("Accept", "")
    kinds = {part.split(";")[0].strip() for part in accept.split(",") if part.strip()}
    if not kinds or kinds & (_JSON_FORMATS | {"*/*", "application/*"}):
        return ""
    return "OneTeam answers only in FHIR JSON (application/fhir+json)"


@_token_required
def resource_type(request: HttpRequest, resource_type: str, *, system: Any, client: ApiClient | None) -> HttpResponse:
    """GET: search. POST an Encounter: an admission or discharge, taken exactly as /api/hospital/encounters takes it."""
    if request.method == "POST" and resource_type == "Encounter":
        try:
            notice = hospital.parse_encounter(request.body)
            if client is not None:
                _may_notify(client, notice)
            done = hospital.receive_encounter(system=system, notice=notice)
        except hospital.EncounterRefused as refused:
            message = "; ".join(issue.diagnostics for issue in refused.issues)
            record_event(
                staff=client.staff if client else None,
                username="" if client else f"hospital system {system.organisation.ods_code}",
                action=AuditAction.DENIED,
                allowed=False,
                reason=message[:500],
                detail={"fhir": "POST", "status": refused.status, "route": "resource_type"},
            )
            return _outcome(refused.status, refused.issues)
        return _outcome(200, done)
    if request.method != "GET":
        raise queries.ApiError(405, f"{request.method} is not supported on {resource_type}", "not-supported")
    assert client is not None
    return _bundle(request, queries.search(client, resource_type, request.GET.dict()))


def _may_notify(client: ApiClient, notice: hospital.EncounterNotice) -> None:
    """A FHIR client's admission or discharge adds physical health to the person's record: the policy must let
    the client do that for this person. A refusal is audited, writes nothing, and names no one.
    """
    person = Person.objects.filter(nhs_number=notice.nhs_number).first()
    if person is None:
        return  # receive_encounter refuses an unknown NHS number itself
    purpose = queries.purpose_of(client)
    if not may_contribute(client.staff, person, DataCategory.PHYSICAL_HEALTH, purpose).allowed:
        refused_writes(staff=client.staff, person_ids=[person.pk], purpose=purpose)
        raise queries.ApiError(403, queries.REFUSED, "forbidden")


@_token_required
def instance(
    request: HttpRequest, resource_type: str, resource_id: str, *, system: Any, client: ApiClient | None
) -> HttpResponse:
    """GET /fhir/Type/id."""
    assert client is not None
    if request.method != "GET":
        raise queries.ApiError(
            405, f"{request.method} is not supported on {resource_type}/{resource_id}", "not-supported"
        )
    return _answer(queries.read(client, resource_type, resource_id))


@_token_required
def everything(request: HttpRequest, resource_id: str, *, system: Any, client: ApiClient | None) -> HttpResponse:
    """GET /fhir/Patient/id/$everything."""
    assert client is not None
    return _bundle(request, queries.everything(client, resource_id, request.GET.dict()))


@_token_required
def base(request: HttpRequest, *, system: Any, client: ApiClient | None) -> HttpResponse:
    """POST /fhir/: import a Bundle (transaction, batch or collection) or NDJSON, all or nothing."""
    assert client is not None
    if request.method != "POST":
        raise queries.ApiError(405, "POST a Bundle or NDJSON here; read resources at /fhir/<type>", "not-supported")
    if not client.may_import:
        raise queries.ApiError(403, "This system may read but not import", "forbidden")
    importer = Importer(actor=client.staff, username="", purpose=queries.purpose_of(client))
    content_type = request.content_type or ""
    ndjson = "ndjson" in content_type
    if ndjson:
        outcomes = importer.import_ndjson("request", request.body.splitlines())
    else:
        outcomes = importer.import_json("request", request.body)
    if outcomes is None:
        if importer.refused_person_ids:
            refused_writes(staff=client.staff, person_ids=importer.refused_person_ids, purpose=client.purpose)
        errors = importer.report.errors
        malformed = any(error.entry is None and error.resource_type in ("", "Bundle") for error in errors)
        message = "; ".join(
            f"entry {error.entry}: {error.message}" if error.entry is not None else error.message for error in errors
        )
        raise queries.ApiError(400 if malformed else 422, message[:2000] or "Nothing was imported", "invalid")
    kind = "batch" if ndjson else _bundle_type(request.body)
    return _answer({"resourceType": "Bundle", "type": f"{kind}-response", "entry": [_response(o) for o in outcomes]})


def _bundle_type(body: bytes) -> str:
    """The response Bundle's kind: a transaction answers a transaction; anything else is answered as a batch."""
    document = json.loads(body)
    return (
        "transaction" if document.get("resourceType") == "Bundle" and document.get("type") == "transaction" else "batch"
    )


def _response(outcome: Outcome) -> Json:
    status = {"created": "201 Created", "matched": "200 OK", "skipped": "200 OK"}[outcome.result]
    response: Json = {"status": status}
    if outcome.result == "skipped":
        response["outcome"] = hospital.operation_outcome(
            [
                hospital.Issue(
                    f"OneTeam does not keep this {outcome.resource_type}; skipped",
                    code="not-supported",
                    severity="warning",
                )
            ]
        )
    elif outcome.pk is not None and not outcome.resource_type.startswith("Medication"):
        response["location"] = f"{outcome.resource_type}/{outcome.pk}"
    return {"response": response}
