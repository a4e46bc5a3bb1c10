"""Pages that gather several capabilities."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from oneteam.access.decorators import reads_personal_data, shows_its_own_refusal
from oneteam.access.sharing_forms import EmergencyAccessForm
from oneteam.web import signed_in_staff

from . import queries


@require_GET
@reads_personal_data
@shows_its_own_refusal
def person_summary(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person summary page; without a relationship, only "you may not see this record" (status 403)."""
    summary = queries.person_summary(staff=signed_in_staff(request), person_id=person_id)
    if summary.refused:
        return render(
            request,
            "workspace/record_refused.jinja",
            {"summary": summary, "emergency_form": EmergencyAccessForm(), "active_nav": "people"},
            status=403,
        )
    return render(
        request,
        "workspace/person_summary.jinja",
        {"summary": summary, "today": timezone.localdate(), "active_nav": "people"},
    )
