"""Reads for the "Who can see this record and why" page and the governance pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.people.models import Person

from .default_rules import RULE_CATEGORIES
from .models import (
    AccessLevel,
    BreakGlassAccess,
    CareTeamMembership,
    ConsentDecision,
    DataCategory,
    Objection,
    Purpose,
    SharingAgreement,
)
from .policy import Decision, profession_plural
from .services import authorise_read
from .services.agreements import current_agreement, rule_levels
from .services.care_team import current_care_team
from .services.consent import may_record_wishes

ALL_CATEGORIES = tuple(DataCategory)


def person_for_access_pages(person_id: int) -> Person:
    """The person, with what the access pages show of their identity and neighbourhoods."""
    return get_object_or_404(
        Person.objects.select_related("practice_neighbourhood", "ward_neighbourhood"), pk=person_id
    )


@dataclass
class TeamAccess:
    """Who in the neighbourhood team sees one category for direct care, in words."""

    category: str
    neighbourhood_team: list[str] = field(default_factory=list)
    care_team_only: list[str] = field(default_factory=list)


@dataclass
class SharingOverview:
    person: Person
    your_access: dict[DataCategory, Decision]
    care_team: list[CareTeamMembership] = field(default_factory=list)
    agreement: SharingAgreement | None = None
    team_access: list[TeamAccess] = field(default_factory=list)
    consent_history: list[ConsentDecision] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)
    emergency_accesses: list[BreakGlassAccess] = field(default_factory=list)
    may_record_wishes: bool = False


def sharing_overview(*, staff: Staff, person_id: int) -> SharingOverview:
    """Everything the "Who can see this record and why" page shows. Each category's decision is audited."""
    person = person_for_access_pages(person_id)
    decisions = authorise_read(staff=staff, person=person, categories=ALL_CATEGORIES, purpose=Purpose.DIRECT_CARE)
    overview = SharingOverview(person=person, your_access=decisions)
    if not decisions[DataCategory.DEMOGRAPHICS].allowed:
        return overview
    overview.care_team = current_care_team(person)
    home = person.practice_neighbourhood or person.ward_neighbourhood
    overview.agreement = current_agreement(home) if home else None
    if overview.agreement is not None:
        overview.team_access = direct_care_summary(overview.agreement)
    overview.consent_history = list(person.consent_decisions.select_related("recorded_by")[:10])
    overview.objections = list(person.objections.filter(withdrawn_at__isnull=True).select_related("recorded_by"))
    overview.emergency_accesses = list(person.break_glass.select_related("staff")[:10])
    overview.may_record_wishes = may_record_wishes(staff, person)
    return overview


def direct_care_summary(agreement: SharingAgreement) -> list[TeamAccess]:
    """For each category, which professions see it for direct care, and how close they must be."""
    levels = rule_levels(agreement)
    by_category: dict[str, TeamAccess] = {c.value: TeamAccess(c.label) for c in RULE_CATEGORIES}
    for (profession, sector, category, purpose), level in sorted(levels.items()):
        if purpose != Purpose.DIRECT_CARE or sector:
            continue
        entry = by_category[category]
        target = entry.neighbourhood_team if level != AccessLevel.CARE_TEAM else entry.care_team_only
        target.append(profession_plural(profession))
    return list(by_category.values())


@dataclass
class AgreementGrid:
    """One purpose of an agreement as a profession-by-category grid, for the editor."""

    agreement: SharingAgreement | None
    purpose: Purpose
    rows: list[tuple[Profession, list[tuple[DataCategory, str]]]]


def agreement_grid(neighbourhood: Neighbourhood, purpose: Purpose, version: int | None = None) -> AgreementGrid:
    """The any-sector rules of one purpose, every cell filled ('' where there is no rule)."""
    agreements = SharingAgreement.objects.filter(neighbourhood=neighbourhood)
    agreement = agreements.filter(version=version).first() if version else current_agreement(neighbourhood)
    levels = rule_levels(agreement) if agreement else {}
    rows = [
        (
            profession,
            [
                (category, levels.get((profession.value, "", category.value, purpose.value), ""))
                for category in RULE_CATEGORIES
            ],
        )
        for profession in Profession
    ]
    return AgreementGrid(agreement=agreement, purpose=purpose, rows=rows)


def agreements_by_neighbourhood() -> dict[Neighbourhood, list[SharingAgreement]]:
    """Every neighbourhood with its agreement versions, newest first."""
    grouped: dict[Neighbourhood, list[SharingAgreement]] = defaultdict(list)
    for agreement in SharingAgreement.objects.select_related("neighbourhood", "created_by").order_by(
        "neighbourhood__code", "-version"
    ):
        grouped[agreement.neighbourhood].append(agreement)
    for neighbourhood in Neighbourhood.objects.order_by("code"):
        grouped.setdefault(neighbourhood, [])
    return dict(sorted(grouped.items(), key=lambda item: item[0].code))
