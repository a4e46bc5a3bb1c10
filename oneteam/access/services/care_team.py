"""Writes of care-team relationships. Later capabilities (referrals, key workers, MDTs) call these."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from ..models import AuditAction, CareRole, CareTeamMembership, FlagKind
from ..policy import forget, staff_neighbourhood_ids
from . import record_event
from .governance_flags import raise_flag


@transaction.atomic
def join_care_team(*, actor: Staff | None, person: Person, staff: Staff, role: CareRole) -> CareTeamMembership:
    """Make `staff` part of `person`'s care team in `role`, from now.

    A relationship is what opens a record, so one with someone outside the member of
    staff's own neighbourhoods goes to the IG review queue. (Attending one MDT item is
    for that discussion only and is arranged by the meeting's chair, so it is not flagged.)
    """
    membership = CareTeamMembership.objects.create(person=person, staff=staff, role=role, started_at=timezone.now())
    home = {person.practice_neighbourhood_id, person.ward_neighbourhood_id}
    if role != CareRole.MDT_ATTENDEE and not home & staff_neighbourhood_ids(staff):
        raise_flag(
            kind=FlagKind.OUT_OF_AREA_RELATIONSHIP,
            person=person,
            staff=staff,
            note=f"{staff.get_full_name()} became {CareRole(role).label.lower()} for {person}, "
            "who lives and is registered outside their teams' neighbourhoods.",
        )
    record_event(
        staff=actor,
        action=AuditAction.CARE_TEAM_CHANGED,
        person_id=person.pk,
        detail={"joined": staff.pk, "role": role.value},
    )
    forget(staff, person)
    return membership


@transaction.atomic
def leave_care_team(*, actor: Staff | None, membership: CareTeamMembership) -> None:
    """End a care-team relationship now; access that rested on it stops at once."""
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    record_event(
        staff=actor,
        action=AuditAction.CARE_TEAM_CHANGED,
        person_id=membership.person_id,
        detail={"left": membership.staff_id, "role": membership.role},
    )
    forget(membership.staff, membership.person)


def current_care_team(person: Person) -> list[CareTeamMembership]:
    """The people on the care team now, with their organisations."""
    now = timezone.now()
    return list(
        CareTeamMembership.objects.filter(person=person, started_at__lte=now)
        .exclude(ended_at__lte=now)
        .select_related("staff__organisation")
    )
