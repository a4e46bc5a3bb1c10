"""Benchmark: audit log write throughput, and verifying a chain of millions of events.

Not a test. It empties the audit log of the database named by DATABASE_URL
(and refuses in production), so point it at a database made for benchmarking:

    psql -h 127.0.0.1 -U postgres -c 'create database oneteam_bench_audit'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench_audit .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench_audit .venv/bin/python bench/audit.py

It measures appends through the real `oneteam.access.audit.append` path (each
sealed as it commits), then tops the chain up to `--events` with PostgreSQL
COPY, events and their links at once on two connections (hashes computed by the
real `content_hash` and `link_hash`; the append-only triggers do not block
inserts), then times `verify_chain()` over the whole log.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django
import psycopg

django.setup()  # before anything below imports the ORM

from django.db import connection, transaction  # noqa: E402
from psycopg.types.json import JsonbDumper  # noqa: E402
from tqdm import tqdm  # noqa: E402

from oneteam.access import audit  # noqa: E402
from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose  # noqa: E402
from oneteam.access.services import new_event  # noqa: E402
from oneteam.organisations.models import Profession, Staff  # noqa: E402

# Columns written by COPY, in this order: the id, the hashed ones, then a blank previous_hash and its own hash.
COPY_COLUMNS = ("id", *audit.HASHED_COLUMNS, "previous_hash", "hash")
LINK_COLUMNS = ("seq", "event_id", "previous_hash", "hash")
CATEGORIES = list(DataCategory)


def bench_staff() -> Staff:
    """The member of staff every benchmark event is about, so events carry a real staff id as they do in use."""
    staff, _ = Staff.objects.get_or_create(
        username="bench.audit", defaults={"first_name": "Bench", "last_name": "Audit", "profession": Profession.GP}
    )
    return staff


def time_appends(staff: Staff, appends: int, events_per_append: int) -> float:
    """Seconds taken by `appends` calls of `audit.append`, each with `events_per_append` events."""
    started = time.perf_counter()
    for n in tqdm(range(appends), desc=f"append x{events_per_append}", unit="append", leave=False):
        audit.append(
            [
                new_event(
                    staff=staff,
                    action=AuditAction.VIEW,
                    person_id=n + 1,
                    category=category,
                    purpose=Purpose.DIRECT_CARE,
                    allowed=True,
                    reason="Allowed: benchmark read.",
                )
                for category in CATEGORIES[:events_per_append]
            ]
        )
    return time.perf_counter() - started


def chained_rows(staff: Staff, count: int, first_id: int) -> Iterator[tuple[Any, ...]]:
    """`count` varied view and search events with ids from `first_id`, as COPY rows."""
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for n in range(count):
        searched = n % 10 == 0
        content = (
            start + datetime.timedelta(milliseconds=50 * n),
            staff.pk,
            staff.profession,
            staff.organisation_id,
            staff.username,
            AuditAction.SEARCH.value if searched else AuditAction.VIEW.value,
            None if searched else n % 550_000 + 1,
            "" if searched else CATEGORIES[n % len(CATEGORIES)].value,
            Purpose.DIRECT_CARE.value,
            None if searched else n % 50 != 1,
            "" if searched else "Allowed: benchmark read.",
            {"method": "nhs_number", "results": 1} if searched else {},
            f"{n // 4:032x}",
        )
        yield (first_id + n, *content, "", audit.content_hash("", *content))


def copy_chain(staff: Staff, count: int) -> float:
    """Append `count` events, sealed after the current head, with one COPY of events and one of links.

    Both COPYs run at once, on this connection and a second one, so the events
    are generated and hashed once. Returns the seconds taken.
    """
    audit.seal()
    seq, head = audit.chain_head()
    first_id = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows = tqdm(chained_rows(staff, count, first_id), total=count, desc="COPY", unit="event", unit_scale=True)
    started = time.perf_counter()
    with (
        psycopg.connect(**connection.get_connection_params()) as links_connection,
        links_connection.cursor().copy(f"COPY access_auditlink ({', '.join(LINK_COLUMNS)}) FROM STDIN") as links,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.adapters.register_dumper(dict, JsonbDumper)  # the `detail` column
        with cursor.copy(f"COPY access_auditevent ({', '.join(COPY_COLUMNS)}) FROM STDIN") as events:
            for row in rows:
                events.write_row(row)
                seq += 1
                previous, head = head, audit.link_hash(seq, head, row[0], *row[1:-2])
                links.write_row((seq, row[0], previous, head))
    with connection.cursor() as cursor:
        # The events were given their ids: move the sequence past them.
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('access_auditevent', 'id'), (SELECT max(id) FROM access_auditevent))"
        )
        # What autovacuum soon does after a bulk load, so verify_chain meets the tables as it would in use:
        # with statistics (without them the planner sorts the whole table before sending the first row,
        # rather than reading it in primary-key order) and with rows already marked visible.
        cursor.execute("VACUUM ANALYZE access_auditevent")
        cursor.execute("VACUUM ANALYZE access_auditlink")
    return time.perf_counter() - started


def timed_verify(total: int) -> tuple[audit.ChainVerification, float]:
    """Verify the whole chain with a progress bar; returns the result and the seconds taken."""
    with tqdm(total=total, desc="verify", unit="event", unit_scale=True, leave=False) as bar:
        started = time.perf_counter()
        result = audit.verify_chain(on_progress=bar.update)
        return result, time.perf_counter() - started


def main() -> None:
    """Parse the options, run the three measurements and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000, help="events in the chain that is verified")
    parser.add_argument("--single-appends", type=int, default=20_000)
    parser.add_argument("--batch-appends", type=int, default=2_000, help="appends of 10 events each")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL: set DATABASE_URL=postgres://…")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    audit.purge_for_demo_reset()
    staff = bench_staff()
    single_seconds = time_appends(staff, options.single_appends, 1)
    batch_seconds = time_appends(staff, options.batch_appends, 10)
    appended = AuditEvent.objects.count()
    copy_seconds = copy_chain(staff, options.events - appended)
    result, verify_seconds = timed_verify(options.events)
    if result.broken is not None:
        sys.exit(f"The benchmark chain is broken at event {result.broken.event_id}: {result.broken.problem.value}")

    print(f"PostgreSQL {version}, database {connection.settings_dict['NAME']}, {os.cpu_count()} CPU cores")
    print(f"{'measure':<40} {'events':>10} {'seconds':>8} {'events/s':>9}")
    rows = [
        ("append(): one event per call", options.single_appends, single_seconds),
        ("append(): ten events per call", options.batch_appends * 10, batch_seconds),
        ("build chain: Python hashes + COPY", options.events - appended, copy_seconds),
        ("verify_chain()", result.events_checked, verify_seconds),
    ]
    for label, events, seconds in rows:
        print(f"{label:<40} {events:>10,} {seconds:>8.1f} {events / seconds:>9,.0f}")


if __name__ == "__main__":
    main()
