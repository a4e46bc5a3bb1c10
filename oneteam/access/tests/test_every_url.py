"""Invariant 1: no page reaches personal data without asking the access policy.

These tests walk every URL pattern, so a view added later is checked without
anyone remembering to write a test for it.
"""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from oneteam.access.models import AuditEvent
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in, and why.
PUBLIC = {
    "access:sign_in": "the way in",
    # The second step of signing in: each sends anyone who has not just entered a password back to sign in.
    "access:sign_in_code": "second step of sign-in",
    "access:sign_in_recovery_code": "second step of sign-in",
    "access:sign_in_set_up": "second step of sign-in",
    "healthz": "load-balancer check; returns no data",
    # A person or their carer asks for help without an account; the form shows no one's data.
    "referrals_public:self_referral": "public self-referral form",
    "referrals_public:self_referral_sent": "confirmation of a self-referral; shows only the response time",
    # Hospital systems authenticate with their own API token instead (a bad one is refused with 401).
    "referrals_public:hospital_encounters": "hospital admission and discharge API, token-authenticated",
    # The community directory is public information about services, not personal data (Open Referral UK API).
    "directory:api_root": "public directory API: what it serves, no personal data",
    "directory:api_openapi": "public directory API: the Open Referral UK profile's openapi.json",
    "directory:api_services": "public directory API: services, no personal data",
    "directory:api_service": "public directory API: one service, no personal data",
    "directory:api_service_at_locations": "public directory API: services at places, no personal data",
    "directory:api_service_at_location": "public directory API: one service at a place, no personal data",
    "directory:api_organizations": "public directory API: organisations, no personal data",
    "directory:api_organization": "public directory API: one organisation, no personal data",
    "directory:api_taxonomies": "public directory API: taxonomies, no personal data",
    "directory:api_taxonomy": "public directory API: one taxonomy, no personal data",
    "directory:api_taxonomy_terms": "public directory API: taxonomy terms, no personal data",
    "directory:api_taxonomy_term": "public directory API: one taxonomy term, no personal data",
    "directory:api_not_found": "public directory API: a JSON 404 for any other path under it",
    # The experience questionnaire: a person answers through a single-use signed link, without an account.
    "outcomes_public:questionnaire": "experience questionnaire by single-use link; shows nothing about the person",
    "outcomes_public:thank_you": "questionnaire confirmation; shows nothing about the person",
    # The FHIR API: systems authenticate with their token (401 without one); the CapabilityStatement is public.
    "fhir:metadata": "FHIR CapabilityStatement; describes the server, holds no personal data",
    "fhir:base": "FHIR import API, token-authenticated",
    "fhir:everything": "FHIR Patient/$everything, token-authenticated and policy-checked",
    "fhir:resource_type": "FHIR search API, token-authenticated and policy-checked",
    "fhir:instance": "FHIR read API, token-authenticated and policy-checked",
}


def concrete_path(prefix_and_pattern: str, person_id: int) -> str:
    """Turn `people/<int:person_id>/` into a real path; other parameters get placeholder values."""
    path = prefix_and_pattern.replace("<int:person_id>", str(person_id))
    path = re.sub(r"<int:\w+>", "1", path)
    return "/" + re.sub(r"<(str:)?\w+>", "N1", path)


def every_path(person_id: int) -> Iterator[tuple[str, URLPattern, str]]:
    resolver = get_resolver()

    def walk(res: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, URLPattern, str]]:
        for entry in res.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                yield f"{namespace}{entry.name}", entry, concrete_path(prefix + str(entry.pattern), person_id)

    yield from walk(resolver, "", "")


def test_every_page_but_the_public_ones_needs_sign_in(client: Client) -> None:
    person = make_person(make_neighbourhood())
    checked = 0
    for name, _pattern, path in every_path(person.pk):
        if name in PUBLIC:
            continue
        response = client.get(path)
        assert response.status_code == 302, f"{name} ({path}) answered {response.status_code} without sign-in"
        assert response["Location"].startswith("/sign-in/"), name
        checked += 1
    assert checked >= 3


def test_every_page_about_a_person_asks_the_policy_and_shows_outsiders_nothing_private(client: Client) -> None:
    person = make_person(make_neighbourhood(), address_line_1="7 Secret Lane")
    client.force_login(make_staff(make_neighbourhood()))
    person_pages = [
        (name, pattern, path) for name, pattern, path in every_path(person.pk) if "person_id" in str(pattern.pattern)
    ]
    assert len(person_pages) >= 5, "expected the summary and the access pages"
    for name, pattern, path in person_pages:
        assert getattr(pattern.callback, "reads_personal_data", False), (
            f"{name} takes a person_id but is not marked @reads_personal_data"
        )
        before = AuditEvent.objects.filter(person_id=person.pk).count()
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        assert response.status_code in (200, 403), f"{name} answered {response.status_code}"
        assert AuditEvent.objects.filter(person_id=person.pk).count() > before, f"{name} did not consult the policy"
        assert "7 Secret Lane" not in response.content.decode(), f"{name} showed an outsider the address"


def test_public_list_names_real_pages() -> None:
    names = {name for name, _pattern, _path in every_path(1)}
    assert set(PUBLIC) <= names
