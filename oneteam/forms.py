"""Form fields every app shares: the NHS.UK date input.

Every date a person types into OneTeam is typed the same way: three boxes, day, month and
year (posted as `<name>_day`, `<name>_month` and `<name>_year`), checked by one parser whose
messages follow the NHS.UK date input's error guidance ("Date of birth must include a month",
"… must be a real date"). `_fields.jinja` draws it; `oneteam.jinja2.date_input` gives the
NHS.UK macro its parameters.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django import forms
from django.utils import timezone

PARTS = ("day", "month", "year")
# No one's date in OneTeam is earlier: a year like 46 or 194 is a mistyped year, not a date in antiquity.
FLOOR = datetime.date(1900, 1, 1)

Bound = datetime.date | Literal["today"] | None


class DayMonthYear(forms.MultiWidget):
    """The three boxes of an NHS.UK date input."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(dict.fromkeys(PARTS, forms.TextInput), attrs)

    def decompress(self, value: datetime.date | None) -> list[int | None]:
        return [value.day, value.month, value.year] if value else [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box, as the NHS.UK date input asks.
        return f"{id_}_day" if id_ else ""


class DateField(forms.Field):
    """A date typed into an NHS.UK date input; the value is a `datetime.date` (or None if optional and empty).

    `label` is the question shown as the legend; `called` names the date in error messages
    ("The due date must be a real date"), and defaults to the label. `earliest` and `latest`
    bound it, either a date or "today" (read when the form is checked).
    """

    widget = DayMonthYear
    default_error_messages = {
        "required": "Enter %(lower)s",
        "incomplete": "%(called)s must include a %(missing)s",
        "invalid": "%(called)s must be a real date, like 27 3 2026",
        "year": "%(called)s must have a year with 4 numbers, like 2026",
        "too_early": "%(called)s must be %(bound)s or later",
        "too_late": "%(called)s must be %(bound)s or earlier",
    }

    def __init__(
        self, *, called: str = "", earliest: Bound = None, latest: Bound = None, hint: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("help_text", hint or "For example, 27 3 2026")
        super().__init__(**kwargs)
        self.called = called or str(self.label or "The date")
        self.earliest = earliest
        self.latest = latest

    def _error(self, code: str, **params: str) -> forms.ValidationError:
        params = {"called": self.called, "lower": self.called[0].lower() + self.called[1:], **params}
        return forms.ValidationError(self.error_messages[code], code=code, params=params)

    def to_python(self, value: Any) -> datetime.date | None:
        parts = [str(part or "").strip() for part in (value if isinstance(value, list | tuple) else ["", "", ""])]
        if not any(parts):
            return None
        missing = [name for name, part in zip(PARTS, parts, strict=True) if not part]
        if missing:
            raise self._error("incomplete", missing=" and ".join(missing))
        day, month, year = parts
        if not all(part.isdigit() for part in parts):
            raise self._error("invalid")
        if len(year) != 4:
            raise self._error("year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise self._error("invalid") from None

    def validate(self, value: datetime.date | None) -> None:
        if value is None:
            if self.required:
                raise self._error("required")
            return
        earliest = _day(self.earliest)
        floor: Bound = self.earliest if earliest and earliest > FLOOR else FLOOR
        if value < (_day(floor) or FLOOR):
            raise self._error("too_early", bound=_words(floor))
        latest = _day(self.latest)
        if latest and value > latest:
            raise self._error("too_late", bound=_words(self.latest))


def _day(bound: Bound) -> datetime.date | None:
    return timezone.localdate() if isinstance(bound, str) else bound


def _words(bound: Bound) -> str:
    """ "today", or the date as the NHS.UK style guide writes it: 3 March 2026."""
    day = _day(bound)
    return "today" if bound == "today" or day is None else f"{day.day} {day:%B %Y}"
