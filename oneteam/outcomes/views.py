"""The outcomes dashboard and its CSV download: aggregates only, for team leads and analysts."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oneteam.access.decorators import profession_required
from oneteam.access.models import AuditAction
from oneteam.access.services import record_event
from oneteam.organisations.models import Profession, Staff

from . import queries
from . import workload as workload_queries
from .breakdowns import BREAKDOWNS

# Team leads run the service; analysts (and commissioners, who sign in as analysts) measure it.
dashboard_users = profession_required(Profession.TEAM_LEAD, Profession.ANALYST)


def _breakdown(request: HttpRequest) -> str:
    key = request.GET.get("by", "all")
    if key not in BREAKDOWNS:
        raise Http404("No such breakdown")
    return key


@require_GET
@dashboard_users
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every measure for the chosen breakdown, each as a chart, a sentence and a table."""
    key = _breakdown(request)
    assert isinstance(request.user, Staff)
    record_event(staff=request.user, action=AuditAction.SEARCH, detail={"outcomes": key})
    views = queries.dashboard(key)
    context = {
        "themes": queries.by_theme(views),
        "computed": any(view.city for view in views),
        "breakdown": BREAKDOWNS[key],
        "breakdowns": BREAKDOWNS.values(),
        "active_nav": "outcomes",
    }
    return render(request, "outcomes/dashboard.jinja", context)


@require_GET
@dashboard_users
def download(request: HttpRequest) -> HttpResponse:
    """The same figures as the page, suppressed the same way, as CSV."""
    key = _breakdown(request)
    assert isinstance(request.user, Staff)
    record_event(staff=request.user, action=AuditAction.EXPORT, detail={"outcomes": key})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="oneteam-outcomes-{key}.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "theme", BREAKDOWNS[key].name.lower(), "value", "unit", "numerator", "denominator"])
    for view in queries.dashboard(key):
        for figure in view.figures:
            writer.writerow(
                [
                    view.measure.name,
                    view.measure.theme,
                    figure.group,
                    figure.value_in_words(view.measure.unit),
                    view.measure.unit,
                    queries.SUPPRESSED if figure.numerator is None else f"{figure.numerator:g}",
                    queries.SUPPRESSED if figure.denominator is None else f"{figure.denominator:g}",
                ]
            )
    return response


@require_GET
@dashboard_users
def workload(request: HttpRequest) -> HttpResponse:
    """Caseloads weighted by need, per team and profession, and social-care demand by either boundary."""
    assert isinstance(request.user, Staff)
    record_event(staff=request.user, action=AuditAction.SEARCH, detail={"outcomes": "workload"})
    context = {
        "loads": workload_queries.team_loads(),
        "boundaries": workload_queries.social_care_by_boundary(),
        "weights": workload_queries.WEIGHTS_IN_WORDS,
        "active_nav": "outcomes",
    }
    return render(request, "outcomes/workload.jinja", context)
