"""Reading case notes, through the access policy (category "Notes", as any read)."""

from __future__ import annotations

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import Decision, authorise_read
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import Note

NOTES_SHOWN = 200


def notes_for(person: Person) -> list[Note]:
    """The person's latest notes, newest first, with their writers; for a caller that has asked the policy."""
    return list(Note.objects.filter(person=person).select_related("written_by")[:NOTES_SHOWN])


def person_notes(*, staff: Staff, person: Person) -> tuple[Decision, list[Note]]:
    """Whether `staff` may read the person's notes (audited), and the notes if so."""
    decision = authorise_read(staff=staff, person=person, categories=[DataCategory.NOTES], purpose=Purpose.DIRECT_CARE)[
        DataCategory.NOTES
    ]
    return decision, notes_for(person) if decision.allowed else []
