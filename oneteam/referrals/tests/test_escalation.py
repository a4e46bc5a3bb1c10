"""Breached referrals are brought to their team leads, once each, in a fixed number of queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneteam.access.models import AuditEvent
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_staff, make_team
from oneteam.referrals.models import Notice, NoticeKind, Referral, Urgency
from oneteam.referrals.services.escalation import escalate_breaches
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


# `home` and `front_door` come from this folder's conftest.py.


def lead_of(team: Team) -> Staff:
    lead = make_staff(profession=Profession.TEAM_LEAD)
    lead.teams.add(team)
    return lead


def breached_referral(home: Neighbourhood, hours_waiting: int = 3) -> Referral:
    """An urgent referral (2 hours to first contact) received `hours_waiting` ago."""
    referral = make_referral(home)
    received = timezone.now() - datetime.timedelta(hours=hours_waiting)
    Referral.objects.filter(pk=referral.pk).update(urgency=Urgency.URGENT, received_at=received)
    return referral


def breach_notices() -> list[tuple[int, int | None]]:
    return sorted(Notice.objects.filter(kind=NoticeKind.BREACH).values_list("recipient_id", "referral_id"))


def test_the_owning_teams_leads_are_told_once(home: Neighbourhood, front_door: Team) -> None:
    leads = [lead_of(front_door), lead_of(front_door)]
    lead_of(make_team(home))  # another team's lead is not told
    late = breached_referral(home)
    breached_referral(home, hours_waiting=1)  # still within its 2 hours

    result = escalate_breaches()
    assert (result.breaches, result.escalated, result.notices, result.without_team_lead) == (1, 1, 2, 0)
    assert breach_notices() == [(leads[0].pk, late.pk), (leads[1].pk, late.pk)]
    assert "Urgent referral" in Notice.objects.filter(kind=NoticeKind.BREACH).first().text  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(detail__referral=late.pk, detail__step="escalated").count() == 1

    assert escalate_breaches().escalated == 0
    assert len(breach_notices()) == 2


def test_a_referral_held_by_a_professional_goes_to_the_leads_of_their_teams(
    home: Neighbourhood, front_door: Team
) -> None:
    nurses_team = make_team(home)
    lead = lead_of(nurses_team)
    nurse = make_staff()
    nurse.teams.add(nurses_team)
    referral = breached_referral(home)
    Referral.objects.filter(pk=referral.pk).update(owner_team=None, owner_staff=nurse)

    escalate_breaches()
    assert breach_notices() == [(lead.pk, referral.pk)]


def test_a_breach_with_no_team_lead_to_tell_is_counted_and_tried_again(home: Neighbourhood, front_door: Team) -> None:
    referral = breached_referral(home)
    assert escalate_breaches().without_team_lead == 1
    assert breach_notices() == []

    lead = lead_of(front_door)
    assert escalate_breaches().escalated == 1
    assert breach_notices() == [(lead.pk, referral.pk)]


def test_queries_do_not_grow_with_the_number_of_breaches(home: Neighbourhood, front_door: Team) -> None:
    def queries_for(breaches: int) -> int:
        Notice.objects.all().delete()
        Referral.objects.all().delete()
        for _ in range(breaches):
            breached_referral(home)
        with CaptureQueriesContext(connection) as queries:
            escalate_breaches()
        return len(queries)

    lead_of(front_door)
    assert queries_for(2) == queries_for(12)


def test_the_command_prints_a_summary(home: Neighbourhood, front_door: Team) -> None:
    lead_of(front_door)
    breached_referral(home)
    out = io.StringIO()
    call_command("escalate_breaches", stdout=out)
    assert out.getvalue().splitlines() == [
        "Referrals newly past their response target: 1",
        "Escalated to their team leads: 1",
        "Breach notices sent: 1",
    ]
