"""The experience questionnaire form: every question needs an answer."""

from __future__ import annotations

from typing import Any

from django import forms

from .experience import ANSWERS, QUESTIONS


class ExperienceForm(forms.Form):
    """One choice per question, and whether a member of staff helped fill it in."""

    with_staff = forms.TypedChoiceField(
        label="Who is filling this in?",
        choices=[("no", "I am (or someone close to me is) filling it in"), ("yes", "A member of staff is helping")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is filling this in"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.field] = forms.TypedChoiceField(
                label=question.text,
                choices=ANSWERS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Select how much you agree"},
            )

    def scores(self) -> dict[str, int]:
        """The answers, question by question, as the scores the choices stand for."""
        return {question.field: self.cleaned_data[question.field] for question in QUESTIONS}
