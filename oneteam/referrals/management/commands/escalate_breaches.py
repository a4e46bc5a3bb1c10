"""`manage.py escalate_breaches`: tell team leads about referrals past their first-contact target."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import BaseCommand

from oneteam.operations.progress import progress
from oneteam.referrals.services.escalation import escalate_breaches


class Command(BaseCommand):
    help = "Send a breach notice to the team leads of each referral that has newly passed its response target."

    def handle(self, *args: Any, **options: Any) -> None:
        # A bar on a terminal; whole progress lines in logs and cron mail.
        result = escalate_breaches(progress=partial(progress, unit="referral", desc="Escalating"))
        self.stdout.write(f"Referrals newly past their response target: {result.breaches:,}")
        self.stdout.write(f"Escalated to their team leads: {result.escalated:,}")
        self.stdout.write(f"Breach notices sent: {result.notices:,}")
        if result.without_team_lead:
            self.stdout.write(
                self.style.WARNING(
                    f"Not escalated because their team has no team lead: {result.without_team_lead:,}. "
                    "They will be tried again on the next run."
                )
            )
