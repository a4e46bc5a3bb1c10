"""Benchmark: server time of busy pages on a big database, as p50/p95/p99 with the query count.

Not a test. Each scenario first makes sure its data exists (adding to the city,
never replacing it), then fetches its page through Django's test client in this
process: the figure is server time (middleware, view, queries, template), not
network or browser time. Point it at the benchmark database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/pages.py
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

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.scenarios import PageRequest, PageScenario, all_scenarios  # noqa: E402


def _fetch(client: Client, request: PageRequest) -> int:
    response = client.post(request.path, request.data) if request.method == "POST" else client.get(request.path)
    if response.status_code != 200:
        sys.exit(f"{request.path} answered {response.status_code}, not 200: the benchmark would time an error page.")
    return len(response.content)


def time_scenario(scenario: PageScenario, repeat: int) -> str:
    """Prepare, warm up, then time `repeat` fetches; return one line of figures."""
    request = scenario.prepare()
    # The address `make run` serves on, which the development settings allow (the test client's default is not).
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(request.staff)
    # Two warm-up fetches fill the per-process caches (templates, the policy's
    # agreement rules) so the figures describe a running server, not a cold start.
    for _ in range(2):
        _fetch(client, request)
    with CaptureQueriesContext(connection) as captured:
        size = _fetch(client, request)
    # Counted now: each later request clears the connection's query log that `captured` reads from.
    queries = len(captured)
    timings = []
    for _ in tqdm(range(repeat), desc=scenario.name, unit="fetch", leave=False):
        started = time.perf_counter()
        _fetch(client, request)
        timings.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(timings)
    percentiles = statistics.quantiles(timings, n=100)
    p95, p99 = percentiles[94], percentiles[98]
    verdict = "meets" if p95 < scenario.target_p95_ms else "MISSES"
    return (
        f"{scenario.name:<28} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  {queries:>3} queries  "
        f"{size / 1024:6.0f} KiB  {verdict} target p95 < {scenario.target_p95_ms:.0f} ms  ({request.data_size})"
    )


def main() -> None:
    """Parse the options and time each chosen scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="time only the scenario with this name (repeatable)")
    parser.add_argument("--repeat", type=int, default=100)
    options = parser.parse_args()
    if settings.PRODUCTION:
        sys.exit("Refusing to run: the benchmark adds synthetic data to the database.")
    scenarios = [s for s in all_scenarios() if not options.only or s.name in options.only]
    if not scenarios:
        sys.exit(f"No scenario called {options.only}; known: {[s.name for s in all_scenarios()]}")
    load = os.getloadavg()[0]
    print(f"Database: {connection.vendor}, {connection.settings_dict['NAME']}; load average {load:.1f}")
    for scenario in scenarios:
        print(time_scenario(scenario, options.repeat))


if __name__ == "__main__":
    main()
