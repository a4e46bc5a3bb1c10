"""Person search forms. Each method of finding a person is its own small form.

`date_of_birth` reads the NHS.UK date input for any form that asks for one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from . import nhs_number
from .postcodes import normalise_postcode


def date_of_birth(day: str, month: str, year: str) -> datetime.date:
    """The date of birth typed into the three boxes of an NHS.UK date input. Raises ValidationError saying why not."""
    if not (day and month and year):
        raise forms.ValidationError("Enter the person's date of birth, including day, month and year")
    try:
        born = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise forms.ValidationError("Date of birth must be a real date, like 27 3 1946") from None
    if born > timezone.localdate() or born.year < 1880:
        raise forms.ValidationError("Date of birth must be in the past")
    return born


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
    dob_day = forms.CharField(max_length=2, required=False)
    dob_month = forms.CharField(max_length=2, required=False)
    dob_year = forms.CharField(max_length=4, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["date_of_birth"] = date_of_birth(
                cleaned.get("dob_day", ""), cleaned.get("dob_month", ""), cleaned.get("dob_year", "")
            )
        except forms.ValidationError as error:
            self.add_error("dob_day", error)
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
