"""Template context every page needs."""

from __future__ import annotations

from django.http import HttpRequest

from oneteam.organisations.models import Staff

from .policy import staff_teams


def signed_in_staff(request: HttpRequest) -> dict[str, str]:
    """The names of the signed-in person's teams, for the page header."""
    if isinstance(request.user, Staff):
        return {"team_names": ", ".join(team.name for team in staff_teams(request.user))}
    return {}
