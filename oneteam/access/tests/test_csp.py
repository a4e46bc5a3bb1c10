"""The Content-Security-Policy header, and pages that work within it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Profession
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_neighbourhood, make_staff

pytestmark = pytest.mark.django_db


def nonce_in_header(header: str) -> str:
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", header)
    assert match, header
    return match.group(1)


def test_every_response_has_a_strict_policy_with_a_fresh_nonce(client: Client) -> None:
    first = client.get(reverse("access:sign_in"))["Content-Security-Policy"]
    second = client.get(reverse("access:sign_in"))["Content-Security-Policy"]
    assert nonce_in_header(first) != nonce_in_header(second)
    for directive in (
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
        "form-action 'self'",
    ):
        assert directive in first
    assert "unsafe-inline" not in first
    assert "Content-Security-Policy" in client.get("/healthz")


def test_the_only_inline_script_carries_the_nonce_and_nothing_uses_inline_styles(client: Client) -> None:
    officer = make_staff(make_neighbourhood(), profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    client.post(reverse("access:sign_in"), {"username": officer.username, "password": TEST_PASSWORD})
    # The sign-in page, and the set-up page with its QR code, drawn within the policy.
    for url in (reverse("access:sign_in"), reverse("access:sign_in_set_up")):
        response = client.get(url)
        page = response.content.decode()
        nonce = nonce_in_header(response["Content-Security-Policy"])
        scripts = re.findall(r"<script\b([^>]*)>", page)
        inline = [attributes for attributes in scripts if "src=" not in attributes]
        assert inline == [f' nonce="{nonce}"'], url
        assert 'src="/static/js/oneteam.js"' in page
        assert "style=" not in page, url


def test_the_script_that_starts_the_nhs_components_is_served(client: Client) -> None:
    response = client.get("/static/js/oneteam.js")
    assert response.status_code == 200
    script = response.getvalue().decode()
    assert "initAll()" in script
    assert client.get("/static/nhsuk/nhsuk-frontend.min.js").status_code == 200
