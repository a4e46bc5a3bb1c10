"""The page where team leads see and change the response targets for first contact."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from oneteam.access.decorators import profession_required
from oneteam.access.views.sign_in import render_form
from oneteam.organisations.models import Profession, Staff

from .forms_targets import ResponseTargetsForm
from .models import ResponseTarget
from .services.response_targets import change_response_targets, in_words
from .targets import target_minutes


@profession_required(Profession.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def response_targets(request: HttpRequest) -> HttpResponse:
    """Show the targets, who last changed each, and let a team lead change them."""
    assert isinstance(request.user, Staff)
    current = target_minutes()
    form = ResponseTargetsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = change_response_targets(actor=request.user, minutes=form.minutes())
        messages.success(request, "The response targets were saved." if changed else "Nothing was changed.")
        return redirect("referrals_public:response_targets")
    return render_form(
        request,
        "referrals/public/response_targets.jinja",
        form,
        now={urgency: in_words(minutes) for urgency, minutes in current.items()},
        set_by={target.urgency: target for target in ResponseTarget.objects.select_related("changed_by")},
    )
