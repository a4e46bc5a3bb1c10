"""Helpers every app's views share: who is asking, what they posted, and the "you cannot do this" page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from oneteam.organisations.models import Staff


def signed_in_staff(request: HttpRequest) -> Staff:
    """The member of staff making the request (every staff page requires sign-in, so there always is one)."""
    assert isinstance(request.user, Staff)
    return request.user


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted form data, or None to show a blank form (even an empty submission is checked)."""
    return request.POST if request.method == "POST" else None


def cannot(request: HttpRequest) -> HttpResponse:
    """The page saying the viewer may not do or see this, with status 403."""
    return render(request, "403.html", status=403)
