"""Page-timing scenarios for the risk capability: the cohort list and one person's explanation.

`prepare` scores the city if no run has finished yet (about a minute on the
benchmark city) and adds a community matron in the team of the neighbourhood
with the most people at moderate or severe frailty; it changes nothing else.
"""

from __future__ import annotations

from django.db.models import Count

from oneteam.organisations.models import Organisation, Profession, Sector, Staff, Team
from oneteam.risk import queries
from oneteam.risk.models import PersonRisk
from oneteam.risk.services import stratify

from . import PageRequest, PageScenario

USERNAME = "bench-risk-matron"
FRAIL = ("moderate", "severe")


def _matron() -> tuple[Staff, int, int]:
    """The benchmark matron, their neighbourhood, and how many frail people it has (scoring the city if needed)."""
    run = queries.current_run() or stratify.run()
    busiest = (
        PersonRisk.objects.filter(run=run, category__in=FRAIL)
        .values("practice_neighbourhood")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "the benchmark city has no frail people"
    neighbourhood_id = busiest["practice_neighbourhood"]
    staff, created = Staff.objects.get_or_create(
        username=USERNAME,
        defaults={
            "profession": Profession.COMMUNITY_MATRON,
            "first_name": "Bench",
            "last_name": "Matron",
            "organisation": Organisation.objects.filter(sector=Sector.NHS_COMMUNITY).first(),
        },
    )
    if created:
        staff.teams.add(*Team.objects.filter(neighbourhood_id=neighbourhood_id))
    return staff, neighbourhood_id, busiest["n"]


def _cohort_list() -> PageRequest:
    staff, neighbourhood_id, frail = _matron()
    path = f"/risk/?neighbourhood={neighbourhood_id}&category=moderate&category=severe&page=2"
    return PageRequest(staff, path, f"page 2 of {frail:,} people at moderate or severe frailty in one neighbourhood")


def _whole_neighbourhood() -> PageRequest:
    staff, neighbourhood_id, _frail = _matron()
    people = PersonRisk.objects.filter(run=queries.current_run(), practice_neighbourhood_id=neighbourhood_id).count()
    path = f"/risk/?neighbourhood={neighbourhood_id}&page=100"
    return PageRequest(staff, path, f"page 100 of everyone in one neighbourhood (about {people:,} people)")


def _explanation() -> PageRequest:
    staff, neighbourhood_id, _frail = _matron()
    risk = (
        PersonRisk.objects.filter(
            run=queries.current_run(), practice_neighbourhood_id=neighbourhood_id, category="severe"
        )
        .order_by("-priority")
        .first()
    )
    assert risk is not None
    return PageRequest(staff, f"/risk/people/{risk.person_id}/", f"a person with {risk.deficits} deficits")


def scenarios() -> list[PageScenario]:
    """The risk pages a community matron uses most."""
    return [
        PageScenario("risk cohort list", 150, _cohort_list),
        PageScenario("risk list, whole area", 150, _whole_neighbourhood),
        PageScenario("risk explanation", 300, _explanation),
    ]
