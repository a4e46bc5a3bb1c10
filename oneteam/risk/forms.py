"""Forms of the risk pages: the cohort filters, an MDT proposal, and the priority weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from oneteam.organisations.models import Neighbourhood, Organisation

from . import priority
from .efi import Category
from .queries import Filters, weight_labels

MAX_WEIGHT = 50
EVERYWHERE = ""


class CohortFilterForm(forms.Form):
    """The cohort list's filters, read from the address so a list can be bookmarked and shared.

    The neighbourhood and practice choices are the ones the page already loaded,
    so checking them costs no query.
    """

    category = forms.MultipleChoiceField(
        label="Frailty",
        choices=[(c.value, c.label) for c in Category],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose frailty categories from the list"},
    )
    min_priority = forms.IntegerField(
        label="Priority at least",
        required=False,
        min_value=0,
        max_value=10_000,
        error_messages={
            "invalid": "Enter the lowest priority as a whole number, like 8",
            "min_value": "The lowest priority must be 0 or more",
            "max_value": "The lowest priority must be 10,000 or less",
        },
    )
    not_known = forms.BooleanField(label="Only people not yet known to the team", required=False)
    changed = forms.BooleanField(label="Only people whose frailty changed since the last run", required=False)
    everyone = forms.BooleanField(
        label="Include people under 65 and others without an electronic Frailty Index (eFI)",
        help_text="Proactive care is for people 65 and over with an eFI, so the list shows only them unless you ask",
        required=False,
    )

    def __init__(
        self, data: Any, *, neighbourhoods: Sequence[Neighbourhood], practices: Sequence[Organisation]
    ) -> None:
        super().__init__(data)
        self._neighbourhoods = {str(n.pk): n for n in neighbourhoods}
        self._practices = {str(p.pk): p for p in practices}
        unknown = {"invalid_choice": "Choose from the list"}
        self.fields["neighbourhood"] = forms.ChoiceField(
            label="Neighbourhood",
            required=False,
            choices=[("", "All your neighbourhoods")] + [(key, n.name) for key, n in self._neighbourhoods.items()],
            error_messages=unknown,
        )
        self.fields["practice"] = forms.ChoiceField(
            label="GP practice",
            required=False,
            choices=[("", "All practices")] + [(key, p.name) for key, p in self._practices.items()],
            error_messages=unknown,
        )
        self.order_fields(["neighbourhood", "practice"])

    def filters(self) -> Filters:
        """The filters to apply (call after is_valid)."""
        data = self.cleaned_data
        return Filters(
            neighbourhood=self._neighbourhoods.get(data.get("neighbourhood") or ""),
            practice=self._practices.get(data.get("practice") or ""),
            categories=tuple(data.get("category") or ()),
            min_priority=data.get("min_priority"),
            not_known=bool(data.get("not_known")),
            changed=bool(data.get("changed")),
            with_efi_only=not data.get("everyone"),
        )


class ProposeForm(forms.Form):
    question = forms.CharField(
        label="What should the MDT discuss? (optional)",
        help_text="For example, whether a care plan or a medicines review is needed",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the question to 1,000 characters or fewer"},
    )


class WeightsForm(forms.Form):
    """A new version of the priority weights for everywhere or for one neighbourhood."""

    change_note = forms.CharField(
        label="Why are you changing them?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the weights are changing"},
    )

    def __init__(self, data: Any = None, *, scopes: Sequence[Neighbourhood | None], initial: priority.Weights) -> None:
        super().__init__(data)
        self.fields["scope"] = forms.ChoiceField(
            label="Which weights are you changing?",
            choices=[
                (str(n.pk) if n else EVERYWHERE, n.name if n else "Everywhere without its own weights") for n in scopes
            ],
        )
        self.scopes = {str(n.pk) if n else EVERYWHERE: n for n in scopes}
        self.order_fields(["scope", *priority.Weights.names(), "change_note"])
        for name, label in weight_labels():
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=getattr(initial, name),
                error_messages={
                    "required": "Enter the points, or 0",
                    "invalid": "Enter the points as a whole number",
                    "min_value": "Points cannot be less than 0",
                    "max_value": f"Points cannot be more than {MAX_WEIGHT}",
                },
            )

    def neighbourhood(self) -> Neighbourhood | None:
        return self.scopes[self.cleaned_data["scope"]]

    def weights(self) -> priority.Weights:
        return priority.Weights(**{name: self.cleaned_data[name] for name in priority.Weights.names()})
