"""Pages that gather several capabilities. Each view reads the composition in this app and renders it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from oneteam.access.decorators import reads_personal_data, shows_its_own_refusal
from oneteam.access.sharing_forms import EmergencyAccessForm
from oneteam.care.queries import person_for_care
from oneteam.web import cannot, signed_in_staff

from . import queries
from .inbox import inbox as gather_inbox
from .timeline import person_timeline


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


@require_GET
@reads_personal_data
def timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything that has happened to the person, in one list, as far as the viewer may see it."""
    found = person_timeline(staff=signed_in_staff(request), person=person_for_care(person_id))
    if not any(decision.allowed for decision in found.decisions.values()):
        return cannot(request)
    return render(request, "workspace/timeline.jinja", {"timeline": found, "active_nav": "people"})


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Everything the member of staff owns or must answer, with what is due and what is overdue."""
    box = gather_inbox(staff=signed_in_staff(request))
    return render(request, "workspace/inbox.jinja", {"inbox": box, "active_nav": "inbox"})
