"""Person search forms. Each method of finding a person is its own small form.

`date_of_birth` is the NHS.UK date input for any form that asks for one.
"""

from __future__ import annotations

from typing import Any

from django import forms

from oneteam.forms import DateField

from . import nhs_number
from .postcodes import normalise_postcode


def date_of_birth(**kwargs: Any) -> DateField:
    """The date of birth, as every form that asks for one asks it: required, in the past."""
    return DateField(
        label="Date of birth",
        hint="For example, 27 3 1946",
        latest="today",
        error_messages={
            "required": "Enter the person's date of birth",
            "too_late": "Date of birth must be in the past",
        },
        **kwargs,
    )


class NhsNumberSearchForm(forms.Form):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="For example, 485 777 3456",
        error_messages={"required": "Enter an NHS number"},
    )

    def clean_nhs_number(self) -> str:
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if not nhs_number.is_valid(value):
            raise forms.ValidationError("This is not a valid NHS number")
        return value


class NameSearchForm(forms.Form):
    """Last name and date of birth, the way staff identify someone over the phone."""

    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the person's last name"}
    )
    given_name = forms.CharField(label="First name (optional)", max_length=100, required=False)
    dob = date_of_birth()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["date_of_birth"] = cleaned.get("dob")
        return cleaned


class PostcodeSearchForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        max_length=20,
        help_text="For example, OT1 2AB",
        error_messages={"required": "Enter a postcode"},
    )

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data["postcode"])
        if value is None:
            raise forms.ValidationError("Enter a real postcode, like OT1 2AB")
        return value


SEARCH_FORMS: dict[str, type[forms.Form]] = {
    "nhs_number": NhsNumberSearchForm,
    "name": NameSearchForm,
    "postcode": PostcodeSearchForm,
}
