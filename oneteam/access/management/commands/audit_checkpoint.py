"""`manage.py audit_checkpoint`: record the audit log's length and last hash where the database cannot change it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneteam.access.checkpoint import take_checkpoint


class Command(BaseCommand):
    help = (
        "Take a signed checkpoint of the audit log (event count and last hash) and write it to the log stream and "
        "AUDIT_CHECKPOINT_FILE. Run it every few minutes from cron; a missed run is harmless, the next one catches up."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = take_checkpoint()
        self.stdout.write(f"Audit checkpoint taken: {checkpoint.events:,} events, last event {checkpoint.last_id}")
