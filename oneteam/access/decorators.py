"""Marks and checks on views that the access tests can see."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from oneteam.organisations.models import Profession, Staff
from oneteam.web import signed_in_staff

from . import services
from .models import AuditAction, DataCategory, Purpose

F = TypeVar("F", bound=Callable[..., object])
View = Callable[..., HttpResponse]


def reads_personal_data(view: F) -> F:
    """Declare that `view` shows a person's data and asks the access policy (through `access.services`) first.

    The URL test requires every route with a `person_id` to carry this mark and
    checks that a request to it leaves an audit event for that person. And a refusal
    names no one: whatever the view rendered, someone who may not see who the person
    is gets only "you may not see this record" (views that say so themselves, with
    the emergency-access form, are marked `@shows_its_own_refusal`).
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        assert isinstance(response, HttpResponseBase)
        person_id = kwargs.get("person_id")
        if (
            isinstance(request.user, Staff)
            and isinstance(person_id, int)
            and response.status_code not in _NOTHING_SHOWN
            and not getattr(view, "shows_its_own_refusal", False)
            and not services.may_see_who(request.user, person_id)
        ):
            return render(request, "access/record_refused.jinja", status=403)
        return response

    guarded.reads_personal_data = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


# Answers that show nothing about anyone: redirects, not found, method not allowed.
_NOTHING_SHOWN = frozenset({301, 302, 303, 404, 405})


def shows_its_own_refusal(view: F) -> F:
    """Mark a view (under `@reads_personal_data`) that itself shows a refused viewer only what they may see."""
    view.shows_its_own_refusal = True  # type: ignore[attr-defined]
    return view


def profession_required(*professions: Profession) -> Callable[[View], View]:
    """Only staff of these professions may use the view; others see the "You cannot do this" page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not isinstance(request.user, Staff) or request.user.profession not in professions:
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        return checked

    return decorate


def information_governance_only(view: View) -> View:
    """Let only information governance officers use `view`; audit anyone else's attempt and refuse it.

    The audit log and the governance pages say who saw whose records, so an attempt to open them
    is itself worth recording: the refusal is an audit event (naming the person if the page is about one).
    """

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        staff = signed_in_staff(request)
        if staff.profession != Profession.INFORMATION_GOVERNANCE_OFFICER:
            services.record_event(
                staff=staff,
                action=AuditAction.DENIED,
                person_id=kwargs.get("person_id"),
                category=DataCategory.DEMOGRAPHICS if "person_id" in kwargs else "",
                purpose=Purpose.AUDIT,
                allowed=False,
                reason="Not allowed: only information governance officers may use this page.",
            )
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return checked
