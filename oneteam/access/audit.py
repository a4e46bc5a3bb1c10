"""Writing the audit log as a keyed hash chain, with signed checkpoints kept outside the database.

Each event's hash is an HMAC (keyed with `settings.AUDIT_KEY`, which is not in
the database) of its own content and the previous event's hash, so changing or
removing any event breaks every link after it, and whoever owns the database
cannot recompute the chain without the key. A chain alone cannot show that
events were removed from its end (or all of them): checkpoints (see
`checkpoint.py`) record how long the chain was and its last hash, where the
database's owner cannot rewrite them. Appends are serialised (an advisory lock
on PostgreSQL; SQLite transactions start IMMEDIATE, see settings) so two
requests cannot both extend the same head.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import json
import multiprocessing
from collections.abc import Callable, Generator, Sequence
from concurrent import futures
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Max, Min
from django.utils import timezone
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.types.datetime import TimestamptzLoader

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant will do: it names the one lock every audit append takes.
CHAIN_LOCK_ID = 7_271_001
_SHA256_BLOCK = 64  # bytes
_SEPARATOR = "\x1f"  # ASCII unit separator: cannot appear in a form field by accident

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


# The columns an event's hash covers, in the order they are hashed.
HASHED_COLUMNS = (
    "occurred_at",
    "staff_id",
    "role",
    "organisation_id",
    "username",
    "action",
    "person_id",
    "category",
    "purpose",
    "allowed",
    "reason",
    "detail",
    "request_id",
)
# Built once: json.dumps with options would build a new encoder for every event.
_canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def content_hash(
    previous_hash: str,
    occurred_at: datetime.datetime,
    staff_id: int | None,
    role: str,
    organisation_id: int | None,
    username: str,
    action: str,
    person_id: int | None,
    category: str,
    purpose: str,
    allowed: bool | None,
    reason: str,
    detail: Any,
    request_id: str,
) -> str:
    """The HMAC-SHA-256 of an event's content chained to the previous hash. Pure: no database access.

    The arguments after `previous_hash` are the HASHED_COLUMNS, in order. This is
    the one canonical serialisation: `append` reaches it through `event_hash`,
    and `verify_chain` passes it rows fetched as tuples, which is much faster
    than building model instances.
    """
    fields = (
        previous_hash,
        occurred_at.astimezone(datetime.UTC).isoformat(),
        str(staff_id or ""),
        role,
        str(organisation_id or ""),
        username,
        action,
        str(person_id or ""),
        category,
        purpose,
        "" if allowed is None else str(allowed).lower(),
        reason,
        "{}" if detail == {} else _canonical_json(detail),  # most events have no detail: skip the encoder
        request_id,
    )
    return keyed_sha256(settings.AUDIT_KEY, _SEPARATOR.join(fields).encode())


def keyed_sha256(key: str, message: bytes) -> str:
    """HMAC-SHA-256 of `message` under `key`, as hex: the same answer as `hmac.new(key, message, sha256)`.

    Built from SHA-256 states primed once per key with the inner and outer pads
    (RFC 2104), because the standard library's HMAC objects cost about as much
    again as the hashing itself, and verifying a long log hashes millions of
    events. `test_audit_tamper.py` checks it against `hmac` for keys of every length.
    """
    inner_pad, outer_pad = _pads(key)
    inner = inner_pad.copy()
    inner.update(message)
    outer = outer_pad.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


@functools.lru_cache(maxsize=2)
def _pads(key: str) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states that have taken in the key XOR the inner pad, and the key XOR the outer pad."""
    block = key.encode()
    if len(block) > _SHA256_BLOCK:
        block = hashlib.sha256(block).digest()
    block = block.ljust(_SHA256_BLOCK, b"\0")
    return hashlib.sha256(bytes(byte ^ 0x36 for byte in block)), hashlib.sha256(bytes(byte ^ 0x5C for byte in block))


def event_hash(previous_hash: str, event: AuditEvent) -> str:
    """The HMAC-SHA-256 of an event's content chained to the previous hash."""
    return content_hash(previous_hash, *(getattr(event, column) for column in HASHED_COLUMNS))


def append(events: Sequence[AuditEvent]) -> None:
    """Add unsaved events to the end of the chain, in order, in one insert."""
    if not events:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
        head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        now = timezone.now()
        request_id = current_request_id.get()
        for event in events:
            event.occurred_at = event.occurred_at or now
            event.request_id = event.request_id or request_id
            event.previous_hash = head
            event.hash = head = event_hash(head, event)
        _insert(events)


# Every column an append writes, in the order `_insert` sends them.
_INSERTED_COLUMNS = (*HASHED_COLUMNS, "previous_hash", "hash")
_COPY_SQL = f"COPY {AuditEvent._meta.db_table} ({', '.join(_INSERTED_COLUMNS)}) FROM STDIN"


