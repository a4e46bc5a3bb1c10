"""Benchmark: how long an audited read waits while another transaction that has audited is still open.

Not a test. Issue 20 found that an audit append held the chain's lock until its
request's transaction ended, so one slow write held up every audited page. Here
one thread audits an event and then keeps its transaction open for `--hold`
seconds (as a slow write elsewhere would); meanwhile the main thread audits
`--reads` reads, one at a time, each in its own transaction as a page does, and
times them beside a plain `SELECT 1` (the reference). It writes audit events to
the PostgreSQL database named by DATABASE_URL (and refuses in production):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench_audit .venv/bin/python bench/audit_wait.py

Run it from another checkout (with that checkout's code and migrations) to
measure the code before a change. Figures are in docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, so that an older checkout can be measured
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()  # before anything below imports the ORM

from django.conf import settings  # noqa: E402
from django.db import OperationalError, connection, connections, transaction  # noqa: E402

from oneteam.access.models import AuditAction  # noqa: E402
from oneteam.access.services import record_event  # noqa: E402


def hold_open(audited: threading.Event, release: threading.Event, seconds: float) -> None:
    """Audit an event, then keep the transaction open for `seconds` (or until released)."""
    try:
        with transaction.atomic():
            record_event(staff=None, username="bench.slow.write", action=AuditAction.SIGN_IN_FAILED)
            audited.set()
            release.wait(timeout=seconds)
    finally:
        connections.close_all()


def timed(work: str) -> float | None:
    """Seconds one audited read (or the reference query) took; None if it failed (a lock timeout)."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if work == "audit":
                record_event(staff=None, username="bench.reader", action=AuditAction.SIGN_IN_FAILED)
            else:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
    except OperationalError:
        return None
    return time.perf_counter() - started


def summary(label: str, seconds: list[float | None]) -> str:
    answered = sorted(s for s in seconds if s is not None)
    if not answered:
        return f"{label:<34} {0:>3} of {len(seconds):<3} {'—':>9} {'—':>9}"
    return (
        f"{label:<34} {len(answered):>3} of {len(seconds):<3} "
        f"{statistics.median(answered) * 1000:>7.1f}ms {answered[-1] * 1000:>7.1f}ms"
    )


def main() -> None:
    """Hold a transaction open, time audited reads meanwhile, and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=3.0, help="seconds the other transaction stays open")
    parser.add_argument("--reads", type=int, default=5, help="audited reads timed while it is open")
    options = parser.parse_args()
    if connection.vendor != "postgresql" or settings.PRODUCTION:
        sys.exit("Run this against a PostgreSQL database made for benchmarking: set DATABASE_URL=postgres://…")

    audited, release = threading.Event(), threading.Event()
    other = threading.Thread(target=hold_open, args=(audited, release, options.hold))
    other.start()
    audited.wait(timeout=30)
    started = time.perf_counter()
    reads = [timed("audit") for _ in range(options.reads)]
    references = [timed("reference") for _ in range(options.reads)]
    still_open = other.is_alive()
    release.set()
    other.join()
    print(f"load average: {os.getloadavg()[0]:.1f}; other transaction open for up to {options.hold:.0f} s")
    print(f"{'while it is open':<34} {'answered':>8} {'median':>9} {'slowest':>9}")
    print(summary("audited read (record_event)", reads))
    print(summary("reference: SELECT 1", references))
    print(
        f"all reads done after {time.perf_counter() - started:.2f} s, "
        f"{'before' if still_open else 'after'} the other transaction ended"
    )


if __name__ == "__main__":
    main()
