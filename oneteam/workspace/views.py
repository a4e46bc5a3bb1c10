"""Pages that gather several capabilities. Each view reads the composition in this app and renders it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oneteam.web import signed_in_staff

from .inbox import inbox as gather_inbox


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Everything the member of staff owns or must answer, with what is due and what is overdue."""
    box = gather_inbox(staff=signed_in_staff(request))
    return render(request, "workspace/inbox.jinja", {"inbox": box, "active_nav": "inbox"})
