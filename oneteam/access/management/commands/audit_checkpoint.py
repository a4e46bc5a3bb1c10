"""`manage.py audit_checkpoint`: record the audit log's length and last hash where the database cannot change it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.access.checkpoint import NothingToAdopt, adopt_unkeyed, take_checkpoint


class Command(BaseCommand):
    help = (
        "Take a signed checkpoint of the audit log (event count and last hash) and write it to the log stream and "
        "AUDIT_CHECKPOINT_FILE, after sealing any audit events left unsealed. Run it every few minutes from cron; a "
        "missed run is harmless, the next one catches up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--adopt-unkeyed",
            action="store_true",
            help="once, on upgrading a log written before the audit key existed: check its first events with the "
            "old unkeyed hash and, if the whole log is intact, record that in a checkpoint signed with the key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["adopt_unkeyed"]:
            try:
                adopted = adopt_unkeyed()
            except NothingToAdopt as nothing:
                raise CommandError(f"Nothing adopted: {nothing}.") from nothing
            self.stdout.write(
                f"Unkeyed audit events adopted: events up to {adopted.last_id} ({adopted.events:,}) verified with "
                "the hash of before the audit key, recorded in a signed checkpoint"
            )
            return
        checkpoint = take_checkpoint()
        self.stdout.write(f"Audit checkpoint taken: {checkpoint.events:,} events, last event {checkpoint.last_id}")
