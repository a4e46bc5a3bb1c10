"""`manage.py verify_audit`: prove that no audit event has been changed or removed."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oneteam.access.audit import ChainBreak, verify_chain
from oneteam.access.checkpoint import UNKEYED, CheckpointForged, latest_checkpoint, missing_since
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
            unkeyed = latest_checkpoint(as_of=as_of, kind=UNKEYED)
        except CheckpointForged as forged:
            raise CommandError(f"Audit checkpoints cannot be trusted: {forged}") from forged
        unkeyed_through = (unkeyed.last_id or 0) if unkeyed else 0
        with progress(total=AuditEvent.objects.count(), unit="event", unit_scale=True, desc="Checking") as bar:
            result = verify_chain(on_progress=bar.update, unkeyed_through=unkeyed_through)
        if result.broken is not None:
            raise CommandError(f"Audit chain broken at {_where(result.broken)}: {result.broken.problem.value}")
        if unkeyed is not None and (missing := missing_since(unkeyed)):
            raise CommandError(f"Audit log's unkeyed events changed: {missing}")
        limit = datetime.timedelta(minutes=settings.AUDIT_UNSEALED_LIMIT_MINUTES)
        if result.oldest_unsealed is not None and result.oldest_unsealed < (as_of or timezone.now()) - limit:
            raise CommandError(
                f"{result.unsealed:,} audit events are not sealed into the chain, the oldest from "
                f"{timezone.localtime(result.oldest_unsealed):%Y-%m-%d %H:%M}: events should be sealed when they are "
                "committed, or by `manage.py audit_checkpoint` at the latest. Run it, and find out why they were not."
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


def _where(broken: ChainBreak) -> str:
    """The event at a break, and when it happened if it is still there."""
    if broken.occurred_at is None:
        return f"event {broken.event_id}"
    return f"event {broken.event_id} ({timezone.localtime(broken.occurred_at):%Y-%m-%d %H:%M})"
