"""The one NHS.UK date input: every form that asks for a date checks it the same way, with NHS.UK messages."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.utils import timezone

from oneteam.forms import DateField
from oneteam.jinja2 import date_input, error_summary
from oneteam.people.forms import NameSearchForm


def dob_errors(day: str, month: str, year: str) -> list[str]:
    form = NameSearchForm({"family_name": "Khan", "dob_day": day, "dob_month": month, "dob_year": year})
    assert not form.is_valid()
    return [str(error) for error in form.errors["dob"]]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the person's date of birth"),
        ("27", "", "1946", "Date of birth must include a month"),
        ("", "3", "", "Date of birth must include a day and year"),
        ("31", "2", "1946", "Date of birth must be a real date, like 27 3 2026"),
        ("27", "March", "1946", "Date of birth must be a real date, like 27 3 2026"),
        ("27", "3", "46", "Date of birth must have a year with 4 numbers, like 2026"),
        ("27", "3", "1846", "Date of birth must be 1 January 1900 or later"),
        ("1", "1", "2999", "Date of birth must be in the past"),
    ],
)
def test_a_date_of_birth_is_explained_as_nhs_uk_asks(day: str, month: str, year: str, message: str) -> None:
    assert dob_errors(day, month, year) == [message]


def test_a_good_date_of_birth_is_a_date_with_spaces_trimmed() -> None:
    form = NameSearchForm({"family_name": "Khan", "dob_day": " 7 ", "dob_month": "03", "dob_year": "1946"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1946, 3, 7)


class DueForm(forms.Form):
    due = DateField(label="When is it due?", called="The due date", earliest="today", required=False)


def test_bounds_are_read_when_the_form_is_checked_and_an_optional_date_may_be_left_empty() -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = DueForm({"due_day": str(yesterday.day), "due_month": str(yesterday.month), "due_year": str(yesterday.year)})
    assert late.errors["due"] == ["The due date must be today or later"]
    empty = DueForm({"due_day": "", "due_month": "", "due_year": ""})
    assert empty.is_valid() and empty.cleaned_data["due"] is None


def test_the_three_boxes_keep_what_was_typed_the_error_is_named_and_the_summary_links_to_the_day_box() -> None:
    form = NameSearchForm({"family_name": "Khan", "dob_day": "27", "dob_month": "", "dob_year": "1946"})
    assert not form.is_valid()

    params = date_input(form["dob"])

    assert [(item["name"], item["value"]) for item in params["items"]] == [
        ("dob_day", "27"),
        ("dob_month", ""),
        ("dob_year", "1946"),
    ]
    assert params["fieldset"]["legend"]["text"] == "Date of birth"
    assert params["errorMessage"]["text"] == "Date of birth must include a month"
    assert error_summary(form) == [{"text": "Date of birth must include a month", "href": "#id_dob_day"}]


def test_an_unbound_date_shows_its_initial_date_in_the_boxes() -> None:
    form = DueForm(initial={"due": datetime.date(2026, 3, 7)})
    assert [item["value"] for item in date_input(form["due"])["items"]] == ["7", "3", "2026"]
