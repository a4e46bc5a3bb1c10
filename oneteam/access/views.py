"""Sign in and sign out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from oneteam.jinja2 import error_summary

from . import services
from .forms import SignInForm


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Show the sign-in form; on success go to the page asked for, or to person search."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except services.SignInRefused as refused:
            # Shown next to the username, which is where the person will look first.
            form.add_error("username", refused.message)
        else:
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("people:search")
    errors = error_summary(form)
    return render(
        request,
        "access/sign_in.jinja",
        {"form": form, "errors": errors, "timed_out": "timed_out" in request.GET},
        status=400 if errors else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session and return to the sign-in page."""
    services.sign_out(request=request)
    return redirect("access:sign_in")
