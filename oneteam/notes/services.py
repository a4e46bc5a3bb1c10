"""Writing case notes: the access policy is asked first, and the note and the answer are audited."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import authorise_read, record_event
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .models import Note

MAX_LENGTH = 5000


class NoteRefused(Exception):
    """The note cannot be written; `field` is the form field the message belongs next to (None: the page)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def add_note(*, actor: Staff, person: Person, about_day: datetime.date, text: str) -> Note:
    """Write a dated note about the person, if the policy lets the writer see the person's notes.

    Someone who may not read a person's notes may not add to them either: the
    note would sit in a record they cannot see. The policy's answer is audited
    like any read, and the note itself as a change to the record.
    """
    decision = authorise_read(staff=actor, person=person, categories=[DataCategory.NOTES], purpose=Purpose.DIRECT_CARE)
    if not decision[DataCategory.NOTES].allowed:
        raise NoteRefused(decision[DataCategory.NOTES].reason)
    text = text.strip()
    if not text:
        raise NoteRefused("Enter the note", field="text")
    if len(text) > MAX_LENGTH:
        raise NoteRefused(f"The note must be {MAX_LENGTH:,} characters or fewer", field="text")
    if about_day > timezone.localdate():
        raise NoteRefused("The date of the note must be today or in the past", field="when")
    note = Note.objects.create(
        person=person,
        about_day=about_day,
        text=text,
        written_by=actor,
        profession=actor.profession,
        written_at=timezone.now(),
    )
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        person_id=person.pk,
        category=DataCategory.NOTES,
        detail={"note": note.pk},
    )
    return note
