"""Case notes. A note is never changed once written: a correction is a new note, so the record shows both."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.organisations.models import Profession
from oneteam.people.models import Person


class Note(models.Model):
    """A dated free-text note about a person, by a named professional (data category "Notes")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    # The day the note is about (a phone call yesterday), which may be before the day it was written.
    about_day = models.DateField()
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-about_day", "-written_at", "-id"]
        indexes = [models.Index(fields=["person", "about_day"], name="note_person_day")]

    def __str__(self) -> str:
        return f"Note of {self.about_day}"
