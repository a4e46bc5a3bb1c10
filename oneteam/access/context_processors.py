"""Template context every page needs."""

from __future__ import annotations

from django.http import HttpRequest

from oneteam.organisations.models import Profession, Staff

from .models import BreakGlassAccess
from .policy import staff_teams


def signed_in_staff(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's teams for the page header; for IG officers, how many reviews wait."""
    if not isinstance(request.user, Staff):
        return {}
    context: dict[str, object] = {"team_names": ", ".join(team.name for team in staff_teams(request.user))}
    if request.user.profession == Profession.INFORMATION_GOVERNANCE_OFFICER:
        # This count is how information governance hears of each new emergency access.
        context["reviews_waiting"] = BreakGlassAccess.objects.filter(reviewed_at__isnull=True).count()
    return context
