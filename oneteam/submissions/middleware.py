"""A form sent again after it was saved goes where the first went, before its view looks at anything.

Once the first submission is saved the page it came from may no longer apply: the handover is
declined, the sender is no longer the key worker, the meeting has its decision. Answering from
the key alone means the second press is told "already saved", not "You cannot do this" or an
error. A second submission that arrives while the first is still saving is caught by
`services.once`, which waits for the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from . import services
from .responses import sent_again


class SentAgainMiddleware:
    """Answer a POST whose submission key was already saved (after CSRF and sign-in checks have passed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        next_url = services.saved_before(services.parse_key(request.POST.get(services.FIELD, "")))
        return None if next_url is None else sent_again(request, next_url)
