"""The form for a new case note."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from oneteam.care.forms import text
from oneteam.forms import DateField

from .services import MAX_LENGTH


class NoteForm(forms.Form):
    when = DateField(
        label="What day is the note about?", called="The date of the note", latest="today", initial=timezone.localdate
    )
    text = text("Note", MAX_LENGTH, "Enter the note", help_text="What happened, what was said, what happens next.")
