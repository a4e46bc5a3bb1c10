"""The public self-referral form and its confirmation page: no sign-in, CSRF kept."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from oneteam.access.views.sign_in import render_form
from oneteam.operations.client_address import client_address
from oneteam.web import save_once

from .forms_public import WHAT_MATTERS_LIMIT, SelfReferralForm
from .services import intake
from .services.response_targets import in_words
from .targets import target_minutes

# The confirmation page needs only the urgency chosen; nothing personal is kept in the session.
_SENT_URGENCY = "self_referral_urgency"


@login_not_required
@require_http_methods(["GET", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """Ask the neighbourhood team for help; a sent form goes to the team's front door for triage."""
    form = SelfReferralForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        referral = form.self_referral()

        def save() -> str:
            intake.accept(
                referral,
                address=client_address(request),
                honeypot=form.cleaned_data["website"],
                started=form.cleaned_data["started"],
            )
            request.session[_SENT_URGENCY] = referral.details.urgency.value
            return reverse("referrals_public:self_referral_sent")

        try:
            return save_once(request, save)
        except intake.IntakeRefused as refused:
            form.add_error(None, refused.message)  # listed in the error summary
            refusal = refused
    response = render_form(
        request,
        "referrals/public/self_referral.jinja",
        form,
        started=intake.form_started(),
        what_matters_limit=WHAT_MATTERS_LIMIT,
    )
    if refusal is not None:
        response.status_code = refusal.status  # 429 when over the rate limit
    return response


@login_not_required
@require_GET
def self_referral_sent(request: HttpRequest) -> HttpResponse:
    """What happens next, and how soon the team aims to make contact."""
    urgency = request.session.get(_SENT_URGENCY)
    if urgency is None:
        return redirect("referrals_public:self_referral")
    return render(request, "referrals/public/self_referral_sent.jinja", {"within": in_words(target_minutes()[urgency])})
