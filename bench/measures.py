"""Benchmark: a full `compute_measures` run on the city in DATABASE_URL, timed measure by measure.

Not a test. It replaces the stored outcome results (which is all the command
does), so run it on a benchmark database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/measures.py
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from tqdm import tqdm  # noqa: E402

from oneteam.outcomes.measures import Measure  # noqa: E402
from oneteam.outcomes.services import compute_measures  # noqa: E402
from oneteam.people.models import Person  # noqa: E402
from oneteam.referrals.models import Referral  # noqa: E402

# Issue 22: every measure of the 550,000-resident city in under 15 seconds.
TARGET_SECONDS = 15.0


def main() -> None:
    """Run every measure once, printing each one's time and the total."""
    if settings.PRODUCTION:
        sys.exit("Refusing to run on production.")
    autovacuum = "n/a"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
    print(
        f"Database: {connection.vendor}, {connection.settings_dict['NAME']}; load average {os.getloadavg()[0]:.1f}; "
        f"autovacuum {autovacuum}"
    )
    print(f"City:     {Person.objects.count():,} residents, {Referral.objects.count():,} referrals")
    times: list[tuple[str, float]] = []

    def timed(measures: Iterable[Measure]) -> Iterator[Measure]:
        for measure in tqdm(list(measures), unit="measure", desc="Measuring"):
            started = time.perf_counter()
            yield measure
            times.append((measure.key, time.perf_counter() - started))

    started = time.perf_counter()
    stored = compute_measures(progress=timed)
    total = time.perf_counter() - started
    for key, seconds in times:
        print(f"  {key:<32}{seconds:8.2f} s")
    verdict = "meets" if total < TARGET_SECONDS else "MISSES"
    print(
        f"Total: {total:.1f} s for {stored:,} results ({verdict} the goal of {TARGET_SECONDS:.0f} s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
