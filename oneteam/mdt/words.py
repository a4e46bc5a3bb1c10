"""Times and professions as the MDT pages write them, in NHS.UK style."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from oneteam.organisations.models import Profession


def time_of_day(value: datetime.datetime) -> str:
    """'9:05am', '2:30pm': local time, as the NHS.UK style guide writes it."""
    local = timezone.localtime(value)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def time_range(starts: datetime.datetime, ends: datetime.datetime) -> str:
    """'10:20am to 10:30am'."""
    return f"{time_of_day(starts)} to {time_of_day(ends)}"


def professions(values: Iterable[str]) -> str:
    """'District nurse, GP': the professions an item needs, in words."""
    return ", ".join(Profession(value).label for value in values)
