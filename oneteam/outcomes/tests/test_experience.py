"""The experience questionnaire link: works once, expires, refuses tampering, keeps nothing identifying."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.outcomes import services
from oneteam.outcomes.models import ExperienceInvitation, ExperienceResponse, MeasureResult
from oneteam.outcomes.services import compute_measures
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode

pytestmark = pytest.mark.django_db

ALL_AGREE = {
    "with_staff": "no",
    "asked_what_matters": "100",
    "not_repeating_story": "75",  # agreeing they had to repeat their story: a score of 25 once turned round
    "know_who_to_contact": "75",
    "working_together": "50",
    "involved_in_decisions": "0",
}


@pytest.fixture
def key_worker(home: Neighbourhood) -> Staff:
    return make_staff(home)


@pytest.fixture
def episode(home: Neighbourhood, key_worker: Staff) -> Episode:
    return Episode.objects.create(
        person=make_person(home), neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker
    )


def link(token: str) -> str:
    return reverse("outcomes_public:questionnaire", args=[token])


def test_the_link_works_once_without_signing_in(episode: Episode, key_worker: Staff) -> None:
    token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
    person = Client()

    assert person.get(link(token)).status_code == 200
    assert person.post(link(token), ALL_AGREE).status_code == 302
    again = person.post(link(token), ALL_AGREE)

    assert again.status_code == 410
    assert "already been filled in" in again.content.decode()
    assert ExperienceResponse.objects.count() == 1


def test_the_answers_keep_only_the_episode_the_day_and_the_scores(episode: Episode, key_worker: Staff) -> None:
    token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
    Client().post(link(token), ALL_AGREE, REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Phone browser")

    response = ExperienceResponse.objects.get()
    stored = {field.attname for field in ExperienceResponse._meta.concrete_fields}
    assert stored == {
        "id", "episode_id", "answered_on", "with_staff", "asked_what_matters", "not_repeating_story",
        "know_who_to_contact", "working_together", "involved_in_decisions",
    }  # fmt: skip
    assert response.episode_id == episode.pk
    assert (response.asked_what_matters, response.not_repeating_story, response.involved_in_decisions) == (100, 25, 0)
    # The stored secret is a hash, not the secret in the link.
    secret = signing.loads(token, salt="oneteam.outcomes.experience")["secret"]
    assert not ExperienceInvitation.objects.filter(secret_hash=secret).exists()


def test_a_changed_link_is_refused_and_records_nothing(episode: Episode, key_worker: Staff) -> None:
    token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
    value = signing.loads(token, salt="oneteam.outcomes.experience")
    someone_elses = signing.dumps({**value, "invitation": value["invitation"] + 1}, salt="wrong salt")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in (tampered, someone_elses, "not-a-link"):
        response = Client().post(link(bad), ALL_AGREE)
        assert response.status_code == 410
        assert "This link is not right" in response.content.decode()
    assert not ExperienceResponse.objects.exists()


def test_the_link_expires(episode: Episode, key_worker: Staff) -> None:
    token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
    # As if the 28 days had passed.
    ExperienceInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = Client().post(link(token), ALL_AGREE)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not ExperienceResponse.objects.exists()


def test_every_statement_needs_an_answer_and_nothing_is_kept_until_then(episode: Episode, key_worker: Staff) -> None:
    token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
    partly = {key: value for key, value in ALL_AGREE.items() if key != "working_together"}

    response = Client().post(link(token), partly)

    assert response.status_code == 400
    assert "Select how much you agree" in response.content.decode()
    assert not ExperienceResponse.objects.exists()
    assert Client().post(link(token), ALL_AGREE).status_code == 302  # still usable


def test_only_the_key_worker_can_make_a_link(episode: Episode, home: Neighbourhood) -> None:
    other = Client()
    other.force_login(make_staff(home))

    assert other.post(reverse("outcomes:make_experience_link", args=[episode.pk])).status_code == 404
    assert not ExperienceInvitation.objects.exists()


def test_scores_become_measures_with_small_numbers_withheld(home: Neighbourhood, key_worker: Staff) -> None:
    for number in range(6):
        episode = Episode.objects.create(
            person=make_person(home), neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker
        )
        token = services.invite_to_questionnaire(staff=key_worker, episode=episode)
        Client().post(link(token), {**ALL_AGREE, "asked_what_matters": "100" if number < 3 else "50"})
    compute_measures(timezone.localdate())

    result = MeasureResult.objects.get(measure="experience_asked_what_matters", breakdown="all")
    # Three people answered 100 and three 50: 450 over 6 people, a score of 75.
    assert (result.numerator, result.denominator) == (450, 6)


def test_the_key_workers_list_and_each_link_go_through_the_policy_and_are_audited(
    episode: Episode, key_worker: Staff
) -> None:
    client = Client()
    client.force_login(key_worker)

    page = client.get(reverse("outcomes:experience_links")).content.decode()
    assert episode.person.family_name.upper() in page
    listed = AuditEvent.objects.filter(staff=key_worker, action=AuditAction.LIST, detail__experience_links=True)
    assert list(listed.values_list("person_id", flat=True)) == [episode.person_id]

    client.post(reverse("outcomes:make_experience_link", args=[episode.pk]))
    assert AuditEvent.objects.filter(staff=key_worker, action=AuditAction.VIEW, person_id=episode.person_id).exists()
