"""`manage.py generate_city`: fill the database with the deterministic synthetic city."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oneteam.synthetic.city import CityExistsError, city_exists, format_report, generate_city
from oneteam.synthetic.people import MAX_RESIDENTS


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Generate the synthetic city: the same seed and as-of date always give the same data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--residents", type=int, required=True, help="how many residents to synthesise")
        parser.add_argument("--seed", type=int, required=True, help="the seed every random choice follows from")
        parser.add_argument("--as-of", type=_day, help="the day all dates are relative to (default: today)")
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument("--if-empty", action="store_true", help="keep a city that is already there")
        existing.add_argument(
            "--replace",
            action="store_true",
            help="delete the existing city, its staff and audit trail (not in production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and city_exists():
            self.stdout.write("The database already holds a city; keeping it.")
            return
        if options["replace"] and settings.PRODUCTION:
            raise CommandError("--replace deletes staff and the audit trail, so it is refused in production.")
        if not 0 <= options["residents"] <= MAX_RESIDENTS:
            raise CommandError(f"--residents must be between 0 and {MAX_RESIDENTS:,}.")
        as_of: datetime.date = options["as_of"] or timezone.localdate()
        try:
            report = generate_city(
                residents=options["residents"],
                seed=options["seed"],
                as_of=as_of,
                replace=options["replace"],
                progress=options["verbosity"] > 0,
            )
        except CityExistsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Generated a city of {options['residents']:,} residents (seed {options['seed']}, as of {as_of})."
        )
        for line in format_report(report):
            self.stdout.write(line)
