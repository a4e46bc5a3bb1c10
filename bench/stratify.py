"""Benchmark: the whole-population risk run (`manage.py stratify`) and a one-person recompute.

Not a test. It adds a stratification run (and removes the previous run's
scores) in the database named by DATABASE_URL; it never changes the city.
Point it at the benchmark city:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/stratify.py

Each whole-population run is followed, in the same process and so under the same
load, by the yardstick: the same results computed by one plain
`CREATE TEMP TABLE AS SELECT` (`bench/stratify_reference.py`). The bench prints
both times and their ratio (goal: at most 1.5), the load average and whether
autovacuum is on, since a shared machine's load moves every absolute figure.

Target: the whole city of 550,000 residents in under 60 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()  # before anything below imports the ORM

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench import stratify_reference  # noqa: E402
from oneteam.people.models import Person  # noqa: E402
from oneteam.risk import queries  # noqa: E402
from oneteam.risk.models import PersonDeficit, PersonRisk, StratificationRun  # noqa: E402
from oneteam.risk.services import stratify  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_RATIO = 1.5


def autovacuum() -> str:
    """The database's autovacuum setting (it decides whether dead rows of earlier runs linger)."""
    if connection.vendor != "postgresql":
        return "n/a"
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return str(cursor.fetchone()[0])


def timed_reference(run: StratificationRun) -> float:
    """Seconds for the plain-SQL computation of the same run's results, in one transaction like the run."""
    weights, by_neighbourhood = queries.weights_in_force()
    if by_neighbourhood:
        sys.exit("The reference knows only one set of weights; this database has per-neighbourhood ones.")
    started = time.perf_counter()
    with transaction.atomic():
        stratify_reference.create(as_of=run.as_of, weights=weights, version=run.codelist_version)
    return time.perf_counter() - started


def timed_run() -> tuple[StratificationRun, list[tuple[str, float]]]:
    """One whole-population run, with the moment each step started."""
    steps: list[tuple[str, float]] = []
    with tqdm(total=len(stratify.STEPS), unit="step", leave=False) as bar:

        def progress(step: str) -> None:
            steps.append((step, time.perf_counter()))
            bar.set_description(step)
            bar.update(1)

        return stratify.run(progress=progress), steps


def main() -> None:
    """Run the whole population `--runs` times, then recompute single people, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="whole-population runs to time (default 1)")
    parser.add_argument("--people", type=int, default=20, help="one-person recomputes to time (default 20)")
    options = parser.parse_args()
    if settings.PRODUCTION:
        sys.exit("Refusing to run: the benchmark replaces the current risk scores.")
    residents = Person.objects.count()
    load_before = os.getloadavg()[0]
    print(f"Database: {connection.vendor}, {connection.settings_dict['NAME']}; {residents:,} people")
    print(f"Load average before: {load_before:.1f} (1 min); {os.cpu_count()} CPUs; autovacuum {autovacuum()}")
    seconds, references = [], []
    for number in range(1, options.runs + 1):
        run, steps = timed_run()
        assert run.seconds is not None
        seconds.append(run.seconds)
        ends = [at for _, at in steps[1:]] + [steps[0][1] + run.seconds]
        detail = ", ".join(f"{name} {end - at:.1f} s" for (name, at), end in zip(steps, ends, strict=True))
        print(
            f"Run {number}: {run.seconds:.1f} s for {run.people_scored:,} residents "
            f"({run.people_with_efi:,} with an eFI, {PersonDeficit.objects.filter(run=run).count():,} deficits) "
            f"– {detail}"
        )
        references.append(timed_reference(run))
        print(
            f"  reference (plain SQL, same results): {references[-1]:.1f} s; ratio {run.seconds / references[-1]:.2f}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    verdict = "meets" if max(seconds) < TARGET_SECONDS else "MISSES"
    print(
        f"Whole population: median {statistics.median(seconds):.1f} s, worst {max(seconds):.1f} s – {verdict} the "
        f"target of {TARGET_SECONDS:.0f} s"
    )
    ratio = statistics.median(seconds) / statistics.median(references)
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(
        f"Reference: median {statistics.median(references):.1f} s; ratio of medians {ratio:.2f} – {verdict} the "
        f"goal of {TARGET_RATIO}"
    )
    people = list(
        PersonRisk.objects.filter(run=queries.current_run(), deficits__gt=5).select_related("person")[: options.people]
    )
    timings = []
    for risk in tqdm(people, desc="one person", leave=False):
        started = time.perf_counter()
        stratify.restratify_person(risk.person)
        timings.append((time.perf_counter() - started) * 1000)
    if timings:
        print(
            f"One-person recompute: median {statistics.median(timings):.0f} ms, worst {max(timings):.0f} ms "
            f"over {len(timings)} people"
        )
    print(f"Load average after: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
