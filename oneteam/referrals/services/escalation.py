"""Escalating breaches: a referral past its first-contact target is brought to the team lead.

Each breached referral is escalated once: a breach notice goes to every team lead
of the team that owns it, or of the teams of the professional who owns it. A
referral whose teams have no team lead is left for the next run and counted in
the summary, so the gap is seen rather than silently skipped.

Set-based, so a run over a city's referrals costs a few queries: one finds the
breaches, two find the team leads, one inserts the notices and one the audit events.
Run it from one scheduler at a time (`manage.py escalate_breaches`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from oneteam.access import audit
from oneteam.access.models import AuditAction
from oneteam.access.services import new_event
from oneteam.jinja2 import nhs_datetime
from oneteam.organisations.models import Profession, Staff

from ..models import Notice, NoticeKind, Referral, Urgency
from ..targets import breached, target_minutes


class Breach(NamedTuple):
    """A breached referral, as much of it as escalating needs."""

    pk: int
    owner_team_id: int | None
    owner_staff_id: int | None
    person_id: int | None
    urgency: str
    contact_due_at: datetime.datetime

    def teams(self, teams_of_staff: Mapping[int, list[int]]) -> list[int]:
        """The team that owns the referral, or the teams of the professional who does (it has exactly one owner)."""
        if self.owner_team_id is not None:
            return [self.owner_team_id]
        assert self.owner_staff_id is not None
        return teams_of_staff.get(self.owner_staff_id, [])

    def notice_text(self) -> str:
        return (
            f"{Urgency(self.urgency).label} referral {self.pk} has passed its response target: "
            f"first contact was due by {nhs_datetime(self.contact_due_at)}."
        )


Progress = Callable[[list[Breach]], Iterable[Breach]]


@dataclass(frozen=True)
class Escalation:
    """What a run did."""

    breaches: int
    escalated: int
    notices: int
    without_team_lead: int


@transaction.atomic
def escalate_breaches(now: datetime.datetime | None = None, progress: Progress = iter) -> Escalation:
    """Send a breach notice about each newly breached referral to its team leads; `progress` wraps the loop."""
    now = now or timezone.now()
    not_escalated = ~Exists(Notice.objects.filter(referral=OuterRef("pk"), kind=NoticeKind.BREACH))
    rows = breached(Referral.objects.filter(not_escalated), target_minutes(), now).order_by("contact_due_at")
    breaches = [Breach(*row) for row in rows.values_list(*Breach._fields)]
    teams_of_owner = _grouped(
        Staff.teams.through.objects.filter(
            staff_id__in={b.owner_staff_id for b in breaches if b.owner_staff_id is not None}
        ).values_list("staff_id", "team_id")
    )
    owning_teams = {b.owner_team_id for b in breaches if b.owner_team_id is not None}
    leads = _grouped(
        Staff.teams.through.objects.filter(
            team_id__in=owning_teams.union(*teams_of_owner.values()),
            staff__profession=Profession.TEAM_LEAD,
            staff__is_active=True,
        ).values_list("team_id", "staff_id")
    )
    notices: list[Notice] = []
    events = []
    for breach in progress(breaches):
        recipients = sorted({lead for team in breach.teams(teams_of_owner) for lead in leads.get(team, [])})
        if not recipients:
            continue
        notices += [
            Notice(
                recipient_id=lead,
                kind=NoticeKind.BREACH,
                person_id=breach.person_id,
                referral_id=breach.pk,
                text=breach.notice_text(),
                created_at=now,
            )
            for lead in recipients
        ]
        events.append(
            new_event(
                staff=None,
                action=AuditAction.UPDATE,
                person_id=breach.person_id,
                detail={"referral": breach.pk, "step": "escalated", "team_leads": recipients},
            )
        )
    Notice.objects.bulk_create(notices, batch_size=1000)
    audit.append(events)
    return Escalation(
        breaches=len(breaches),
        escalated=len(events),
        notices=len(notices),
        without_team_lead=len(breaches) - len(events),
    )


def _grouped(pairs: Iterable[tuple[int, int]]) -> defaultdict[int, list[int]]:
    """{first: [second, ...]} from (first, second) pairs."""
    grouped: defaultdict[int, list[int]] = defaultdict(list)
    for first, second in pairs:
        grouped[first].append(second)
    return grouped
