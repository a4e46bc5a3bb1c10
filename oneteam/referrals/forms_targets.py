"""The form team leads use to change the response targets."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Urgency
from .services.response_targets import MINUTES_IN, split

LONGEST = 90 * MINUTES_IN["days"]


def _whom(urgency: Urgency) -> str:
    return f"{urgency.label.lower()} referrals"


class ResponseTargetsForm(forms.Form):
    """Each urgency's target as a whole number of hours or days; more urgent must mean sooner."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for urgency in Urgency:
            amount, unit = split(current[urgency])
            whom = _whom(urgency)
            self.fields[f"{urgency}_amount"] = forms.IntegerField(
                label="First contact within",
                initial=amount,
                min_value=1,
                error_messages={
                    "required": f"Enter how long {whom} may wait for first contact",
                    "invalid": f"Enter a whole number of hours or days for {whom}",
                    "min_value": f"The target for {whom} must be at least 1 hour",
                },
            )
            self.fields[f"{urgency}_unit"] = forms.ChoiceField(
                label="Hours or days",
                initial=unit,
                choices=[(name, name.capitalize()) for name in MINUTES_IN],
                widget=forms.RadioSelect,
                error_messages={"required": f"Select hours or days for {whom}"},
            )

    def urgencies(self) -> list[tuple[Urgency, forms.BoundField, forms.BoundField]]:
        """Each urgency with its two boxes, in order, for the template."""
        return [(urgency, self[f"{urgency}_amount"], self[f"{urgency}_unit"]) for urgency in Urgency]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        targets = self.minutes()
        previous: Urgency | None = None
        for urgency in map(Urgency, targets):
            if targets[urgency] > LONGEST:
                self.add_error(f"{urgency}_amount", f"The target for {_whom(urgency)} must be 90 days or fewer")
            elif previous is not None and targets[urgency] <= targets[previous]:
                self.add_error(
                    f"{urgency}_amount", f"The target for {_whom(urgency)} must be longer than for {_whom(previous)}"
                )
            previous = urgency
        return cleaned

    def minutes(self) -> dict[str, int]:
        """The targets in minutes by urgency, for the urgencies whose boxes were filled in correctly."""
        data = self.cleaned_data
        return {
            urgency.value: data[f"{urgency}_amount"] * MINUTES_IN[data[f"{urgency}_unit"]]
            for urgency in Urgency
            if f"{urgency}_amount" in data and f"{urgency}_unit" in data
        }