def _insert(events: Sequence[AuditEvent]) -> None:
    """Write hashed events in one statement: on PostgreSQL by COPY, which costs a list page of 50 about 1.5 ms
    where `bulk_create` spent nearly 7 building and quoting its arrays in Python (docs/performance.md).

    The events are not given their ids (nothing reads them after an append). The COPY is
    logged like any query (when queries are logged), so query counts still include it.
    """
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return
    rows = [
        [
            _canonical_json(event.detail) if column == "detail" else getattr(event, column)
            for column in _INSERTED_COLUMNS
        ]
        for event in events
    ]
    with connection.cursor() as cursor:
        logged = cursor.debug_sql(_COPY_SQL) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged, cursor.cursor.copy(_COPY_SQL) as copy:
            for row in rows:
                copy.write_row(row)


class ChainProblem(enum.Enum):
    """What is wrong with the first event that breaks the chain, in words."""

    CONTENT_CHANGED = "its content does not match its hash"
    LINK_BROKEN = "its link to the event before it does not match that event's hash"
    GAP = "one or more events before it are missing"


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which the chain is broken."""

    event_id: int
    occurred_at: datetime.datetime
    problem: ChainProblem


@dataclass(frozen=True)
class ChainVerification:
    """The result of `verify_chain`: how many events were proved, and the first break if any."""

    events_checked: int
    broken: ChainBreak | None = None


@dataclass(frozen=True)
class _Link:
    """Where checking starts: after this event (its id and stored hash), or at the start of the log."""

    event_id: int | None
    hash: str


_START = _Link(None, GENESIS_HASH)
# Part of the log to check: where it starts, and the last event id it covers (None: to the end).
_Range = tuple[_Link, int | None]
# On PostgreSQL a log longer than this is checked in two halves at once, to use two cores.
SPLIT_ABOVE = 1_000_000


def verify_chain(
    *,
    chunk_size: int = 20_000,
    on_progress: Callable[[int], object] | None = None,
    split_above: int = SPLIT_ABOVE,
) -> ChainVerification:
    """Recompute every event's hash, in order from GENESIS_HASH, and report the first break.

    Rows are streamed as tuples of the hashed columns, so memory stays flat and
    no model instances are built. `on_progress` is called with the number of
    events checked since it was last called. A missing event shows as a break
    in the event after it; removing events from the end of the log cannot be
    seen from the chain alone.

    A long log on PostgreSQL is split in two and both halves are checked at
    once by forked processes, one per core. The second half starts from the
    stored hash of the first half's last event, which the first half proves.
    """
    ranges = _ranges(split_above)
    if len(ranges) == 1:
        return _verify_range(*ranges[0], chunk_size, on_progress)
    return _verify_at_once(ranges, chunk_size, on_progress)


def _ranges(split_above: int) -> list[_Range]:
    """The parts of the log to check at once: all of it, or on PostgreSQL a long log in two halves."""
    whole: list[_Range] = [(_START, None)]
    # Forked processes have connections of their own, which cannot see rows this transaction has not committed.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return whole
    ids = AuditEvent.objects.aggregate(first=Min("id"), last=Max("id"))
    if ids["last"] is None or ids["last"] - ids["first"] < split_above:
        return whole
    halfway = (ids["first"] + ids["last"]) // 2
    event_id, stored_hash = AuditEvent.objects.filter(id__lte=halfway).order_by("-id").values_list("id", "hash")[0]
    return [(_START, halfway), (_Link(event_id, stored_hash), None)]


def _verify_range(
    start: _Link, last_id: int | None, chunk_size: int, on_progress: Callable[[int], object] | None
) -> ChainVerification:
    """Check the events after `start` up to `last_id`; the hot loop, so kept short."""
    expected_previous, previous_id = start.hash, start.event_id
    checked = 0
    with closing(_hashed_rows(start.event_id, last_id, chunk_size)) as rows:
        while chunk := list(islice(rows, chunk_size)):
            for position, row in enumerate(chunk):
                # row: id, previous_hash, hash, then the HASHED_COLUMNS
                if row[1] != expected_previous or content_hash(row[1], *row[3:]) != row[2]:
                    return ChainVerification(checked + position, _diagnose(row, expected_previous, previous_id))
                expected_previous = row[2]
                previous_id = row[0]
            checked += len(chunk)
            if on_progress is not None:
                on_progress(len(chunk))
    return ChainVerification(checked)


def _diagnose(row: tuple[Any, ...], expected_previous: str, previous_id: int | None) -> ChainBreak:
    """Say what is wrong with the event in `row`, which failed verification."""
    event_id, previous_hash, _hash, occurred_at = row[:4]
    if previous_hash == expected_previous:
        return ChainBreak(event_id, occurred_at, ChainProblem.CONTENT_CHANGED)
    # Ids that do not follow on suggest removed events (a rolled-back append
    # also leaves a gap in the ids, but never a broken link).
    follows_on = previous_id is not None and event_id == previous_id + 1
    return ChainBreak(event_id, occurred_at, ChainProblem.LINK_BROKEN if follows_on else ChainProblem.GAP)


def _verify_at_once(
    ranges: list[_Range], chunk_size: int, on_progress: Callable[[int], object] | None
) -> ChainVerification:
    """Check each range in its own forked process, reporting their combined progress; the earliest break wins."""
    context = multiprocessing.get_context("fork")
    checked = context.Value("q", 0)
    with ProcessPoolExecutor(len(ranges), mp_context=context, initializer=_start_worker, initargs=(checked,)) as pool:
        parts = [pool.submit(_verify_in_worker, start, last_id, chunk_size) for start, last_id in ranges]
        reported = 0
        while not all(part.done() for part in parts):
            futures.wait(parts, timeout=0.5)
            if on_progress is not None and checked.value > reported:
                on_progress(checked.value - reported)
                reported = checked.value
    total = 0
    for part in parts:
        result = part.result()
        if result.broken is not None:
            return ChainVerification(total + result.events_checked, result.broken)
        total += result.events_checked
    return ChainVerification(total)


# In a forked worker: the count of events checked, shared with the parent for its progress report.
_worker_checked: Synchronized[int] | None = None


def _start_worker(checked: Synchronized[int]) -> None:
    """Set up a forked worker: count progress in `checked`, and open its own database connection.

    The worker must not use (or close) the parent's connection, whose socket it
    shares; psycopg never closes a connection opened in another process, so
    dropping the inherited one is safe.
    """
    global _worker_checked
    _worker_checked = checked
    connection.connection = None


def _verify_in_worker(start: _Link, last_id: int | None, chunk_size: int) -> ChainVerification:
    """Check one range in a forked worker, then close the worker's own connection."""
    try:
        return _verify_range(start, last_id, chunk_size, _count_in_worker)
    finally:
        connection.close()


