"""`prefetch` loads what the policy needs about many people in one query and decides exactly as one at a time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oneteam.access.models import CareRole, ConsentStatus, DataCategory, Purpose
from oneteam.access.policy import decide, prefetch, staff_teams
from oneteam.access.services import care_team, consent
from oneteam.access.tests.factories import key_worker_for
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_prefetched_decisions_match_one_at_a_time_decisions_and_cost_one_query() -> None:
    home, elsewhere = make_neighbourhood(), make_neighbourhood()
    nurse = make_staff(home)
    cared_for = make_person(home, family_name="Cared")
    care_team.join_care_team(actor=None, person=cared_for, staff=nurse, role=CareRole.KEY_WORKER)
    withdrawn = make_person(home, family_name="Withdrawn")
    consent.record_consent(
        actor=key_worker_for(withdrawn), person=withdrawn, status=ConsentStatus.WITHDRAWN, categories=[], note=""
    )
    objected = make_person(home, family_name="Objected")
    consent.record_objection(
        actor=key_worker_for(objected), person=objected, category=DataCategory.NOTES, sector="", note=""
    )
    attendee = make_person(elsewhere, family_name="Attendee")
    care_team.join_care_team(actor=None, person=attendee, staff=nurse, role=CareRole.MDT_ATTENDEE)
    people = [cared_for, withdrawn, objected, attendee, make_person(home), make_person(elsewhere, home)]
    questions = [
        (category, purpose)
        for category in (DataCategory.PHYSICAL_HEALTH, DataCategory.MENTAL_HEALTH, DataCategory.NOTES)
        for purpose in (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION)
    ]

    one_at_a_time = Staff.objects.get(pk=nurse.pk)
    expected = [decide(one_at_a_time, p, c, q) for p in people for c, q in questions]

    batched = Staff.objects.get(pk=nurse.pk)
    staff_teams(batched)
    with CaptureQueriesContext(connection) as captured:
        prefetch(batched, people)
        decisions = [decide(batched, p, c, q) for p in people for c, q in questions]
    assert len(captured) == 1
    assert decisions == expected
    assert {d.allowed for d in decisions} == {True, False}  # the table covers both answers
