"""The signed-in staff member's two-factor sign-in: whether it is on, and setting it up."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from oneteam.organisations.models import Staff

from ..services import signing_in
from .sign_in import set_up_page


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Whether the staff member uses two-factor sign-in, and how many recovery codes they have left."""
    assert isinstance(request.user, Staff)
    return render(
        request,
        "access/two_factor.jinja",
        {
            "device": signing_in.confirmed_device(request.user),
            "recovery_codes_left": signing_in.unused_recovery_codes(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app for the signed-in staff member (optional for most professions)."""
    staff = request.user
    assert isinstance(staff, Staff)
    device = signing_in.device_to_set_up(staff)
    if device is None:
        return redirect("access:two_factor")
    return set_up_page(
        request,
        staff,
        device,
        confirm=lambda code: signing_in.set_up_two_factor(staff=staff, code=code, request=request),
        continue_to=reverse("access:two_factor"),
        at_sign_in=False,
    )
