"""Ends sessions that have been idle too long."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from .services.signing_in import sign_out

_LAST_SEEN = "last_seen"
# Refresh the session at most once a minute, so most requests write nothing.
_REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Signs staff out after `IDLE_TIMEOUT_MINUTES` without a request, and tells them why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN, now)
            if now - last_seen > settings.IDLE_TIMEOUT_MINUTES * 60:
                sign_out(request=request, timed_out=True)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?timed_out=1")
            if now - last_seen >= _REFRESH_SECONDS or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
