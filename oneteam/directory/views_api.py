"""The public Open Referral UK read API. Open to anyone, from any web page (CORS), because the directory is public."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from . import api


def _open_to_all(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No sign-in; any web site may read the answer (Access-Control-Allow-Origin: *); reads only."""

    @login_not_required
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = HttpResponse(status=204) if request.method == "OPTIONS" else view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        return response

    wrapped.__doc__ = view.__doc__
    return wrapped


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@_open_to_all
def services(request: HttpRequest) -> HttpResponse:
    """A page of services: search or text, taxonomy_term_id, minimum_age, maximum_age, day, postcode and proximity
    (metres), page and per_page."""
    try:
        return _json(api.find_services(request.GET))
    except api.BadParameter as bad:
        return _json({"errors": [{"parameter": bad.parameter, "message": f"{bad.parameter} {bad.message}"}]}, 400)


@_open_to_all
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    """One service with everything about it."""
    body = api.one_service(service_id)
    if body is None:
        return _json({"errors": [{"message": f"No service has the id {service_id}."}]}, 404)
    return _json(body)
