"""The outcomes dashboard, as a team lead sees it, on results worked out from the whole city."""

from __future__ import annotations

from django.urls import reverse

from bench.scenarios import PageRequest, PageScenario
from oneteam.organisations.models import Profession, Staff
from oneteam.outcomes.models import MeasureResult
from oneteam.outcomes.services import compute_measures


def dashboard_by_deprivation() -> PageRequest:
    """Every measure by deprivation quintile, with the monthly trends (the page reads stored results only)."""
    if not MeasureResult.objects.exists():
        print("Working out the outcome measures…")
        compute_measures()
    lead = Staff.objects.filter(profession=Profession.TEAM_LEAD, is_active=True).order_by("pk").first()
    if lead is None:
        raise SystemExit("The city has no team lead: generate the city first (bench/generate_city.py).")
    return PageRequest(
        staff=lead,
        path=reverse("outcomes:dashboard") + "?by=deprivation",
        data_size=f"{MeasureResult.objects.count():,} stored results",
    )


def scenarios() -> list[PageScenario]:
    """The outcomes pages the benchmark times."""
    return [PageScenario(name="outcomes dashboard", target_p95_ms=150, prepare=dashboard_by_deprivation)]
