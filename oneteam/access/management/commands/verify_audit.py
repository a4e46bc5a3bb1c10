"""`manage.py verify_audit`: prove that no audit event has been changed or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from oneteam.access.audit import verify_chain
from oneteam.access.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and name the first event that breaks it. Exits 1 if any does."

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        # disable=None: a progress bar on a terminal, none in logs or cron mail.
        with tqdm(total=total, unit="event", unit_scale=True, desc="Checking", disable=None) as progress:
            result = verify_chain(on_progress=progress.update)
        if result.broken is not None:
            when = timezone.localtime(result.broken.occurred_at)
            raise CommandError(
                f"Audit chain broken at event {result.broken.event_id} ({when:%Y-%m-%d %H:%M}): "
                f"{result.broken.problem.value}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.events_checked:,} events"))
