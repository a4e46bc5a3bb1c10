"""Sign in (a password, then a second step for staff who use two-factor sign-in) and sign out.

Until the second step is done the session holds only who is part-way through,
never a signed-in user, so these pages are open to anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Staff

from .. import two_factor
from ..forms import CodeForm, RecoveryCodeForm, SignInForm
from ..models import TwoFactorDevice
from ..services import signing_in, throttle

_STEP_PAGES = {
    signing_in.SignInStep.ENTER_CODE: "access:sign_in_code",
    signing_in.SignInStep.SET_UP_TWO_FACTOR: "access:sign_in_set_up",
}


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Show the sign-in form; after the right password go to the second step, or to the page asked for."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step = signing_in.sign_in(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except signing_in.SignInRefused as refused:
            # Shown next to the username, which is where the person will look first.
            form.add_error("username", refused.message)
        else:
            if step is signing_in.SignInStep.SIGNED_IN:
                return _session_started(request, redirect(next_page(request)))
            return redirect(_step_url(_STEP_PAGES[step], request))
    return render_form(
        request,
        "access/sign_in.jinja",
        form,
        timed_out="timed_out" in request.GET,
        expired="expired" in request.GET,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """Second step for staff with an authenticator app: the code it shows now."""
    return _second_step(
        request,
        CodeForm(request.POST or None),
        signing_in.sign_in_with_code,
        "access/enter_code.jinja",
        switch_url=_step_url("access:sign_in_recovery_code", request),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def enter_recovery_code(request: HttpRequest) -> HttpResponse:
    """Second step for staff without their authenticator app: one of their recovery codes."""
    return _second_step(
        request,
        RecoveryCodeForm(request.POST or None),
        signing_in.sign_in_with_recovery_code,
        "access/enter_recovery_code.jinja",
        switch_url=_step_url("access:sign_in_code", request),
    )


def _second_step(
    request: HttpRequest, form: forms.Form, finish: Callable[..., None], template: str, **context: Any
) -> HttpResponse:
    staff = signing_in.pending_staff(request)
    if staff is None:
        return redirect(_step_url("access:sign_in", request, expired="1"))
    if request.method == "POST" and form.is_valid():
        try:
            finish(request=request, staff=staff, code=form.cleaned_data["code"])
        except signing_in.SignInRefused as refused:
            form.add_error("code", refused.message)
        else:
            return _session_started(request, redirect(next_page(request)))
    return render_form(request, template, form, **context)


@login_not_required
@require_http_methods(["GET", "POST"])
def set_up_at_sign_in(request: HttpRequest) -> HttpResponse:
    """For staff whose profession needs two-factor sign-in and who have no authenticator: set one up first."""
    staff = signing_in.pending_staff(request)
    if staff is None:
        return redirect(_step_url("access:sign_in", request, expired="1"))
    device = signing_in.device_to_set_up(staff)
    if device is None:
        return redirect(_step_url("access:sign_in_code", request))
    return set_up_page(
        request,
        staff,
        device,
        confirm=lambda code: signing_in.sign_in_with_new_authenticator(request=request, staff=staff, code=code),
        continue_to=next_page(request),
        at_sign_in=True,
    )


def set_up_page(
    request: HttpRequest,
    staff: Staff,
    device: TwoFactorDevice,
    *,
    confirm: Callable[[str], list[str]],
    continue_to: str,
    at_sign_in: bool,
) -> HttpResponse:
    """Show a new authenticator's secret and ask for its first code; once `confirm` accepts it, show the recovery codes.

    The recovery codes are drawn in the response to that POST and kept nowhere
    else, so they are shown once.
    """
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = confirm(form.cleaned_data["code"])
        except signing_in.SignInRefused as refused:
            form.add_error("code", refused.message)
        else:
            page = render(request, "access/recovery_codes.jinja", {"codes": codes, "continue_to": continue_to})
            return _session_started(request, page)
    uri = two_factor.provisioning_uri(device.secret, staff.username)
    return render_form(
        request,
        "access/set_up_two_factor.jinja",
        form,
        secret=two_factor.grouped(device.secret),
        uri=uri,
        qr_code=two_factor.qr_code_svg(uri),
        at_sign_in=at_sign_in,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session and return to the sign-in page."""
    signing_in.sign_out(request=request)
    return redirect("access:sign_in")


def _session_started(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Remember this browser as a known device of whoever is now signed in (see `throttle`)."""
    if isinstance(request.user, Staff):
        throttle.remember_device(response, request.user.username)
    return response


def render_form(request: HttpRequest, template: str, form: forms.Form, **context: Any) -> HttpResponse:
    """Draw a page with one form: problems are listed at the top and the status is 400 when there are any."""
    errors = error_summary(form)
    return render(request, template, {"form": form, "errors": errors, **context}, status=400 if errors else 200)


def next_page(request: HttpRequest) -> str:
    """The page asked for before signing in, if it is on this site; otherwise person search."""
    asked_for = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        asked_for, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return asked_for
    return reverse("people:search")


def _step_url(view_name: str, request: HttpRequest, **extra: str) -> str:
    """Another sign-in page, passing on the page asked for."""
    query = {name: value for name, value in {"next": request.GET.get("next", ""), **extra}.items() if value}
    return f"{reverse(view_name)}?{urlencode(query)}" if query else reverse(view_name)