def _count_in_worker(events: int) -> None:
    """Add to the count the parent reports as progress."""
    assert _worker_checked is not None
    with _worker_checked.get_lock():
        _worker_checked.value += events


def _hashed_rows(after_id: int | None, last_id: int | None, chunk_size: int) -> Generator[tuple[Any, ...]]:
    """Events after `after_id` up to `last_id` as (id, previous_hash, hash, *HASHED_COLUMNS), in id order."""
    events = AuditEvent.objects.order_by("id").values_list("id", "previous_hash", "hash", *HASHED_COLUMNS)
    if after_id is not None:
        events = events.filter(id__gt=after_id)
    if last_id is not None:
        events = events.filter(id__lte=last_id)
    if connection.vendor != "postgresql":
        # SQLite (demo and tests) hands rows over as they are read, fast enough for its small logs.
        yield from events.iterator(chunk_size=chunk_size)
        return
    # Django's psycopg loaders for timestamps and JSON run in Python and cost more than the hashing,
    # so the same SQL runs on a plain psycopg cursor with faster loaders. Streaming (libpq's chunked
    # rows) lets PostgreSQL send the next rows while this process hashes.
    sql, params = events.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.adapters.register_loader("jsonb", _RepeatedJsonbLoader)
        yield from cursor.stream(sql, params, size=chunk_size)


# Events' details repeat (most are empty), so parsing each distinct one once saves time.
# Callers only read the parsed values, so sharing them is safe.
_parse_json = functools.lru_cache(maxsize=1024)(json.loads)


class _RepeatedJsonbLoader(Loader):
    """Loads jsonb through `_parse_json`."""

    def load(self, data: Buffer) -> Any:
        return _parse_json(bytes(data))


def purge_for_demo_reset() -> None:
    """Empty the audit log (and its checkpoints) of a synthetic or demo database, so a regenerated city starts anew.

    Refused in production. The ORM refuses deletes, so this uses SQL the
    append-only triggers allow: TRUNCATE on PostgreSQL (row triggers do not
    fire on it) and DELETE on SQLite (which has no delete trigger).
    """
    if settings.PRODUCTION:
        raise PermissionError("The audit log is never emptied in production.")
    # Checkpoints of the old chain would make the new one look shortened.
    if settings.AUDIT_CHECKPOINT_FILE:
        Path(settings.AUDIT_CHECKPOINT_FILE).unlink(missing_ok=True)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE is refused while rows inserted in this transaction await their deferred
            # foreign-key checks: run those now, then put Django's foreign keys back to checking at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE access_auditevent")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DELETE FROM access_auditevent")
