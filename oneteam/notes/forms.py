"""The form for a new case note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

# The NHS.UK date input and its checks are shared with the care forms, so every date in OneTeam is typed the same way.
from oneteam.care.forms import add_date_fields, clean_date, text

from .services import MAX_LENGTH


class NoteForm(forms.Form):
    text = text("Note", MAX_LENGTH, "Enter the note", help_text="What happened, what was said, what happens next.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_date_fields(self, "when")
        today = timezone.localdate()
        self.initial.update(when_day=today.day, when_month=today.month, when_year=today.year)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["about_day"] = clean_date(self, "when", "The date of the note", latest=timezone.localdate())
        return cleaned
