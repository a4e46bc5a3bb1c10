"""Forms of the directory pages: search, report an out-of-date detail, signpost, and record what came of it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from oneteam.people.postcodes import normalise_postcode

from . import hsds
from .models import Charging, SignpostOutcome, Status, TaxonomyTerm
from .search import Point, ServiceFilters

DISTANCES = [
    ("", "Any distance"),
    ("1", "Within 1 km"),
    ("2", "Within 2 km"),
    ("5", "Within 5 km"),
    ("10", "Within 10 km"),
]
FOLLOW_UP_WEEKS = [("1", "In 1 week"), ("2", "In 2 weeks"), ("4", "In 4 weeks"), ("6", "In 6 weeks")]


class SearchForm(forms.Form):
    """What a member of staff is looking for. Every filter is optional."""

    text = forms.CharField(
        label="What are you looking for?", required=False, max_length=200,
        help_text="For example, lonely, lunch club, carers, falls",
    )  # fmt: skip
    need = forms.ChoiceField(label="Need", required=False)
    age = forms.IntegerField(
        label="Age of the person", required=False, min_value=0, max_value=hsds.MAX_AGE,
        error_messages={"invalid": "Enter an age in whole years, like 78",
                        "min_value": "Age must be 0 or more", "max_value": f"Age must be {hsds.MAX_AGE} or less"},
    )  # fmt: skip
    day = forms.ChoiceField(
        label="Day", required=False, choices=[("", "Any day"), *((code, name) for code, name in hsds.DAY_NAMES.items())]
    )
    postcode = forms.CharField(label="Near postcode", required=False, max_length=10, help_text="For example, OT3 4AB")
    distance = forms.ChoiceField(label="Distance", required=False, choices=DISTANCES)
    charging = forms.ChoiceField(label="Cost", required=False, choices=[("", "Any cost"), *Charging.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = TaxonomyTerm.objects.order_by("name").values_list("pk", "name")
        self.fields["need"].choices = [("", "Any need"), *terms]  # type: ignore[attr-defined]

    def clean_postcode(self) -> str:
        raw = self.cleaned_data["postcode"]
        if not raw.strip():
            return ""
        value = normalise_postcode(raw)
        if value is None:
            raise forms.ValidationError("Enter a real postcode, like OT3 4AB")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("distance") and not cleaned.get("postcode"):
            self.add_error("postcode", "Enter a postcode to search within a distance of it")
        return cleaned

    def filters(self, near: Point | None) -> ServiceFilters:
        """The search this form asks for; `near` is where the postcode is (the caller finds it)."""
        data = self.cleaned_data
        distance = data.get("distance")
        return ServiceFilters(
            text=data.get("text", ""),
            taxonomy_term_id=data.get("need", ""),
            minimum_age=data.get("age"),
            maximum_age=data.get("age"),
            day=data.get("day", ""),
            charging=data.get("charging", ""),
            near=near,
            within_km=float(distance) if distance and near else None,
        )


class ReportForm(forms.Form):
    what_is_wrong = forms.CharField(
        label="What is out of date?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the phone number has changed, or it now meets on Thursdays",
        error_messages={"required": "Say what is out of date"},
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What did you do?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what you did about the report"},
    )  # fmt: skip


class EditForm(forms.Form):
    """A maintainer's change to a directory entry (see `services.edit_entry`)."""

    name = forms.CharField(label="Name", max_length=250, error_messages={"required": "Enter the service's name"})
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    eligibility_description = forms.CharField(label="Who it is for", required=False, max_length=2000)
    fees_description = forms.CharField(label="Fees", required=False, max_length=2000)
    alert = forms.CharField(
        label="Alert", required=False, max_length=2000,
        help_text="Anything short-term people must know, like a closure or a change of place",
    )  # fmt: skip
    phone = forms.CharField(label="Phone", required=False, max_length=50)
    url = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https",
                         error_messages={"invalid": "Enter a web address, like https://example.org"})  # fmt: skip
    email = forms.EmailField(label="Email", required=False, error_messages={"invalid": "Enter an email address"})
    confirmed = forms.BooleanField(
        label="I have checked all these details with the service", required=False,
        help_text="Only tick this if you have checked every detail. It marks the entry as checked today.",
    )  # fmt: skip


class SignpostForm(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this service, and anything agreed with the person",
        error_messages={"required": "Write a note about why you are signposting the person"},
    )
    follow_up = forms.ChoiceField(
        label="When will you check how it went?",
        choices=FOLLOW_UP_WEEKS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when you will follow up"},
    )

    def follow_up_on(self) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(weeks=int(self.cleaned_data["follow_up"]))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=SignpostOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If the person did not go, say why",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == SignpostOutcome.DID_NOT_ATTEND and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why the person did not go")
        return cleaned
