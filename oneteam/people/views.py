"""Finding a person (their summary page is in `oneteam.workspace`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Staff

from . import queries
from .forms import SEARCH_FORMS


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Find a person by NHS number, by name and date of birth, or by postcode.

    Searches are posted, not put in the address: NHS numbers, names and
    postcodes in a URL end up in browser history and web-server logs.
    """
    assert isinstance(request.user, Staff)
    method = request.POST.get("by", "")
    forms = {name: form_class(request.POST if name == method else None) for name, form_class in SEARCH_FORMS.items()}
    results = None
    errors: list[dict[str, str]] = []
    if method in forms:
        form = forms[method]
        if form.is_valid():
            results = queries.search_people(staff=request.user, method=method, **_criteria(form.cleaned_data))
        else:
            errors = error_summary(form)
    return render(
        request,
        "people/search.jinja",
        {"forms": forms, "method": method, "results": results, "errors": errors, "active_nav": "people"},
        status=400 if errors else 200,
    )


def _criteria(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The cleaned fields `search_people` takes (the form also has the day/month/year parts)."""
    keep = ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")
    return {key: cleaned[key] for key in keep if key in cleaned}
