"""The public Open Referral UK API, under /openreferral/. Open to anyone, from any web page (CORS), because the
directory is public. Every answer is JSON, errors included: 400 names the parameter, 404 the missing record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from . import api, hsds

Listing = Callable[[Mapping[str, str]], dict[str, Any]]
Lookup = Callable[[str], dict[str, Any] | None]


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    return response


def _json(body: object, status: int = 200) -> HttpResponse:
    return _cors(JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False}))


def _error(status: int, message: str, parameter: str = "") -> HttpResponse:
    error = {"parameter": parameter, "message": message} if parameter else {"message": message}
    return _json({"errors": [error]}, status)


def _open_to_all(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No sign-in; any web site may read the answer; reads only, and a wrong method is told so in JSON (no
    CSRF check, whose refusal is an HTML page: nothing here ever changes anything)."""

    @csrf_exempt
    @login_not_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "OPTIONS":
            return _cors(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "This API only reads: use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        return view(request, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    return wrapped


def _listing(find: Listing) -> Callable[[HttpRequest], HttpResponse]:
    @_open_to_all
    def view(request: HttpRequest) -> HttpResponse:
        try:
            return _json(find(request.GET))
        except api.BadParameter as bad:
            return _error(400, f"{bad.parameter} {bad.message}", bad.parameter)

    view.__doc__ = find.__doc__
    return view


def _lookup(find: Lookup, kind: str) -> Callable[[HttpRequest, str], HttpResponse]:
    @_open_to_all
    def view(request: HttpRequest, record_id: str) -> HttpResponse:
        try:
            api.only(request.GET, ())
        except api.BadParameter as bad:
            return _error(400, f"{bad.parameter} {bad.message}", bad.parameter)
        # No id holds a NUL character, and PostgreSQL refuses to compare with one.
        body = None if "\x00" in record_id else find(record_id)
        return _json(body) if body is not None else _error(404, f"No {kind} has the id {record_id}.")

    view.__doc__ = find.__doc__
    return view


@_open_to_all
def about(request: HttpRequest) -> HttpResponse:
    """`GET /`: the HSDS version and profile served, and where the API's definition is."""
    try:
        api.only(request.GET, ())
    except api.BadParameter as bad:
        return _error(400, f"{bad.parameter} {bad.message}", bad.parameter)
    return _json(api.about(request.build_absolute_uri(reverse("directory:api_openapi"))))


@_open_to_all
def openapi(request: HttpRequest) -> HttpResponse:
    """The profile's own openapi.json, which this API follows."""
    return _cors(HttpResponse((hsds.STANDARD_DIR / "openapi.json").read_bytes(), content_type="application/json"))


@_open_to_all
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under the API: a JSON 404, never an HTML page."""
    return _error(404, "There is no such path in this API. GET / says where its definition is.")


services = _listing(api.find_services)
service = _lookup(api.one_service, "service")
service_at_locations = _listing(api.find_services_at_locations)
service_at_location = _lookup(api.one_service_at_location, "service at a location")
organizations = _listing(api.find_organizations)
organization = _lookup(api.one_organization, "organization")
taxonomies = _listing(api.find_taxonomies)
taxonomy = _lookup(api.one_taxonomy, "taxonomy")
taxonomy_terms = _listing(api.find_taxonomy_terms)
taxonomy_term = _lookup(api.one_taxonomy_term, "taxonomy term")
