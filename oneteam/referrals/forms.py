"""Forms for referring a person and for each step of a referral.

They check what was typed; who may take each step is decided in services.py,
whose refusals the views show next to the field named by `refused_field`.
"""

from __future__ import annotations

from typing import Any

from django import forms

from oneteam.organisations.models import Neighbourhood, Staff, Team
from oneteam.people import nhs_number
from oneteam.people.forms import NameSearchForm
from oneteam.people.models import Person
from oneteam.people.postcodes import normalise_postcode

from . import queries
from .models import Need, Outcome, Referral, Urgency
from .services import ReferralDetails

IDENTITY_FIELDS = ("given_name", "family_name", "date_of_birth", "nhs_number", "postcode")


def person_identity(person: Person) -> dict[str, Any]:
    """A known person's details, as a referral records them."""
    return {name: getattr(person, name) for name in IDENTITY_FIELDS}


class NewPersonForm(NameSearchForm):
    """Who is being referred, when there is no record to start from.

    The name and date of birth are checked as the name search checks them.
    """

    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the person's first name"}
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=20, required=False, help_text="For example, 485 777 3456"
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=20,
        help_text="For example, OT1 2AB",
        error_messages={"required": "Enter a postcode"},
    )

    def clean_nhs_number(self) -> str:
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if value and not nhs_number.is_valid(value):
            raise forms.ValidationError("This is not a valid NHS number. Check it, or leave it blank")
        return value

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data["postcode"])
        if value is None:
            raise forms.ValidationError("Enter a real postcode, like OT1 2AB")
        return value

    def identity(self) -> dict[str, Any]:
        """The person's details, as a referral records them."""
        return {name: self.cleaned_data[name] for name in IDENTITY_FIELDS}


class ReferralForm(forms.Form):
    """What the person needs, how urgent it is, what matters to them, and whether they agreed to share."""

    neighbourhood = forms.ModelChoiceField(
        Neighbourhood.objects.order_by("name"),
        label="Which neighbourhood team should this go to?",
        help_text="Usually the neighbourhood of the person's GP practice",
        empty_label="Choose a neighbourhood",
        error_messages={"required": "Choose the neighbourhood team"},
    )
    need = forms.ChoiceField(
        label="What does the person need help with?",
        choices=Need.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the person needs help with"},
    )
    need_detail = forms.CharField(
        label="Tell the team more about this (optional)", max_length=2000, required=False, widget=forms.Textarea
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent it is"},
    )
    what_matters = forms.CharField(
        label="What matters to the person (optional)",
        help_text="In their own words, if you can",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )
    consent_to_share = forms.TypedChoiceField(
        label="Has the person agreed to share their information with the neighbourhood team?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the person agreed to share their information"},
    )

    def details(self, identity: dict[str, Any]) -> ReferralDetails:
        """The referral as `services.receive_referral` takes it, for the person `identity` describes."""
        data = self.cleaned_data
        return ReferralDetails(
            **identity,
            need=data["need"],
            need_detail=data["need_detail"],
            urgency=Urgency(data["urgency"]),
            what_matters=data["what_matters"],
            consent_to_share=data["consent_to_share"],
        )


# Django's form fields cannot be subscripted at run time, so the type parameter is left to the stubs' default.
class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of professionals, each shown with their profession and organisation."""

    def label_from_instance(self, obj: Staff) -> str:
        organisation = f", {obj.organisation.name}" if obj.organisation else ""
        return f"{obj.get_full_name()} – {obj.get_profession_display()}{organisation}"


class ActionForm(forms.Form):
    """One step on a referral. A step with no fields (such as recording first contact) uses this as it is."""

    refused_field: str | None = None

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral


class TriageForm(ActionForm):
    """Find the person's record by NHS number; `confirm` is set once the triager has seen who it finds."""

    prefix = "triage"
    refused_field = "nhs_number"
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="For example, 485 777 3456",
        error_messages={"required": "Enter the person's NHS number"},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    mismatch_reason = forms.CharField(
        label="Why are you sure this is the same person?",
        help_text="Only if the name or date of birth differ. Information governance reviews every such match",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, referral=referral, initial={"nhs_number": referral.nhs_number}, **kwargs)

    def clean_nhs_number(self) -> str:
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if not nhs_number.is_valid(value):
            raise forms.ValidationError("This is not a valid NHS number")
        return value


