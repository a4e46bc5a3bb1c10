"""`manage.py verify_audit`: prove that no audit event has been changed or removed."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oneteam.access.audit import verify_chain
from oneteam.access.checkpoint import CheckpointForged, latest_checkpoint, missing_since
from oneteam.access.models import AuditEvent
from oneteam.operations.progress import progress


class Command(BaseCommand):
    help = (
        "Recompute the audit log's keyed hash chain, name the first event that breaks it, and check that the log "
        "still holds everything the latest checkpoint recorded. Exits 1 if not. Safe to rerun at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=datetime.datetime.fromisoformat,
            help="check against the last checkpoint taken at or before this time (ISO 8601), "
            "for a database restored to that moment",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"]
        if as_of is not None and timezone.is_naive(as_of):
            as_of = timezone.make_aware(as_of)
        try:
            checkpoint = latest_checkpoint(as_of=as_of)
        except CheckpointForged as forged:
            raise CommandError(f"Audit checkpoints cannot be trusted: {forged}") from forged
        with progress(total=AuditEvent.objects.count(), unit="event", unit_scale=True, desc="Checking") as bar:
            result = verify_chain(on_progress=bar.update)
        if result.broken is not None:
            when = timezone.localtime(result.broken.occurred_at)
            raise CommandError(
                f"Audit chain broken at event {result.broken.event_id} ({when:%Y-%m-%d %H:%M}): "
                f"{result.broken.problem.value}"
            )
        if checkpoint is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.events_checked:,} events"))
            self.stderr.write(
                "No checkpoint to compare with, so events removed from the end of the log would not show: "
                "set AUDIT_CHECKPOINT_FILE and run `manage.py audit_checkpoint` from cron."
            )
            return
        if missing := missing_since(checkpoint):
            raise CommandError(f"Audit log shortened: {missing}")
        taken = timezone.localtime(checkpoint.taken)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.events_checked:,} events, "
                f"including all {checkpoint.events:,} of the checkpoint of {taken:%Y-%m-%d %H:%M}"
            )
        )
