"""`manage.py generate_directory`: add the synthetic community directory to the synthetic city."""

from __future__ import annotations

import datetime
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oneteam.directory.synthetic import generate_directory


class Command(BaseCommand):
    help = (
        "Make sure the directory holds at least --services synthetic services across the city's neighbourhoods "
        "(deterministic for a seed; only missing services are added). Run generate_city first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--services", type=int, default=2000, help="how many services in all (default 2,000)")
        parser.add_argument("--seed", type=int, default=2026, help="the seed every random choice follows from")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="the day dates are relative to")

    def handle(self, *args: Any, services: int, seed: int, as_of: datetime.date | None, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = generate_directory(
                services=services, seed=seed, as_of=as_of or timezone.localdate(), progress=options["verbosity"] > 0
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        added = result.created["service"]
        self.stdout.write(
            f"Directory: {added:,} services added ({sum(result.created.values()):,} records) "
            f"in {time.perf_counter() - started:.1f} s; at least {services:,} synthetic services now."
        )
