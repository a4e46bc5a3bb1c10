"""Benchmark: server time of busy pages on a big database, as p50/p95/p99 with the query count.

Not a test. Each scenario first makes sure its data exists (adding to the city,
never replacing it), then fetches its page through Django's test client in this
process: the figure is server time (middleware, view, queries, template), not
network or browser time. Point it at the benchmark database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/pages.py

or let it build (or reuse) a city of a given size in its own database on the
local PostgreSQL server, `oneteam_bench_<residents>`, once per size given:

    .venv/bin/python bench/pages.py --residents 50000 550000
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

# The PostgreSQL server that holds the per-size benchmark cities (--residents).
BENCH_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CITY_SEED = 1


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, nargs="+", help="city sizes to build or reuse (one database each)")
    parser.add_argument("--only", action="append", help="time only the scenario with this name (repeatable)")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument(
        "--gunicorn",
        action="store_true",
        help="time GET pages through gunicorn with production settings (2 workers) instead of the test client",
    )
    parser.add_argument("--figures", type=Path, help=argparse.SUPPRESS)  # where a child run writes its figures
    return parser.parse_args()


def _city_database(residents: int) -> str:
    """The URL of the benchmark database for a city of `residents`, created empty if it does not exist."""
    name = f"oneteam_bench_{residents}"
    with psycopg.connect(f"{BENCH_SERVER}/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(f'CREATE DATABASE "{name}"')
    return f"{BENCH_SERVER}/{name}"


def compare_sizes(figures: dict[int, dict[str, dict[str, float]]]) -> None:
    """Print each page's p95 and query count at every size, and whether the query count stayed flat."""
    sizes = sorted(figures)
    names = list(figures[sizes[0]])
    print("\nThe same pages at each city size (p95 server time; SQL queries):")
    print(f"{'page':<28}" + "".join(f"{size:>22,}" for size in sizes) + "  queries")
    for name in names:
        cells = [figures[size].get(name) for size in sizes]
        row = "".join(f"{c['p95']:>12.1f} ms {int(c['queries']):>3} q" if c else f"{'-':>22}" for c in cells)
        counts = {int(c["queries"]) for c in cells if c}
        print(f"{name:<28}{row}  {'flat' if len(counts) == 1 else 'GROW'}")


def _each_size(options: argparse.Namespace) -> None:
    """One process per size (each sets up Django against its own database), then the sizes side by side."""
    figures: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in options.residents:
            out = Path(folder) / f"{size}.json"
            rest = [arg for value in (options.only or []) for arg in ("--only", value)]
            command = [sys.executable, __file__, "--residents", str(size), "--repeat", str(options.repeat), *rest]
            subprocess.run([*command, "--figures", str(out)], check=True)
            figures[size] = json.loads(out.read_text())
    compare_sizes(figures)


OPTIONS = _options()
if OPTIONS.residents and len(OPTIONS.residents) > 1:
    _each_size(OPTIONS)
    sys.exit(0)
if OPTIONS.residents:
    os.environ["DATABASE_URL"] = _city_database(OPTIONS.residents[0])

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.scenarios import PageRequest, PageScenario, all_scenarios  # noqa: E402
from oneteam.access.services.agreements import ensure_default_agreements  # noqa: E402
from oneteam.people.models import Person  # noqa: E402
from oneteam.synthetic.city import format_report, generate_city  # noqa: E402


def _ensure_city(residents: int) -> None:
    """Migrate the benchmark database and make sure it holds a city of exactly `residents`."""
    call_command("migrate", verbosity=0)
    if Person.objects.count() == residents:
        # As `make run` does: without an agreement the policy refuses everyone, and the pages would be timed empty.
        ensure_default_agreements()
        return
    print(f"Generating a city of {residents:,} residents (seed {CITY_SEED})…")
    report = generate_city(residents=residents, seed=CITY_SEED, as_of=timezone.localdate(), replace=True, progress=True)
    for line in format_report(report):
        print(line)
    ensure_default_agreements()


# Each fetch would otherwise write a request log line between the progress bars.
logging.getLogger("oneteam.requests").setLevel(logging.WARNING)


