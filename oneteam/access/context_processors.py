"""Template context every page needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from oneteam.operations.middleware import LARGEST_ID
from oneteam.organisations.models import Profession, Staff

from .models import BreakGlassAccess
from .policy import remembered_emergency_access, staff_teams
from .services.break_glass import may_use_emergency_access


def signed_in_staff(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's teams for the page header; for IG officers, how many reviews wait."""
    if not isinstance(request.user, Staff):
        return {}
    context: dict[str, object] = {"team_names": ", ".join(team.name for team in staff_teams(request.user))}
    if request.user.profession == Profession.INFORMATION_GOVERNANCE_OFFICER:
        # This count is how information governance hears of each new emergency access.
        context["reviews_waiting"] = BreakGlassAccess.objects.filter(reviewed_at__isnull=True).count()
    return context


def emergency_access(request: HttpRequest) -> dict[str, object]:
    """`emergency_access`: true on every page about a person whom the viewer sees through emergency access.

    A page about a person has already asked the policy about them, so the answer is
    usually remembered and costs no query.
    """
    match = request.resolver_match
    # Pages that show a person's data carry the `reads_personal_data` mark (the audit pages do not).
    if match is None or not getattr(match.func, "reads_personal_data", False):
        return {}
    person_id = match.kwargs.get("person_id")
    # A 404 page for an id too big to be a row's is rendered with this too: never ask the database about it.
    if not isinstance(request.user, Staff) or not isinstance(person_id, int) or not 0 < person_id <= LARGEST_ID:
        return {}
    if not may_use_emergency_access(request.user):
        return {}
    active = remembered_emergency_access(request.user, person_id)
    if active is None:
        now = timezone.now()
        active = BreakGlassAccess.objects.filter(
            staff=request.user, person_id=person_id, started_at__lte=now, expires_at__gt=now
        ).exists()
    return {"emergency_access": active}
