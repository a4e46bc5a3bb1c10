"""Marks and checks on views that the access tests can see."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oneteam.organisations.models import Profession, Staff

F = TypeVar("F", bound=Callable[..., object])
View = Callable[..., HttpResponse]


def reads_personal_data(view: F) -> F:
    """Declare that `view` shows a person's data and asks `oneteam.access.policy` before it does.

    The URL test requires every route with a `person_id` to carry this mark and
    checks that a request to it leaves an audit event for that person.
    """
    view.reads_personal_data = True  # type: ignore[attr-defined]
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


ig_officer_required = profession_required(Profession.INFORMATION_GOVERNANCE_OFFICER)
