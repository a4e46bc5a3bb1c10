"""`manage.py generate_care`: add plausible assessments, care plans and visits to the synthetic city."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oneteam.care.synthetic import generate_care


class Command(BaseCommand):
    help = "Add synthetic care (assessments, plans, capacity, visits) for people on caseloads who have none yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, required=True, help="the seed every random choice follows from")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="the day all dates are relative to (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic care is for demo and benchmark databases, not production.")
        as_of: datetime.date = options["as_of"] or timezone.localdate()
        started = time.perf_counter()
        people, rows = generate_care(seed=options["seed"], as_of=as_of, progress=options["verbosity"] > 0)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Added care for {people:,} people on caseloads: {rows:,} rows in {seconds:.1f} seconds.")
