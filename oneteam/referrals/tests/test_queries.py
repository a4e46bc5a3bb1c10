"""Reads that carry a rule: who is suggested as trusted assessor, and how waits are put in words."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person
from oneteam.referrals import queries, services
from oneteam.referrals.models import Need, Notice, NoticeKind, Referral
from oneteam.referrals.queries import SUITED_PROFESSIONS, suggest_assessors, waited_in_words
from oneteam.referrals.targets import target_minutes
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def test_every_need_has_suited_professions() -> None:
    assert set(SUITED_PROFESSIONS) == set(Need)


def test_suggestions_rank_who_knows_the_person_then_suited_professions_by_caseload(
    home: Neighbourhood, front_door: Team, person: Person
) -> None:
    busy_physio = make_staff(home, profession=Profession.PHYSIOTHERAPIST)
    free_therapist = make_staff(home, profession=Profession.OCCUPATIONAL_THERAPIST)
    known_nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    make_staff(home, profession=Profession.SOCIAL_WORKER)  # not suited to falls, and does not know the person
    make_staff(home, profession=Profession.ANALYST)
    join_care_team(actor=None, person=person, staff=known_nurse, role=CareRole.ALLOCATED_PROFESSIONAL)
    for _ in range(2):
        Referral.objects.filter(pk=make_referral(home).pk).update(owner_team=None, owner_staff=busy_physio)
    referral = make_referral(home, person=person, need=Need.FALLS)

    suggestions = suggest_assessors(referral)

    assert [s.staff for s in suggestions] == [known_nurse, free_therapist, busy_physio]
    assert suggestions[0].reasons == [
        "Already on this person's care team (allocated professional)",
        "Holds 0 open referrals",
    ]
    assert suggestions[1].reasons == ["Occupational therapists are suited to assess falls", "Holds 0 open referrals"]
    assert suggestions[2].reasons[-1] == "Holds 2 open referrals"


def test_suggestions_cost_one_query(home: Neighbourhood, front_door: Team, person: Person) -> None:
    for _ in range(3):
        make_staff(home, profession=Profession.PHYSIOTHERAPIST)
    referral = Referral.objects.select_related("neighbourhood", "person").get(pk=make_referral(home, person=person).pk)
    with CaptureQueriesContext(connection) as queries_run:
        suggest_assessors(referral)
    assert len(queries_run) == 1


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (59, "59 minutes"),
        (61, "1 hour 1 minute"),
        (24 * 60, "1 day 0 hours"),
        (3 * 24 * 60 + 5 * 60 + 7, "3 days 5 hours"),
    ],
)
def test_waits_in_words(minutes: int, words: str) -> None:
    assert waited_in_words(datetime.timedelta(minutes=minutes, seconds=30)) == words


def test_the_inbox_count_query_is_built_once_but_counts_afresh_each_time(home: Neighbourhood, triager: Staff) -> None:
    nurse = make_staff(home)
    assert queries.inbox_count(nurse) == 0
    services.notify(nurse, NoticeKind.ALLOCATED, "One")
    late = make_referral(home)
    received = timezone.now() - datetime.timedelta(days=30)
    Referral.objects.filter(pk=late.pk).update(owner_team=None, owner_staff=nurse, received_at=received)
    assert queries.inbox_count(nurse) == 2
    # The same referral received just now is not overdue...
    Referral.objects.filter(pk=late.pk).update(received_at=timezone.now())
    assert queries.inbox_count(nurse) == 1
    # ...until its target passes after the count's query was built: "now" is the clock's, not the build's.
    target = datetime.timedelta(minutes=target_minutes()[late.urgency])
    due = timezone.now() + datetime.timedelta(milliseconds=50)
    Referral.objects.filter(pk=late.pk).update(received_at=due - target)
    time.sleep(0.2)
    assert queries.inbox_count(nurse) == 2


def test_the_inbox_count_adds_offers_unread_notices_and_overdue_referrals_in_two_queries(
    home: Neighbourhood, front_door: Team, triager: Staff
) -> None:
    nurse = make_staff(home)
    services.offer_handover(actor=triager, referral=make_referral(home), to_staff=nurse, note="x")
    services.offer_handover(actor=triager, referral=make_referral(home), to_team=nurse.teams.get(), note="x")
    services.notify(nurse, NoticeKind.ALLOCATED, "One")
    Notice.objects.filter(pk=services.notify(nurse, NoticeKind.ALLOCATED, "Read").pk).update(read_at=timezone.now())
    long_ago = timezone.now() - datetime.timedelta(days=30)
    late, on_time = make_referral(home), make_referral(home)
    Referral.objects.filter(pk=late.pk).update(owner_team=None, owner_staff=nurse, received_at=long_ago)
    Referral.objects.filter(pk=on_time.pk).update(owner_team=None, owner_staff=nurse)
    with CaptureQueriesContext(connection) as queries_run:
        count = queries.inbox_count(nurse)
    assert count == 2 + 1 + 1
    assert len(queries_run) == 2
