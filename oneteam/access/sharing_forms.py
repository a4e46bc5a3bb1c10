"""Forms for the person's wishes, emergency access and its review."""

from __future__ import annotations

from typing import Any

from django import forms

from oneteam.forms import DateField
from oneteam.organisations.models import Profession, Sector

from .default_rules import RULE_CATEGORIES
from .models import AccessLevel, ConsentStatus, DataCategory, ReviewOutcome

_CATEGORY_CHOICES = [(category.value, category.label) for category in RULE_CATEGORIES]


class ConsentForm(forms.Form):
    status = forms.ChoiceField(
        label="What has the person decided about sharing their record with the neighbourhood team?",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the person has decided"},
    )
    categories = forms.MultipleChoiceField(
        label="Which parts of the record does this cover? (optional)",
        help_text="Leave all unticked if it covers the whole record",
        choices=_CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="For example, how the person told you and who was present",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
    )
    # Needed when the decision reverses an earlier withdrawal or refusal (the service says so next to the field).
    stated_by = forms.CharField(
        label="Who gave this decision",
        help_text="Needed if it reverses a withdrawal or refusal. For example, the person, or their attorney",
        required=False,
        max_length=200,
    )
    stated_on = DateField(
        label="When they gave it",
        called="The date they gave it",
        hint="Needed if it reverses a withdrawal or refusal. For example, 27 3 2026",
        required=False,
        latest="today",
    )
    stated_how = forms.CharField(
        label="How they gave it",
        help_text="Needed if it reverses a withdrawal or refusal. For example, in person at home, or by phone",
        required=False,
        max_length=200,
    )


class ObjectionForm(forms.Form):
    category = forms.ChoiceField(
        label="What does the person not want shared?",
        choices=_CATEGORY_CHOICES,
        error_messages={"required": "Select what the person does not want shared"},
    )
    sector = forms.ChoiceField(
        label="Who should not see it?",
        choices=[("", "Any partner organisation"), *Sector.choices],
        required=False,
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=1000, widget=forms.Textarea)


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text="Information governance will read this. For example, “Called to a fall at home, "
        "need medicines and allergies before the ambulance arrives”.",
        min_length=10,
        max_length=500,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you need to see this record now",
            "min_length": "Give more detail about why you need to see this record now",
        },
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was this emergency access appropriate?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this emergency access was appropriate"},
    )
    note = forms.CharField(
        label="Review note",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter a note about your review"},
    )


# Short labels, so the profession-by-category grid fits a screen; the pages explain each one.
LEVEL_CHOICES = [
    ("", "No access"),
    (AccessLevel.CARE_TEAM.value, "Care team"),
    (AccessLevel.NEIGHBOURHOOD_TEAM.value, "Team"),
    (AccessLevel.PARTNERSHIP.value, "Anyone"),
]


class AgreementGridForm(forms.Form):
    """One purpose of a sharing agreement: a level for every profession and category, and why it changed."""

    change_note = forms.CharField(
        label="What are you changing, and why?",
        help_text="This is kept with the new version, for anyone who later asks why the rules changed",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what you are changing and why"},
    )

    def __init__(
        self, *args: Any, grid: list[tuple[Profession, list[tuple[DataCategory, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for profession, cells in grid:
            for category, level in cells:
                self.fields[cell_name(profession, category)] = forms.ChoiceField(
                    label=f"{profession.label}: {category.label}", choices=LEVEL_CHOICES, required=False, initial=level
                )

    def cells(self) -> list[tuple[Profession, DataCategory, AccessLevel | None]]:
        """The submitted grid, for `agreements.change_purpose`."""
        result = []
        for name, value in self.cleaned_data.items():
            if "__" in name:
                profession, category = name.split("__")
                result.append((Profession(profession), DataCategory(category), AccessLevel(value) if value else None))
        return result


def cell_name(profession: Profession, category: DataCategory) -> str:
    """The form field name of one cell of the agreement grid."""
    return f"{profession.value}__{category.value}"
