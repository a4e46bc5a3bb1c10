"""The synthetic referral history: the numbers asked for, every database rule kept, and pages that stay cheap."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db.models import Count, F, Q
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.access.services import decide_referral
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Profession, Staff, Team
from oneteam.referrals.models import Episode, EventKind, HandoverOffer, OfferStatus, Referral, ReferralEvent, State
from oneteam.referrals.synthetic import HistoryExistsError, generate_referral_history
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES
from oneteam.synthetic.city import clear_city, generate_city

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
# Enough open referrals that each front door's queue runs to more than one page.
OPEN, CLOSED = 1800, 400

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def history(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """One small city with a referral history, shared by these read-only tests."""
    with django_db_blocker.unblock():
        generate_city(residents=3000, seed=5, as_of=NOW.date())
        generate_referral_history(open_referrals=OPEN, closed_referrals=CLOSED, seed=5, now=NOW)
        yield
        clear_city()


def test_it_writes_the_numbers_asked_for_in_every_open_state() -> None:
    assert Referral.objects.exclude(state=State.CLOSED).count() == OPEN
    assert Referral.objects.filter(state=State.CLOSED).exclude(outcome="").count() == CLOSED
    states = set(Referral.objects.exclude(state=State.CLOSED).values_list("state", flat=True))
    assert states == {State.RECEIVED, State.TRIAGED, State.ALLOCATED, State.IN_PROGRESS}


def test_open_referrals_are_for_different_people_and_waiting_ones_sit_in_the_team_queue() -> None:
    open_referrals = Referral.objects.exclude(state=State.CLOSED).exclude(person=None)
    assert open_referrals.values("person").distinct().count() == open_referrals.count()
    waiting = Referral.objects.filter(state__in=[State.RECEIVED, State.TRIAGED])
    assert not waiting.filter(owner_team=None).exists()
    assert not waiting.filter(owner_team__takes_referrals=False).exists()
    assert not Referral.objects.filter(state__in=[State.ALLOCATED, State.IN_PROGRESS], owner_staff=None).exists()


def test_every_referral_being_worked_on_has_an_open_episode_whose_key_worker_is_on_the_care_team() -> None:
    worked_on = Referral.objects.filter(state__in=[State.ALLOCATED, State.IN_PROGRESS])
    for referral in worked_on:
        episode = Episode.objects.get(person=referral.person, closed_at=None)
        assert episode.key_worker_id == referral.owner_staff_id
        assert CareTeamMembership.objects.filter(
            person=referral.person, staff=episode.key_worker, role=CareRole.KEY_WORKER, ended_at=None
        ).exists()


def test_each_history_starts_with_arrival_and_ends_where_the_referral_is() -> None:
    last_step = {
        State.RECEIVED: EventKind.RECEIVED,
        State.TRIAGED: EventKind.TRIAGED,
        State.ALLOCATED: EventKind.ALLOCATED,
        State.IN_PROGRESS: EventKind.STARTED,
        State.CLOSED: EventKind.CLOSED,
    }
    for referral in Referral.objects.prefetch_related("events"):
        kinds = [event.kind for event in referral.events.all() if event.kind != EventKind.OFFERED]
        assert kinds[0] == EventKind.RECEIVED
        assert kinds[-1] == last_step[State(referral.state)]
        times = [event.at for event in referral.events.all()]
        assert times == sorted(times) and times[0] == referral.received_at and times[-1] <= NOW
    assert ReferralEvent.objects.filter(kind=EventKind.OFFERED).count() == HandoverOffer.objects.count()


def test_offers_wait_only_on_referrals_being_worked_on() -> None:
    pending = HandoverOffer.objects.filter(status=OfferStatus.PENDING)
    assert pending.exists()
    assert not pending.exclude(referral__state__in=[State.ALLOCATED, State.IN_PROGRESS]).exists()
    # Nobody is offered their own referral.
    assert not pending.filter(to_staff_id=F("referral__owner_staff_id")).exists()


def test_it_only_writes_into_an_empty_history() -> None:
    with pytest.raises(HistoryExistsError):
        generate_referral_history(open_referrals=1, closed_referrals=0, seed=5, now=NOW)
    assert Referral.objects.count() == OPEN + CLOSED


def test_the_busiest_queue_costs_the_pinned_number_of_queries(django_assert_num_queries: object) -> None:
    waiting = Count("referrals", filter=~Q(referrals__state=State.CLOSED))
    team = Team.objects.filter(takes_referrals=True).annotate(waiting=waiting).order_by("-waiting").first()
    assert team is not None and team.waiting > 50  # more than one page
    coordinator = Staff.objects.filter(teams=team, profession=Profession.CARE_COORDINATOR).first()
    assert coordinator is not None
    client = Client()
    client.force_login(coordinator)
    client.get(reverse("workspace:inbox"))  # the first request of a session records its activity time
    # The same count as with a handful of referrals (test_list_views.py), so it does not grow with the data.
    # The policy's one query is made when the page has people matched to a record, and the audit append when
    # it shows any of them (this city has no sharing agreements, so the policy may hide them all).
    first_page = team.referrals.exclude(state=State.CLOSED).order_by("received_at", "pk")[:50]
    matched = [referral.person for referral in first_page if referral.person is not None]
    shown = [person for person in matched if decide_referral(coordinator, person, holds=True, offered=False).allowed]
    expected = 6 + INBOX_COUNT_QUERIES + (1 if matched else 0) + (audit_append_queries() if shown else 0)
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get(reverse("referrals:queue", args=[team.pk]))
    assert response.status_code == 200
    assert f"{team.waiting} open referrals, oldest first. Showing 1 to 50." in response.content.decode()
