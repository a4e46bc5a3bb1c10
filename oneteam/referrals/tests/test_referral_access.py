"""Referral pages are addressed by referral, not person, so the URL test cannot check them: this does.

A member of staff with no part in a referral, and no right to see the person's
care plan, is refused every referral page, and the refusal is audited.
"""

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Neighbourhood, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def referral_url_names() -> Iterator[str]:
    """Every URL in the referrals namespace that takes a referral id."""
    _prefix, resolver = get_resolver().namespace_dict["referrals"]
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        if "<int:referral_id>" in str(pattern.pattern):
            yield str(pattern.name)


def test_every_step_is_covered() -> None:
    names = set(referral_url_names())
    assert {"referral", "sent", "triage", "allocate", "offer", "accept", "decline", "first_contact", "close"} <= names


@pytest.mark.parametrize("name", sorted(referral_url_names()))
def test_staff_with_no_part_in_a_referral_are_refused(
    name: str, client_for: Callable[[Staff], Client], home: Neighbourhood, front_door: Team, person: Person
) -> None:
    referral = make_referral(home, person=person)
    outsider = make_staff(make_neighbourhood())
    client = client_for(outsider)
    url = reverse(f"referrals:{name}", kwargs={"referral_id": referral.pk})
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    assert response.status_code == 403, f"{name} answered {response.status_code}"
    assert person.family_name.upper() not in response.content.decode()
    refusal = AuditEvent.objects.get(staff=outsider, detail__referral=referral.pk)
    assert (refusal.action, refusal.allowed) == (AuditAction.DENIED, False)
