"""API clients act as service accounts: judged by the one access policy, but never staff anyone sees or signs in as."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership
from oneteam.mdt.queries import invitees
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Profession, ServiceAccount, Staff
from oneteam.organisations.tests.factories import TEST_PASSWORD, make_staff
from oneteam.outcomes.workload import team_loads
from oneteam.people.tests.factories import make_person
from oneteam.referrals.queries import care_staff
from oneteam.synthetic.city import clear_city

from . import checks
from .conftest import Api, Place

pytestmark = pytest.mark.django_db


def test_an_api_client_acts_as_a_service_account_that_no_staff_list_holds(place: Place, api: Api) -> None:
    account = api.client.staff
    assert isinstance(account, ServiceAccount) and account.is_service_account
    assert list(ServiceAccount.objects.all()) == [account]
    assert not Staff.objects.filter(pk=account.pk).exists()
    nurse = make_staff(place.neighbourhood)
    assert list(care_staff(place.neighbourhood)) == [nurse]
    assert account not in account.teams.get().members.all()


def test_an_api_client_is_never_an_mdt_invitee(place: Place, api_for: Callable[..., Api]) -> None:
    # A system judged as a district nurse in the neighbourhood's team, as a nurse invited to the item would be.
    account = api_for(place.neighbourhood, profession=Profession.DISTRICT_NURSE).client.staff
    chair = make_staff(place.neighbourhood, profession=Profession.CARE_COORDINATOR)
    nurse = make_staff(place.neighbourhood, profession=Profession.DISTRICT_NURSE)
    item = make_item(make_meeting(place.neighbourhood, chair), make_person(place.neighbourhood))

    assert set(invitees(item.meeting, item)) == {chair, nurse}
    assert account.teams.get().neighbourhood == place.neighbourhood  # it is in the team: only its kind leaves it out


def test_an_api_client_is_not_counted_in_workload(place: Place, api_for: Callable[..., Api]) -> None:
    api_for(place.neighbourhood, profession=Profession.DISTRICT_NURSE)
    nurse = make_staff(place.neighbourhood, profession=Profession.DISTRICT_NURSE)
    for _ in range(5):
        CareTeamMembership.objects.create(
            person=make_person(place.neighbourhood), staff=nurse, role=CareRole.KEY_WORKER, started_at=timezone.now()
        )

    load = next(load for load in team_loads() if load.neighbourhood == place.neighbourhood.name)
    assert (load.people, load.staff) == (5, 1)


def test_a_service_account_can_never_sign_in(api: Api) -> None:
    account = api.client.staff
    # Even with a password someone knows, the sign-in page does not find the account.
    account.set_password(TEST_PASSWORD)
    account.save()
    client = Client()
    response = client.post(reverse("access:sign_in"), {"username": account.username, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    # Nor does a session that somehow names it: the request is treated as signed out.
    client.force_login(account)
    assert client.get(reverse("people:search")).status_code == 302


def test_a_read_by_an_api_client_works_and_is_audited_under_its_account(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood)

    response = api.http.get(f"/fhir/Patient/{person.pk}")

    assert response.status_code == 200
    event = checks.last_event()
    assert (event.action, event.person_id, event.allowed) == (AuditAction.VIEW, person.pk, True)
    # The audit event still names the account (following the key finds service accounts too).
    refetched = AuditEvent.objects.get(pk=event.pk)
    assert refetched.staff == api.client.staff and refetched.staff is not None and refetched.staff.is_service_account


def test_clearing_the_demo_city_removes_service_accounts_too(api: Api) -> None:
    # They hold their organisation, which the clearing deletes: a service account left behind would block it.
    clear_city()

    assert not Staff.all_accounts.filter(is_superuser=False).exists()


def test_information_governance_finds_and_reads_what_a_system_did(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood)
    api.http.get(f"/fhir/Patient/{person.pk}")
    officer = Client()
    officer.force_login(make_staff(place.neighbourhood, profession=Profession.INFORMATION_GOVERNANCE_OFFICER))
    username = api.client.staff.username

    found = officer.get(reverse("access:audit"), {"q": username}).content.decode()
    log = officer.get(reverse("access:audit_staff", args=[username]))

    assert reverse("access:audit_staff", args=[username]) in found
    assert log.status_code == 200
