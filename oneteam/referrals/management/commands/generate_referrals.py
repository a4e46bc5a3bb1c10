"""`manage.py generate_referrals`: add a referral history to the synthetic city."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oneteam.referrals.models import Referral
from oneteam.referrals.synthetic import HistoryExistsError, generate_referral_history
from oneteam.synthetic.city import format_report


class Command(BaseCommand):
    help = "Add open and closed synthetic referrals, with their histories, to a city that has none yet."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--open", type=int, required=True, help="how many open referrals")
        parser.add_argument("--closed", type=int, required=True, help="how many closed referrals")
        parser.add_argument("--seed", type=int, required=True, help="the seed every random choice follows from")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if there are referrals already")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic referrals are for demonstration and benchmark databases only.")
        if options["open"] < 0 or options["closed"] < 0:
            raise CommandError("--open and --closed must be 0 or more.")
        if options["if_empty"] and Referral.objects.exists():
            self.stdout.write("The database already holds referrals; keeping them.")
            return
        try:
            report = generate_referral_history(
                open_referrals=options["open"],
                closed_referrals=options["closed"],
                seed=options["seed"],
                now=timezone.now(),
                progress=options["verbosity"] > 0,
            )
        except HistoryExistsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Added {options['open']:,} open and {options['closed']:,} closed referrals.")
        for line in format_report(report):
            self.stdout.write(line)
