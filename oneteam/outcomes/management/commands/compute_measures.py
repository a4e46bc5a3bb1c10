"""`manage.py compute_measures`: work out every outcome measure and store the results for the dashboard."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand

from oneteam.operations.progress import progress
from oneteam.outcomes.services import compute_measures


class Command(BaseCommand):
    help = "Work out every outcome measure over the last year, by every breakdown and month, and store them."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        # A bar on a terminal; whole progress lines in logs and cron mail.
        stored = compute_measures(progress=partial(progress, unit="measure", desc="Measuring"))
        self.stdout.write(f"Stored {stored:,} results in {time.perf_counter() - started:.1f} seconds.")
