"""The public self-referral form, for a person or their carer.

Checks that read more than one box live in the `clean_` method of the last box
they read, so problems are listed in the order the boxes appear on the page.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from oneteam.organisations.models import Neighbourhood, Organisation, Sector
from oneteam.people import nhs_number
from oneteam.people.forms import date_of_birth
from oneteam.people.postcodes import normalise_postcode

from .models import Need, Source, Urgency
from .services import ReferralDetails
from .services.intake import SelfReferral

WHAT_MATTERS_LIMIT = 1000
PRACTICE_NOT_KNOWN = "not-known"
_PHONE = re.compile(r"\+?[0-9 ()-]+")


def _too_long(what: str, limit: int) -> dict[str, str]:
    return {"max_length": f"{what} must be {limit:,} characters or fewer"}


class SelfReferralForm(forms.Form):
    filled_in_by = forms.ChoiceField(
        label="Who are you filling this in for?",
        choices=[(Source.SELF, "Myself"), (Source.CARER, "Someone else, for example as their carer or relative")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are filling this in for"},
    )
    referrer_name = forms.CharField(
        label="Your full name", max_length=200, required=False, error_messages=_too_long("Your name", 200)
    )
    referrer_relationship = forms.CharField(
        label="Your relationship to them",
        help_text="For example, daughter, husband, neighbour or friend",
        max_length=100,
        required=False,
        error_messages=_too_long("Your relationship", 100),
    )
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the person's first name", **_too_long("First name", 100)},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name", **_too_long("Last name", 100)},
    )
    dob = date_of_birth()
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text="A 10 digit number, like 485 777 3456. It is on letters from the NHS, prescriptions and the NHS App.",
        max_length=20,
        required=False,
    )
    postcode = forms.CharField(label="Postcode (optional)", max_length=20, required=False)
    # Choices are set in __init__: every GP practice, then "not registered or not known".
    gp_practice = forms.ChoiceField(
        label="GP surgery",
        help_text="The surgery the person is registered with. It tells us which neighbourhood team to send this to.",
        error_messages={
            "required": "Select the GP surgery the person is registered with, or that you do not know",
            "invalid_choice": "Select the GP surgery the person is registered with, or that you do not know",
        },
    )
    area = forms.ModelChoiceField(
        label="If the person is not registered with a GP, or you do not know: which area do they live in?",
        help_text="The neighbourhood team for that area will contact you.",
        queryset=Neighbourhood.objects.order_by("name"),
        required=False,
        empty_label="Select an area",
        error_messages={"invalid_choice": "Select the area the person lives in"},
    )
    contact_phone = forms.CharField(
        label="Phone number (optional)", max_length=30, required=False, error_messages=_too_long("Phone number", 30)
    )
    contact_email = forms.EmailField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            **_too_long("Email address", 254),
        },
    )
    need = forms.ChoiceField(
        label="What is help needed with?",
        choices=Need.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what help is needed with"},
    )
    urgency = forms.ChoiceField(
        label="How soon is help needed?",
        help_text="If someone is seriously ill or injured and their life is at risk, call 999 now.",
        choices=[
            (Urgency.URGENT, "Today – things have got worse and the person is not coping"),
            (Urgency.SOON, "In the next few days"),
            (Urgency.ROUTINE, "It is not urgent"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how soon help is needed"},
    )
    what_matters = forms.CharField(
        label="What matters to you? (optional)",
        help_text="For example, staying in your own home, seeing friends, or looking after your partner. "
        "If you are filling this in for someone else, tell us what matters to them.",
        max_length=WHAT_MATTERS_LIMIT,
        required=False,
        widget=forms.Textarea,
        error_messages=_too_long("What matters to you", WHAT_MATTERS_LIMIT),
    )
    # A group of one checkbox, so it draws with the NHS.UK checkboxes like any other choice.
    consent_to_share = forms.MultipleChoiceField(
        label="Sharing information",
        choices=[
            (
                "yes",
                "I agree that the neighbourhood team can share this information with the health and care "
                "professionals who will help",
            )
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages=dict.fromkeys(
            ["required", "invalid_choice"], "Confirm that the team can share this information, so they can help"
        ),
    )
    # Spam checks (see intake.py): a box people never see, and when the form was drawn.
    website = forms.CharField(required=False)
    started = forms.CharField(required=False)

    def clean_referrer_relationship(self) -> str:
        relationship: str = self.cleaned_data["referrer_relationship"]
        if self.cleaned_data.get("filled_in_by") == Source.CARER:
            if not self.cleaned_data.get("referrer_name"):
                self.add_error("referrer_name", "Enter your full name")
            if not relationship:
                raise forms.ValidationError("Enter your relationship to the person")
        return relationship

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._practices = {
            str(practice.pk): practice
            for practice in Organisation.objects.filter(sector=Sector.GP_PRACTICE).order_by("name")
        }
        self.fields["gp_practice"].choices = [  # type: ignore[attr-defined]
            ("", "Select a GP surgery"),
            *((key, practice.name) for key, practice in self._practices.items()),
            (PRACTICE_NOT_KNOWN, "Not registered with a GP, or I do not know"),
        ]

    def clean_gp_practice(self) -> Organisation | None:
        """The practice chosen, or None if the person has none or it is not known (the area is asked instead)."""
        return self._practices.get(self.cleaned_data["gp_practice"])

    def clean_area(self) -> Neighbourhood | None:
        area: Neighbourhood | None = self.cleaned_data.get("area")
        if self.cleaned_data.get("gp_practice", "") is None and area is None:
            raise forms.ValidationError("Select the area the person lives in, so we can send this to the right team")
        return area

    def clean_nhs_number(self) -> str:
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if value and not nhs_number.is_valid(value):
            raise forms.ValidationError("This is not a valid NHS number")
        return value

    def clean_postcode(self) -> str:
        typed: str = self.cleaned_data["postcode"]
        if not typed:
            return ""
        postcode = normalise_postcode(typed)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like OT1 2AB")
        return postcode

    def clean_contact_phone(self) -> str:
        phone: str = self.cleaned_data["contact_phone"]
        digits = sum(character.isdigit() for character in phone)
        if phone and not (_PHONE.fullmatch(phone) and 10 <= digits <= 15):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean_contact_email(self) -> str:
        email: str = self.cleaned_data["contact_email"]
        # Only when the phone number was fine: otherwise its own error already asks for one.
        if not email and self.cleaned_data.get("contact_phone") == "":
            self.add_error("contact_phone", "Enter a phone number or an email address so the team can contact you")
        return email

    def self_referral(self) -> SelfReferral:
        """The valid answers, as intake.accept takes them."""
        data = self.cleaned_data
        by_carer = data["filled_in_by"] == Source.CARER
        details = ReferralDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["dob"],
            nhs_number=data["nhs_number"],
            postcode=data["postcode"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            need=data["need"],
            urgency=Urgency(data["urgency"]),
            what_matters=data["what_matters"],
            consent_to_share=True,
            referrer_name=data["referrer_name"] if by_carer else "",
            referrer_relationship=data["referrer_relationship"] if by_carer else "",
        )
        return SelfReferral(
            details=details, practice=data["gp_practice"], area=data["area"], source=Source(data["filled_in_by"])
        )
