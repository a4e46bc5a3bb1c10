"""Pages that gather several capabilities."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oneteam.access.decorators import reads_personal_data
from oneteam.care.queries import person_for_care
from oneteam.web import cannot, signed_in_staff

from .timeline import person_timeline


@require_GET
@reads_personal_data
def timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything that has happened to the person, in one list, as far as the viewer may see it."""
    found = person_timeline(staff=signed_in_staff(request), person=person_for_care(person_id))
    if not any(decision.allowed for decision in found.decisions.values()):
        return cannot(request)
    return render(request, "workspace/timeline.jinja", {"timeline": found, "active_nav": "people"})
