"""Test helpers of the access app."""

from __future__ import annotations

from oneteam.access.models import CareRole
from oneteam.access.services import care_team
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person


def key_worker_for(person: Person) -> Staff:
    """A district nurse of the person's neighbourhood who is their key worker: only the care team records wishes."""
    staff = make_staff(person.practice_neighbourhood)
    care_team.join_care_team(actor=None, person=person, staff=staff, role=CareRole.KEY_WORKER)
    return staff
