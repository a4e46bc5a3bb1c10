"""The one door to personal data.

Every view, export or API that reads a person's data asks `decide()` and gets an
answer with a reason in words. Lists of people are narrowed with
`visible_people()`, which applies the same rule as a query so searches stay
set-based.

Foundation rule, to be replaced by the sharing-rule engine: staff may see the
people who belong to one of their teams' neighbourhoods, either by GP practice
(the health boundary) or by home ward (the social-care boundary).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from oneteam.organisations.models import Staff, Team
from oneteam.people.models import Person

from .models import DataCategory, Purpose


@dataclass(frozen=True)
class Decision:
    """The answer to "may I see this, and why?"."""

    allowed: bool
    reason: str


_CACHE_ATTRIBUTE = "_oneteam_teams"


def staff_teams(staff: Staff) -> list[Team]:
    """The teams a member of staff belongs to.

    Cached on the staff object, which lives for one request, so a page pays for
    this query once however many decisions it asks for (and the page header
    reuses it).
    """
    cached: list[Team] | None = getattr(staff, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(staff.teams.all())
        setattr(staff, _CACHE_ATTRIBUTE, cached)
    return cached


def staff_neighbourhood_ids(staff: Staff) -> frozenset[int]:
    """The neighbourhoods a member of staff works in, through their teams."""
    return frozenset(team.neighbourhood_id for team in staff_teams(staff) if team.neighbourhood_id is not None)


def decide(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """May `staff` read `category` data about `person` for `purpose`? Answer with a reason in plain words."""
    if not staff.is_active:
        return Decision(False, "Not allowed: your account is not active.")
    if purpose == Purpose.PLANNING:
        return Decision(False, "Not allowed: planning uses de-identified, aggregate figures, not a person's record.")
    neighbourhoods = staff_neighbourhood_ids(staff)
    what = DataCategory(category).label.lower()
    why = Purpose(purpose).label.lower()
    if person.practice_neighbourhood_id in neighbourhoods:
        return Decision(
            True,
            f"Allowed: {person} is registered with a GP practice in your team's neighbourhood, "
            f"so you may see their {what} for {why}.",
        )
    if person.ward_neighbourhood_id in neighbourhoods:
        return Decision(
            True,
            f"Allowed: {person} lives in a ward in your team's neighbourhood, so you may see their {what} for {why}.",
        )
    return Decision(
        False,
        f"Not allowed: {person} is not registered with a GP practice, nor living in a ward, "
        "in any neighbourhood your teams serve.",
    )


def visible_people(staff: Staff) -> Q:
    """A filter on Person giving exactly the people `decide()` would allow `staff` to see for direct care."""
    if not staff.is_active:
        return Q(pk__in=[])
    neighbourhoods = staff_neighbourhood_ids(staff)
    return Q(practice_neighbourhood_id__in=neighbourhoods) | Q(ward_neighbourhood_id__in=neighbourhoods)
