"""Forms of the access app."""

from __future__ import annotations

import re

from django import forms

from . import two_factor


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", max_length=200, strip=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app. Spaces are allowed: apps show the code as `123 456`."""

    code = forms.CharField(
        label="Enter the 6-digit code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code"},
    )

    def clean_code(self) -> str:
        code = two_factor.normalise_code(self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("The code must be 6 digits")
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        max_length=40,
        help_text="You were given 10 recovery codes when you set up two-factor sign-in. Each one works once.",
        error_messages={"required": "Enter a recovery code"},
    )
