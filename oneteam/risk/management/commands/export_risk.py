"""`manage.py export_risk --format csv --staff USERNAME`: the risk list of one member of staff's own INT."""

from __future__ import annotations

import csv
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from oneteam.organisations.models import Staff
from oneteam.risk import queries, services

HEADER = ("nhs_number", "score", "category", "deficits", "priority", "factors")


class Command(BaseCommand):
    help = (
        "Write the risk list of the neighbourhoods the member of staff may list (see oneteam/risk/queries.py), "
        "highest priority first, and audit the export."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=["csv"], required=True, help="the file format (only csv for now)")
        parser.add_argument("--staff", required=True, help="username of the member of staff exporting")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        staff = Staff.objects.filter(username=options["staff"], is_active=True).first()
        if staff is None:
            raise CommandError(f"No active member of staff has the username {options['staff']!r}.")
        if not queries.listable_neighbourhoods(staff):
            raise CommandError(
                "This member of staff may not list named people: their teams' information sharing agreements do "
                "not let their profession see physical health for everyone the neighbourhood team serves."
            )
        output: Path | None = options["output"]
        destination = str(output) if output else "standard output"
        with transaction.atomic():
            if output is None:
                rows = self._write(staff, sys.stdout, progress=False)
            else:
                with output.open("w", newline="", encoding="utf-8") as handle:
                    rows = self._write(staff, handle, progress=options["verbosity"] > 0)
            services.record_export(actor=staff, rows=rows, destination=destination)
        # The summary goes to standard error so it never mixes with the CSV on standard output.
        self.stderr.write(f"Exported {rows:,} people for {staff.username} to {destination}; the export is audited.")

    def _write(self, staff: Staff, handle: TextIO, *, progress: bool) -> int:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        rows = 0
        for line in tqdm(queries.export_lines(staff=staff), unit=" people", disable=not progress):
            writer.writerow((line.nhs_number, line.score, line.category, line.deficits, line.priority, line.factors))
            rows += 1
        return rows
