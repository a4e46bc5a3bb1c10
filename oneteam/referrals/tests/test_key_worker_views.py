"""Changing a person's key worker: who may, the handover note it needs, and what changes."""

import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditEvent, CareRole, CareTeamMembership
from oneteam.access.services.care_team import join_care_team
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person
from oneteam.referrals.models import Episode, KeyWorkerChange
from oneteam.submissions.tests.twice import send_twice

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]


@pytest.fixture
def key_worker(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.SOCIAL_WORKER)


@pytest.fixture
def episode(person: Person, home: Neighbourhood, key_worker: Staff) -> Episode:
    join_care_team(actor=None, person=person, staff=key_worker, role=CareRole.KEY_WORKER)
    return Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)


def url(person: Person) -> str:
    return reverse("referrals:change_key_worker", args=[person.pk])


def test_the_key_worker_hands_the_role_on_with_a_note(
    client_for: Sign_in, person: Person, episode: Episode, key_worker: Staff, home: Neighbourhood
) -> None:
    nurse = make_staff(home)
    client = client_for(key_worker)
    form = client.get(url(person)).content.decode()
    assert f'<option value="{nurse.pk}"' in form
    assert f'<option value="{key_worker.pk}"' not in form  # not a change

    response = client.post(url(person), {"to": nurse.pk, "handover_note": ""})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Write a handover note for the new key worker" in page[page.index('id="id_handover_note-error"') :]

    response = client.post(url(person), {"to": nurse.pk, "handover_note": "Daughter visits on Tuesdays"})
    assert response["Location"] == reverse("people:summary", args=[person.pk])
    episode.refresh_from_db()
    assert episode.key_worker == nurse
    assert CareTeamMembership.objects.get(person=person, role=CareRole.KEY_WORKER, ended_at__isnull=True).staff == nurse


def test_the_front_door_team_may_change_it_but_other_colleagues_may_not(
    client_for: Sign_in, person: Person, episode: Episode, triager: Staff, home: Neighbourhood
) -> None:
    assert client_for(triager).get(url(person)).status_code == 200
    colleague = make_staff(home)  # may see the care plan, but does not coordinate it
    assert client_for(colleague).get(url(person)).status_code == 403
    assert AuditEvent.objects.filter(staff=colleague, person_id=person.pk, category="care_plan").exists()


def test_someone_with_no_key_worker_has_nothing_to_change(
    client_for: Sign_in, person: Person, triager: Staff, front_door: Team
) -> None:
    assert client_for(triager).get(url(person)).status_code == 404


def test_a_key_worker_change_sent_twice_is_one_change_and_one_handover_note(
    client_for: Sign_in, person: Person, episode: Episode, key_worker: Staff, home: Neighbourhood
) -> None:
    nurse = make_staff(home)
    data = {"to": nurse.pk, "handover_note": "Daughter visits on Tuesdays"}
    send_twice(client_for(key_worker), reverse("referrals:change_key_worker", args=[person.pk]), data)
    assert KeyWorkerChange.objects.filter(episode=episode).count() == 1
