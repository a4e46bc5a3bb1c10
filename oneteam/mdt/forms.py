"""Forms for MDT meetings, agenda items, requests, attendance, minutes and actions.

They check what was typed; who may do what is decided in services.py, whose
refusals the views show next to the field the refusal names.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from oneteam.forms import DateField
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.people import nhs_number

# Professions that take part in discussing cases (support roles do not).
CASE_PROFESSIONS = [
    (value, label)
    for value, label in Profession.choices
    if value not in (Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR)
]


class MeetingForm(forms.Form):
    """When and where the meeting is, who chairs it, and whether it is a regular or an ad hoc meeting."""

    neighbourhood = forms.ModelChoiceField(
        Neighbourhood.objects.none(),
        label="Neighbourhood",
        empty_label=None,
        error_messages={"required": "Choose the neighbourhood"},
    )
    kind = forms.ChoiceField(
        label="Type of meeting",
        choices=[("regular", "Regular MDT meeting"), ("ad_hoc", "Ad hoc meeting")],
        widget=forms.RadioSelect,
        initial="regular",
        error_messages={"required": "Select the type of meeting"},
    )
    date = DateField(label="Date", called="The date of the meeting")
    time = forms.TimeField(
        label="Start time",
        help_text="For example, 14:30",
        error_messages={"required": "Enter the start time", "invalid": "Enter a real time, like 14:30"},
    )
    place = forms.CharField(label="Place (optional if online)", max_length=200, required=False)
    online_link = forms.URLField(
        label="Online meeting link (optional if in person)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    chair = forms.ModelChoiceField(
        Staff.objects.none(), label="Chair", empty_label=None, error_messages={"required": "Choose who chairs it"}
    )

    def __init__(self, *args: Any, neighbourhoods: list[Neighbourhood], chairs: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(pk__in=[n.pk for n in neighbourhoods])  # type: ignore[attr-defined]
        self.fields["chair"].queryset = Staff.objects.filter(pk__in=[s.pk for s in chairs]).order_by("last_name")  # type: ignore[attr-defined]
        self.fields["chair"].label_from_instance = lambda s: f"{s.get_full_name()} ({s.get_profession_display()})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("place") and not cleaned.get("online_link") and "online_link" not in self.errors:
            self.add_error("place", "Enter where the meeting is, or an online meeting link")
        return cleaned

    def starts_at(self) -> datetime.datetime:
        """The start as an aware date and time in local time."""
        naive = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class ItemForm(forms.Form):
    """The question for the team, the professions the discussion needs and how long it should take."""

    question = forms.CharField(
        label="What question should the team answer?",
        help_text="One question, about this person, that the people in the room can decide",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter the question for the team"},
    )
    professions = forms.MultipleChoiceField(
        label="Which professions does the discussion need?",
        help_text="Only they are asked to join for this item",
        choices=CASE_PROFESSIONS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one profession the discussion needs"},
    )
    expected_minutes = forms.IntegerField(
        label="How many minutes should it take?",
        min_value=1,
        max_value=60,
        initial=10,
        error_messages={
            "required": "Enter how many minutes the item should take",
            "invalid": "Enter a whole number of minutes, like 10",
            "min_value": "An item takes at least 1 minute",
            "max_value": "An item can take at most 60 minutes. Split a longer discussion",
        },
    )


class ManualItemForm(ItemForm):
    """An item added by hand: the person is found by NHS number."""

    field_order = ["nhs_number", "question", "professions", "expected_minutes"]
    nhs_number = forms.CharField(
        label="NHS number of the person to discuss",
        help_text="For example, 485 777 3456",
        max_length=20,
        error_messages={"required": "Enter the person's NHS number"},
    )

    def clean_nhs_number(self) -> str:
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if not nhs_number.is_valid(value):
            raise forms.ValidationError("This is not a valid NHS number. Check it and try again")
        return value


class _StaffChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic only in the stubs
    """Staff chosen by id; an id beyond the database's integer range is refused like any unknown one."""

    def clean(self, value: Any) -> Any:
        for choice in value or ():
            try:
                in_range = -(2**63) <= int(choice) < 2**63
            except (TypeError, ValueError):
                continue  # Django names it as not a valid value
            if not in_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": choice}
                )
        return super().clean(value)


class AttendanceForm(forms.Form):
    """Who took part in the discussion of the item."""

    attendees = _StaffChoiceField(
        Staff.objects.none(),
        label="Who took part in discussing this item?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select everyone who took part"},
    )

    def __init__(self, *args: Any, candidates: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = Staff.objects.filter(pk__in=[s.pk for s in candidates]).order_by("last_name", "pk")  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.get_full_name()} ({s.get_profession_display()})"  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    """The discussion summary, the decision and how long it took."""

    summary = forms.CharField(
        label="Summary of the discussion", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    decision = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Enter what the team decided"},
    )
    actual_minutes = forms.IntegerField(
        label="How many minutes did it take?",
        min_value=1,
        max_value=240,
        error_messages={
            "required": "Enter how many minutes the discussion took",
            "invalid": "Enter a whole number of minutes",
        },
    )


class ActionForm(forms.Form):
    """One action: what, who owns it, by when."""

    description = forms.CharField(
        label="What needs to be done?", max_length=300, error_messages={"required": "Enter what needs to be done"}
    )
    owner = forms.ModelChoiceField(
        Staff.objects.none(),
        label="Who will do it?",
        empty_label="Choose who",
        error_messages={"required": "Choose who will do it"},
    )
    due_on = DateField(label="Due by", called="The due date", earliest="today")

    def __init__(self, *args: Any, owners: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = owners  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.get_full_name()} ({s.get_profession_display()})"  # type: ignore[attr-defined]
