"""Helpers every app's views share: who is asking, what they posted, saving a form once, and the "you cannot
do this" page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from oneteam.organisations.models import Staff
from oneteam.submissions import services as submissions
from oneteam.submissions.responses import sent_again


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


def save_once(request: HttpRequest, save: Callable[[], str]) -> HttpResponse:
    """Run `save` (write, then return the page to go to next) once per form, and go to that page.

    The same form sent again (its `submission_input` key already saved) saves nothing: the person is told
    and sent to where the first one went. Whatever `save` raises (a refusal, a conflict) passes through.
    """
    try:
        next_url = submissions.once(key=submissions.parse_key(request.POST.get(submissions.FIELD, "")), save=save)
    except submissions.AlreadySaved as saved:
        return sent_again(request, saved.next_url)
    return redirect(next_url)
