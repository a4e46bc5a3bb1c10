"""Content-Security-Policy: the browser runs only scripts and styles served by OneTeam.

If someone manages to put markup into a page (a name with a `<script>` in it that
escaping missed, say), the browser still refuses to run it. The one inline
script, in the NHS.UK base template, carries a nonce that is new for every
response, so an injected script cannot guess it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Kept in META, as Django's CSRF middleware keeps its token, because HttpRequest has no typed slot for it.
_NONCE = "ONETEAM_CSP_NONCE"


def policy(nonce: str) -> str:
    """The Content-Security-Policy header value allowing the inline script that carries `nonce`."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            # data: lets a page show an image drawn on the server without a URL of its own; images cannot run code.
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Gives each request a fresh nonce and sends the policy with every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.META[_NONCE] = nonce
        response = self.get_response(request)
        response["Content-Security-Policy"] = policy(nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: `cspNonce`, the name the NHS.UK base template reads for its inline script."""
    return {"cspNonce": request.META.get(_NONCE, "")}