class FindByNameForm(NameSearchForm):
    """Find the person's record by last name and date of birth, when the referral has no NHS number."""

    prefix = "find"

    def __init__(self, data: Any = None, *, referral: Referral) -> None:
        initial = {
            "family_name": referral.family_name,
            "given_name": referral.given_name,
            "dob": referral.date_of_birth,
        }
        super().__init__(data, initial=initial)


class AllocateForm(ActionForm):
    prefix = "allocate"
    refused_field = "to"
    to = StaffChoiceField(
        Staff.objects.none(),
        label="Allocate to",
        empty_label="Choose a professional",
        error_messages={"required": "Choose who to allocate this referral to"},
    )
    note = forms.CharField(label="Note for them (optional)", max_length=1000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, referral=referral, **kwargs)
        self.fields["to"].queryset = queries.care_staff(referral.neighbourhood)  # type: ignore[attr-defined]


class OfferForm(ActionForm):
    """Offer the referral to one professional or one team, with a handover note."""

    prefix = "offer"
    refused_field = "to_staff"
    to_staff = StaffChoiceField(
        Staff.objects.none(), label="Offer it to a professional", empty_label="Choose a professional", required=False
    )
    to_team = forms.ModelChoiceField(
        Team.objects.none(), label="Or offer it to a team", empty_label="Choose a team", required=False
    )
    note = forms.CharField(
        label="Handover note",
        help_text="What they need to know to decide, and to take it on",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Write a handover note"},
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, referral=referral, **kwargs)
        self.fields["to_staff"].queryset = queries.care_staff(referral.neighbourhood)  # type: ignore[attr-defined]
        self.fields["to_team"].queryset = queries.handover_teams(referral.neighbourhood)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [cleaned.get("to_staff"), cleaned.get("to_team")]
        if all(chosen):
            self.add_error("to_staff", "Choose a professional or a team, not both")
        elif not any(chosen) and "to_staff" not in self.errors:
            self.add_error("to_staff", "Choose who to offer this referral to")
        return cleaned


class AcceptForm(ActionForm):
    """Answers one offer: the one the receiver saw, so a later offer is never answered by mistake."""

    prefix = "accept"
    offer = forms.IntegerField(widget=forms.HiddenInput)


class DeclineForm(AcceptForm):
    prefix = "decline"
    refused_field = "reason"
    reason = forms.CharField(
        label="Why are you declining?",
        help_text="The person who offered it reads this. It stays with them.",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are declining, so the person who offered it knows what to do next"},
    )


class FirstContactForm(ActionForm):
    prefix = "first_contact"


class CloseForm(ActionForm):
    prefix = "close"
    refused_field = "outcome"
    outcome = forms.ChoiceField(
        label="What was the outcome?",
        # Joining an open referral is something the front door does, not an outcome anyone chooses.
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.LINKED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    note = forms.CharField(label="Closing note (optional)", max_length=1000, required=False, widget=forms.Textarea)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "triage": TriageForm,
    "allocate": AllocateForm,
    "offer": OfferForm,
    "accept": AcceptForm,
    "decline": DeclineForm,
    "first_contact": FirstContactForm,
    "close": CloseForm,
}


class KeyWorkerForm(forms.Form):
    to = StaffChoiceField(
        Staff.objects.none(),
        label="New key worker",
        empty_label="Choose a professional",
        error_messages={"required": "Choose the new key worker"},
    )
    handover_note = forms.CharField(
        label="Handover note",
        help_text="What the new key worker needs to know about the person and their care",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Write a handover note for the new key worker"},
    )

    def __init__(self, *args: Any, neighbourhood: Neighbourhood, current: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = queries.care_staff(neighbourhood).exclude(pk=current.pk)  # type: ignore[attr-defined]


class DischargeDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why can you not take this person on?",
        help_text="Your team sees this reason next to the handover, so the next person knows what to do",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Give a reason for declining, so the next person in your team knows why"},
    )