class Server:
    """OneTeam under gunicorn with production settings on a spare local port (`--gunicorn`).

    Requests carry the session cookie of a test-client sign-in (sessions live in the
    database both share) and say they came through the TLS-terminating load balancer.
    """

    PORT = 8765

    def __init__(self) -> None:
        environment = os.environ | {
            "ONETEAM_ENVIRONMENT": "production",
            # The bench's own key, so the server accepts the sessions this process signs in.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BIND": f"127.0.0.1:{self.PORT}",
            "WEB_CONCURRENCY": str(os.cpu_count() or 1),
        }
        root = Path(__file__).resolve().parent.parent
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "oneteam.wsgi", "-c", "gunicorn.conf.py"], cwd=root, env=environment
        )
        for _ in range(100):
            time.sleep(0.3)
            try:
                self.get("/healthz", "")
                return
            except OSError:
                continue
        self.stop()
        sys.exit("gunicorn did not answer /healthz within 30 seconds.")

    def get(self, path: str, session: str) -> int:
        """GET `path` as the holder of `session`; the size of the page (exits on anything but 200)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.PORT, timeout=60)
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
        }
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            sys.exit(f"{path} answered {response.status} through gunicorn, not 200.")
        return len(body)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _fetch(client: Client, request: PageRequest) -> int:
    response = client.post(request.path, request.data) if request.method == "POST" else client.get(request.path)
    if response.status_code != 200:
        sys.exit(f"{request.path} answered {response.status_code}, not 200: the benchmark would time an error page.")
    return len(response.content)


def time_scenario(scenario: PageScenario, repeat: int, server: Server | None) -> tuple[str, dict[str, float]]:
    """Prepare, warm up, then time `repeat` fetches; return one line of figures and the figures.

    The query count always comes from one fetch through the test client in this process.
    """
    request = scenario.prepare()
    # The address `make run` serves on, which the development settings allow (the test client's default is not).
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(request.staff)
    if server is not None and request.method == "GET":
        session = client.cookies[settings.SESSION_COOKIE_NAME].value

        def fetch(wanted: PageRequest) -> int:
            return server.get(wanted.path, session)
    else:

        def fetch(wanted: PageRequest) -> int:
            return _fetch(client, wanted)

    # Two warm-up fetches fill the per-process caches (templates, the policy's
    # agreement rules) so the figures describe a running server, not a cold start.
    for _ in range(2):
        fetch(request)
    # As each production worker does once it has started (gunicorn.conf.py, post_worker_init): what is loaded by
    # now lives as long as the process, so full garbage collections need not walk it on every timed request.
    gc.freeze()
    with CaptureQueriesContext(connection) as captured:
        size = _fetch(client, request)
    # Counted now: each later request clears the connection's query log that `captured` reads from.
    queries = len(captured)
    # The yardstick: /healthz (no database, no template) fetched after each page by the same client, so
    # both see the same load; the ratio of their p95s says how far the page is from the framework's floor.
    yardstick = PageRequest(request.staff, "/healthz", "")
    timings, floor = [], []
    for _ in tqdm(range(repeat), desc=scenario.name, unit="fetch", leave=False):
        started = time.perf_counter()
        fetch(request)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fetch(yardstick)
        floor.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(timings)
    percentiles = statistics.quantiles(timings, n=100)
    p95, p99 = percentiles[94], percentiles[98]
    floor_p95 = statistics.quantiles(floor, n=100)[94]
    verdict = "meets" if p95 < scenario.target_p95_ms else "MISSES"
    line = (
        f"{scenario.name:<28} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  {queries:>3} queries  "
        f"{size / 1024:6.0f} KiB  {verdict} target p95 < {scenario.target_p95_ms:.0f} ms  ({request.data_size})\n"
        f"{'':<28} /healthz p95 {floor_p95:5.1f} ms; ratio {p95 / floor_p95:5.1f}x; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return line, {"p50": p50, "p95": p95, "p99": p99, "queries": queries, "healthz_p95": floor_p95}


def main() -> None:
    """Parse the options and time each chosen scenario."""
    options = OPTIONS
    if settings.PRODUCTION:
        sys.exit("Refusing to run: the benchmark adds synthetic data to the database.")
    if options.residents:
        _ensure_city(options.residents[0])
    scenarios = [s for s in all_scenarios() if not options.only or s.name in options.only]
    if not scenarios:
        sys.exit(f"No scenario called {options.only}; known: {[s.name for s in all_scenarios()]}")
    load = os.getloadavg()[0]
    print(f"Database: {connection.vendor}, {connection.settings_dict['NAME']}; load average {load:.1f}")
    figures = {}
    server = Server() if options.gunicorn else None
    if server is not None:
        print("Through gunicorn with production settings (GET pages; others through the test client)")
    try:
        for scenario in scenarios:
            line, figures[scenario.name] = time_scenario(scenario, options.repeat, server)
            print(line)
    finally:
        if server is not None:
            server.stop()
    if options.figures:
        options.figures.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
