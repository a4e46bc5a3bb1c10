"""Invariant 1: no page reaches personal data without asking the access policy.

These tests walk every URL pattern, so a view added later is checked without
anyone remembering to write a test for it.
"""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in, and why.
PUBLIC = {
    "access:sign_in": "the way in",
    "healthz": "load-balancer check; returns no data",
}


def concrete_path(prefix_and_pattern: str, person_id: int) -> str:
    """Turn `people/<int:person_id>/` into a real path."""
    return "/" + prefix_and_pattern.replace("<int:person_id>", str(person_id))


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


def test_every_page_about_a_person_asks_the_policy_and_refuses_outsiders(client: Client) -> None:
    person = make_person(make_neighbourhood())
    client.force_login(make_staff(make_neighbourhood()))
    person_pages = [
        (name, pattern, path) for name, pattern, path in every_path(person.pk) if "person_id" in str(pattern.pattern)
    ]
    assert person_pages, "expected at least the person summary"
    for name, pattern, path in person_pages:
        assert getattr(pattern.callback, "reads_personal_data", False), (
            f"{name} takes a person_id but is not marked @reads_personal_data"
        )
        response = client.get(path)
        assert response.status_code == 403, f"{name} showed a person outside the member of staff's neighbourhoods"


def test_public_list_names_real_pages() -> None:
    names = {name for name, _pattern, _path in every_path(1)}
    assert set(PUBLIC) <= names
