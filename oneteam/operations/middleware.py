"""Logs every request once, by its route, for running OneTeam in production, with no personal data.

Each request is logged with the URL pattern it matched ("people/<int:person_id>/"),
never the path or query string: a path can name a person's record and a query
string can hold what someone searched for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from oneteam.access.audit import current_request_id

request_logger = logging.getLogger("oneteam.requests")


class RequestLogMiddleware:
    """Logs each request's route, status and time taken, with the request id its audit events carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        fields = {
            "request_id": current_request_id.get(),
            "method": request.method,
            # The home page's pattern is the empty string; "/" reads better in a log.
            "route": (match.route or "/") if match else "(no route)",
            "view": match.view_name if match else "",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "staff_id": user.pk if user is not None and user.is_authenticated else None,
        }
        request_logger.info(
            "%s %s %s %.1f ms",
            fields["method"],
            fields["route"],
            fields["status"],
            fields["duration_ms"],
            extra={"fields": fields},
        )
        return response


# The largest id a database row can have (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1


class IdsInRangeMiddleware:
    """Answers 404 for an address whose number is too big to be any row's id (`/people/99999999999999999999/`).

    Such a number cannot name anything, and passing it to the database fails
    (SQLite cannot even bind it), so it is refused here for every route at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        """404 if any whole number in the address is beyond the range of ids."""
        if any(isinstance(value, int) and abs(value) > LARGEST_ID for value in (*args, *kwargs.values())):
            raise Http404("No such record")
        return None
