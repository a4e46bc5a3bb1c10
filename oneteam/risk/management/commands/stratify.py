"""`manage.py stratify`: recompute every resident's eFI, admission-risk facts and priority."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from oneteam.risk.codelist import CURRENT_VERSION
from oneteam.risk.services import stratify


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Recompute every resident's risk scores with set-based SQL and record the run."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as-of", type=_day, help="the day ages and the last 12 months count from (default: today)"
        )
        parser.add_argument(
            "--codelist", default=CURRENT_VERSION, help=f"code-list version (default {CURRENT_VERSION})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(total=len(stratify.STEPS), unit="step", disable=options["verbosity"] == 0) as bar:

            def progress(step: str) -> None:
                if bar.n or step != stratify.STEPS[0]:
                    bar.update(1)
                bar.set_description(step)

            result = stratify.run(as_of=options["as_of"], version=options["codelist"], progress=progress)
            bar.update(bar.total - bar.n)
        self.stdout.write(
            f"Scored {result.people_scored:,} residents ({result.people_with_efi:,} aged 65 or over with an eFI) "
            f"as of {result.as_of} with code list {result.codelist_version} in {result.seconds:.1f} s "
            f"(run {result.pk})."
        )
