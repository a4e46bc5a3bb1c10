"""For administrators: let a member of staff who has been slowed down by failed sign-ins try again now."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from oneteam.organisations.models import Profession, Staff

from ..decorators import profession_required
from ..services import signing_in
from .sign_in import render_form


class UnlockForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter the username to unlock"}
    )
    address = forms.GenericIPAddressField(
        label="Client address (optional)",
        required=False,
        help_text="The IP address of an office whose sign-ins are being slowed down, for example 192.0.2.10",
        error_messages={"invalid": "Enter an IP address, like 192.0.2.10, or leave this blank"},
    )


@profession_required(Profession.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def unlock_sign_in(request: HttpRequest) -> HttpResponse:
    """Clear a username's (and optionally an address's) failed sign-ins; the clearing is audited."""
    assert isinstance(request.user, Staff)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        signing_in.unlock_sign_in(staff=request.user, username=username, address=form.cleaned_data["address"] or "")
        messages.success(request, f"{username} can sign in again now.")
        return redirect("access:unlock_sign_in")
    return render_form(request, "access/unlock_sign_in.jinja", form, active_nav="sign_in_help")
