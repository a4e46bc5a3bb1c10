"""The referral rules: one owner always, warm handovers, one queue entry per person, one key worker."""

import pytest
from django.db import IntegrityError, transaction

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership
from oneteam.organisations.models import Neighbourhood, Profession, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals import services
from oneteam.referrals.models import Episode, EventKind, Outcome, Referral, State
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


# `home` and `front_door` come from this folder's conftest.py.


def test_a_referral_cannot_be_saved_without_an_owner_in_the_database(home: Neighbourhood, front_door: Team) -> None:
    referral = make_referral(home)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(owner_team=None, owner_staff=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(owner_staff=make_staff(home))  # two owners
    referral.refresh_from_db()
    assert referral.owner_team == front_door


def test_new_referrals_wait_in_the_front_door_queue_and_are_audited(home: Neighbourhood, front_door: Team) -> None:
    gp = make_staff(home, profession=Profession.GP)
    referral = make_referral(home, referred_by=gp)
    assert (referral.owner_team, referral.state) == (front_door, State.RECEIVED)
    assert referral.events.get().kind == EventKind.RECEIVED
    assert AuditEvent.objects.filter(staff=gp, action=AuditAction.CREATE, detail__referral=referral.pk).exists()


def test_a_second_referral_for_the_same_person_joins_the_first(home: Neighbourhood, front_door: Team) -> None:
    person = make_person(home)
    first = make_referral(home, person=person)
    second = make_referral(home, person=person, need="loneliness")
    assert second.linked_to == first
    assert (second.state, second.outcome) == (State.CLOSED, Outcome.LINKED)
    assert Referral.objects.filter(owner_team=front_door).exclude(state=State.CLOSED).count() == 1
    assert "came in" in first.events.filter(kind=EventKind.LINKED).get().note


def test_full_journey_with_a_declined_then_accepted_handover(home: Neighbourhood, front_door: Team) -> None:
    person = make_person(home)
    triager = make_staff(home, profession=Profession.CARE_COORDINATOR)
    triager.teams.add(front_door)
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    first_nurse, second_nurse = make_staff(home), make_staff(home)

    referral = make_referral(home, person=person)
    services.triage(actor=triager, referral=referral, person=person)
    services.allocate(actor=triager, referral=referral, to=social_worker, note="Trusted assessor for personal care")
    episode = Episode.objects.get(person=person, closed_at__isnull=True)
    assert episode.key_worker == social_worker

    offer = services.offer_handover(actor=social_worker, referral=referral, to_staff=first_nurse, note="Leg ulcer")
    with pytest.raises(services.ReferralRefused):
        services.decline_handover(actor=first_nurse, offer=offer, reason="  ")
    services.decline_handover(actor=first_nurse, offer=offer, reason="Caseload full this week")
    referral.refresh_from_db()
    assert referral.owner_staff == social_worker  # back with the sender, never nowhere
    assert social_worker.notices.get(kind="offer_declined").text.endswith("Caseload full this week")

    offer = services.offer_handover(actor=social_worker, referral=referral, to_staff=second_nurse, note="Leg ulcer")
    with pytest.raises(services.ReferralRefused, match="made to someone else"):
        services.accept_handover(actor=first_nurse, offer=offer)
    services.accept_handover(actor=second_nurse, offer=offer)
    referral.refresh_from_db()
    assert referral.owner_staff == second_nurse
    assert CareTeamMembership.objects.filter(person=person, staff=second_nurse, role=CareRole.REFERRAL_OWNER).exists()

    services.record_first_contact(actor=second_nurse, referral=referral)
    services.close_referral(actor=second_nurse, referral=referral, outcome=Outcome.SUPPORTED, note="Healed")
    kinds = list(referral.events.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "triaged",
        "allocated",
        "offered",
        "declined",
        "offered",
        "accepted",
        "started",
        "closed",
    ]
    declined = referral.events.get(kind=EventKind.DECLINED)
    assert declined.note == "Caseload full this week"
    assert social_worker.get_full_name() in declined.owner


def test_an_answered_offer_cannot_be_answered_again(home: Neighbourhood, front_door: Team) -> None:
    owner, nurse = make_staff(home), make_staff(home)
    referral = make_referral(home)
    referral.owner_team, referral.owner_staff = None, owner
    referral.save()
    offer = services.offer_handover(actor=owner, referral=referral, to_staff=nurse, note="x")
    services.accept_handover(actor=nurse, offer=offer)
    with pytest.raises(services.ReferralRefused, match="already been accepted by"):
        services.accept_handover(actor=nurse, offer=offer)


def test_only_one_offer_waits_at_a_time(home: Neighbourhood, front_door: Team) -> None:
    owner = make_staff(home)
    owner.teams.add(front_door)
    referral = make_referral(home)
    services.offer_handover(actor=owner, referral=referral, to_staff=make_staff(home), note="x")
    with pytest.raises(services.ReferralRefused, match="already has a handover offer"):
        services.offer_handover(actor=owner, referral=referral, to_staff=make_staff(home), note="y")


def test_only_the_owner_can_act(home: Neighbourhood, front_door: Team) -> None:
    referral = make_referral(home)
    with pytest.raises(services.ReferralRefused, match=r"Only .* can do this"):
        services.close_referral(actor=make_staff(home), referral=referral, outcome=Outcome.NO_FURTHER_ACTION)


def test_changing_key_worker_needs_a_note_and_moves_the_relationship(home: Neighbourhood, front_door: Team) -> None:
    person = make_person(home)
    first, second = make_staff(home), make_staff(home)
    episode = Episode.objects.create(person=person, neighbourhood=home, opened_at="2026-11-01T10:00Z", key_worker=first)
    CareTeamMembership.objects.create(
        person=person, staff=first, role=CareRole.KEY_WORKER, started_at="2026-11-01T10:00Z"
    )
    with pytest.raises(services.ReferralRefused):
        services.change_key_worker(actor=first, episode=episode, to=second, handover_note="")
    services.change_key_worker(actor=first, episode=episode, to=second, handover_note="Daughter visits Tuesdays")
    episode.refresh_from_db()
    assert episode.key_worker == second
    assert not CareTeamMembership.objects.filter(staff=first, role=CareRole.KEY_WORKER, ended_at__isnull=True).exists()
    assert episode.key_worker_changes.get().handover_note == "Daughter visits Tuesdays"


def test_a_referral_for_someone_already_in_care_goes_to_their_key_worker(home: Neighbourhood, front_door: Team) -> None:
    person = make_person(home)
    key_worker = make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at="2026-11-01T10:00Z", key_worker=key_worker)
    referral = make_referral(home, person=person)
    assert (referral.owner_staff, referral.state) == (key_worker, State.ALLOCATED)


def test_one_open_episode_per_person_in_the_database(home: Neighbourhood) -> None:
    person, nurse = make_person(home), make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at="2026-11-01T10:00Z", key_worker=nurse)
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(person=person, neighbourhood=home, opened_at="2026-11-02T10:00Z", key_worker=nurse)
