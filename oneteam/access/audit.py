"""Writing the audit log as a keyed hash chain, sealed at commit, with signed checkpoints kept outside the database.

Every hash is an HMAC keyed with `settings.AUDIT_KEY`, which is not in the
database, so whoever owns the database cannot recompute one. `append` inserts
events in the caller's transaction, each with the keyed hash of its own
content, and takes no lock: a request never waits for another's transaction
to end. Once the transaction commits, `seal` takes the chain's lock for a few
milliseconds and adds an `AuditLink` for each committed event not yet in the
chain, in id order, each link's hash covering the link before it, so
changing or removing any event or link breaks the chain from there on. A
rolled-back transaction leaves no event to seal. Events whose seal did not run
(the process died just after commit) are sealed by the next seal or by
`audit_checkpoint`; `verify_audit` checks their content and reports any left
unsealed for longer than `AUDIT_UNSEALED_LIMIT_MINUTES`.

A chain alone cannot show that links were removed from its end (or all of
them): checkpoints (see `checkpoint.py`) record how long the chain was and its
last hash, where the database's owner cannot rewrite them. Events written
before chaining at commit carry their link in the row (`previous_hash`); the
chain of links carries on from the last of them.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import json
import multiprocessing
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent import futures
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.types.datetime import TimestamptzLoader

from .models import AuditEvent, AuditLink

GENESIS_HASH = "0" * 64
# Any constant will do: it names the one lock that sealing (and taking a checkpoint) takes.
CHAIN_LOCK_ID = 7_271_001
# A seal gives up after waiting this long for another; the events stay committed and the next seal takes them.
SEAL_LOCK_TIMEOUT = "2s"
# How many events a seal reads at a time.
SEAL_BATCH = 5000
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


def content_hash(previous_hash: str, *content: Any) -> str:
    """The HMAC-SHA-256 of an event's content (the HASHED_COLUMNS, in order) after `previous_hash`. Pure.

    `previous_hash` is blank for events sealed by a link, and the previous
    event's hash for events chained in the row. `append` reaches it through
    `event_hash`, and `verify_chain` passes it rows fetched as tuples, which is
    much faster than building model instances.
    """
    return keyed_sha256(settings.AUDIT_KEY, _message(previous_hash, *content))


def unkeyed_content_hash(previous_hash: str, *content: Any) -> str:
    """The plain SHA-256 that chained events before the audit key existed (see `checkpoint.adopt_unkeyed`)."""
    return hashlib.sha256(_message(previous_hash, *content)).hexdigest()


def _message(
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
) -> bytes:
    """The one canonical serialisation of an event's content (the HASHED_COLUMNS) after `previous_hash`."""
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
    return _SEPARATOR.join(fields).encode()


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
    """The HMAC-SHA-256 of an event's content after `previous_hash` (blank for events sealed by a link)."""
    return content_hash(previous_hash, *(getattr(event, column) for column in HASHED_COLUMNS))


def link_hash(seq: int, previous_hash: str, event_id: int, *content: Any) -> str:
    """The HMAC-SHA-256 of a link: its position, the event it seals (id and content: the HASHED_COLUMNS, in
    order), and the link before it.

    It covers the event's content itself, not the event's own hash, so that
    verifying a sealed event costs one HMAC.
    """
    return keyed_sha256(
        settings.AUDIT_KEY,
        f"link{_SEPARATOR}{seq}{_SEPARATOR}{event_id}{_SEPARATOR}".encode() + _message(previous_hash, *content),
    )


def append(events: Sequence[AuditEvent]) -> None:
    """Insert unsaved events, in order, in one insert in the caller's transaction; seal them once it commits.

    Takes no lock, so it never waits for another transaction. If the caller's
    transaction rolls back, the events go with it and nothing is sealed.
    """
    if not events:
        return
    now = timezone.now()
    request_id = current_request_id.get()
    for event in events:
        event.occurred_at = event.occurred_at or now
        event.request_id = event.request_id or request_id
        event.previous_hash = ""
        event.hash = event_hash("", event)
    # Two identical events say no more than one, and the log never holding two events with the same hash
    # is what lets verify_audit find a row copied into it by someone without the key (`ChainProblem.COPIED`).
    events = list({event.hash: event for event in reversed(events)}.values())[::-1]
    AuditEvent.objects.bulk_create(events)
    first_id = min((event.pk for event in events if event.pk is not None), default=None)
    # robust: the events are committed whatever happens here; a failed seal is caught up by the next one.
    transaction.on_commit(functools.partial(seal, from_id=first_id), robust=True)


def seal(*, from_id: int | None = None) -> int:
    """Chain committed events that are not in the chain yet, in id order; returns how many were sealed.

    Runs in a short transaction of its own, the only one that holds the
    chain's lock (an advisory lock on PostgreSQL, which gives up after
    `SEAL_LOCK_TIMEOUT`; SQLite serialises writers anyway). It reads only the
    audit tables, so it never waits behind a lock on anything else. Looks at
    events from `from_id` on (after a commit: the first event that transaction
    wrote), or else at all of them (`audit_checkpoint`, for any left behind).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One round trip: the timeout is set (for this transaction only) before the lock is asked for.
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s)",
                    [SEAL_LOCK_TIMEOUT, CHAIN_LOCK_ID],
                )
        sealed, chain = 0, None
        after = from_id - 1 if from_id is not None else 0
        while True:
            # A batch at a time, in id order from where the last one stopped: the LIMIT keeps the plan an
            # index range scan of the newest ids even when the table's statistics lag far behind its growth.
            batch = list(
                AuditEvent.objects.filter(previous_hash="", link__isnull=True, id__gt=after)
                .order_by("id")
                .values_list("id", "hash", *HASHED_COLUMNS)[:SEAL_BATCH]
            )
            links = []
            for event_id, stored_hash, *content in batch:
                # An event whose own hash does not match its content was not written by `append`: it stays
                # unsealed, for verify_audit to report, rather than be vouched for by the chain.
                if content_hash("", *content) != stored_hash:
                    continue
                seq, head = chain or chain_head()  # read once, and only when there is something to seal
                seq += 1
                previous, head = head, link_hash(seq, head, event_id, *content)
                chain = seq, head
                links.append(AuditLink(seq=seq, event_id=event_id, previous_hash=previous, hash=head))
            AuditLink.objects.bulk_create(links)
            sealed += len(links)
            if len(batch) < SEAL_BATCH:
                return sealed
            after = batch[-1][0]


def chain_head() -> tuple[int, str]:
    """The last link's position and hash; before the first link, 0 and the hash of the last event chained in its row."""
    last = AuditLink.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        return last
    return 0, _in_row().order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH


def chain_end() -> tuple[int, int | None, str]:
    """How many events the chain holds, and the last one's id and hash (its link's hash, if it has one).

    Call under the chain's lock, so that no seal falls between the reads.
    """
    in_row = _in_row().count()
    last_link = AuditLink.objects.order_by("-seq").values_list("seq", "event_id", "hash").first()
    if last_link is not None:
        return in_row + last_link[0], last_link[1], last_link[2]
    last = _in_row().order_by("-id").values_list("id", "hash").first()
    return in_row, last[0] if last else None, last[1] if last else ""


def hash_in_chain(event_id: int) -> tuple[str, int] | None:
    """An event's hash in the chain (its link's, if it has one) and how many events the chain holds up to it.

    None if the chain does not hold the event. Relies on a chain that
    `verify_chain` has found whole: links numbered from 1, without gaps.
    """
    link = AuditLink.objects.filter(event_id=event_id).values_list("seq", "hash").first()
    if link is not None:
        return link[1], _in_row().count() + link[0]
    stored = _in_row().filter(id=event_id).values_list("hash", flat=True).first()
    if stored is None:
        return None
    return stored, _in_row().filter(id__lte=event_id).count()


def unkeyed_prefix() -> tuple[int, int | None]:
    """How many in-row events, from the start, verify with the unkeyed hash of before the audit key; the last's id."""
    result = _verify_range(_START, None, 20_000, None, unkeyed_through=sys.maxsize)
    prefix = _in_row() if result.broken is None else _in_row().filter(id__lt=result.broken.event_id)
    return result.events_checked, prefix.order_by("-id").values_list("id", flat=True).first()


def _in_row() -> QuerySet[AuditEvent]:
    """Events written before chaining at commit, which carry their link in the row."""
    return AuditEvent.objects.exclude(previous_hash="")


class ChainProblem(enum.Enum):
    """What is wrong with the first event that breaks the chain, in words."""

    CONTENT_CHANGED = "its content does not match its hash"
    LINK_BROKEN = "its link to the event before it does not match that event's hash"
    GAP = "one or more events before it are missing"
    MISSING = "it is missing, though the chain records it"
    COPIED = "it is a copy of an earlier event (the same content and hash), which OneTeam never writes"


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which the chain is broken."""

    event_id: int
    occurred_at: datetime.datetime | None  # None when the event itself is missing
    problem: ChainProblem


@dataclass(frozen=True)
class ChainVerification:
    """The result of `verify_chain`: how many events were proved, the first break if any, and those not yet sealed.

    Unsealed events (committed, not yet chained) are counted in `events_checked`
    when their own hash matches their content; the chain does not cover them yet.
    """

    events_checked: int
    broken: ChainBreak | None = None
    unsealed: int = 0
    oldest_unsealed: datetime.datetime | None = None


@dataclass(frozen=True)
class _Start:
    """Where checking starts: after this in-row event's id or link's seq, and its stored hash; or at the start."""

    after: int | None
    hash: str


_START = _Start(None, GENESIS_HASH)
# Part of the log to check: where it starts, and the last event id or link seq it covers (None: to the end).
_Range = tuple[_Start, int | None]
# Checks one range: (start, last, chunk_size, on_progress).
_Check = Callable[[_Start, int | None, int, Callable[[int], object] | None], "ChainVerification"]
# On PostgreSQL a chain longer than this is checked in two halves at once, to use two cores.
SPLIT_ABOVE = 1_000_000


def verify_chain(
    *,
    chunk_size: int = 20_000,
    on_progress: Callable[[int], object] | None = None,
    split_above: int = SPLIT_ABOVE,
    unkeyed_through: int = 0,
) -> ChainVerification:
    """Recompute every event's and link's hash, in chain order from GENESIS_HASH, and report the first break.

    First the events chained in their rows (written before chaining at commit;
    those up to event `unkeyed_through` with the unkeyed hash of before the
    audit key), then the links in order, then the events not sealed yet.
    Rows are streamed as tuples of the hashed columns, so memory stays flat and
    no model instances are built. `on_progress` is called with the number of
    events checked since it was last called. A missing event or link shows as a
    break; removing links from the end of the chain cannot be seen from the
    chain alone.

    On PostgreSQL, long runs of links (or of in-row events) are split in two
    and both halves are checked at once by forked processes, one per core. The
    second half starts from the stored hash of the first half's last link (or
    event), which the first half proves.
    """
    check_in_row = functools.partial(_verify_range, unkeyed_through=unkeyed_through)
    in_row = _verify_parts(check_in_row, _in_row_ranges(split_above), chunk_size, on_progress)
    if in_row.broken is not None:
        return in_row
    copy = _first_copy()
    if copy is not None:
        return ChainVerification(in_row.events_checked, ChainBreak(copy[0], copy[1], ChainProblem.COPIED))
    links = _verify_parts(_verify_links, _link_ranges(split_above), chunk_size, on_progress)
    checked = in_row.events_checked + links.events_checked
    if links.broken is not None:
        return ChainVerification(checked, links.broken)
    unsealed = _verify_unsealed(chunk_size, on_progress)
    return dataclasses.replace(unsealed, events_checked=checked + unsealed.events_checked)


def _first_copy() -> tuple[int, datetime.datetime] | None:
    """A copied event (the newest event of the first set that share a hash), with when it says it happened.

    Each event's hash is keyed, so without the key a new or changed event cannot be made; but a row
    can be copied whole. `append` never writes two events with the same hash, so a second one is a copy.
    """
    copies = (
        AuditEvent.objects.filter(previous_hash="")
        .values("hash")
        .annotate(copies=Count("id"), last=Max("id"))
        .filter(copies__gt=1)
        .order_by("last")
        .values_list("last", flat=True)
    )
    first = copies.first()
    if first is None:
        return None
    return first, AuditEvent.objects.values_list("occurred_at", flat=True).get(id=first)


def _verify_parts(
    check: _Check, ranges: list[_Range], chunk_size: int, on_progress: Callable[[int], object] | None
) -> ChainVerification:
    """Check the ranges with `check`: one here, or several at once in forked processes."""
    if len(ranges) == 1:
        return check(*ranges[0], chunk_size, on_progress)
    return _verify_at_once(check, ranges, chunk_size, on_progress)


def _verify_links(
    start: _Start, last_seq: int | None, chunk_size: int, on_progress: Callable[[int], object] | None
) -> ChainVerification:
    """Check the links after `start` up to `last_seq`, in order, and the event each one seals.

    From the start, the first link follows the last in-row event's hash.
    """
    links = AuditLink.objects.order_by("seq").values_list(
        "seq",
        "previous_hash",
        "hash",
        "event_id",
        "event__hash",
        *(f"event__{column}" for column in HASHED_COLUMNS),
    )
    if start.after is None:
        expected_seq = 1
        expected_previous = _in_row().order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    else:
        expected_seq, expected_previous = start.after + 1, start.hash
        links = links.filter(seq__gt=start.after)
    if last_seq is not None:
        links = links.filter(seq__lte=last_seq)
    checked = 0
    with closing(_hashed_rows(links, chunk_size)) as rows:
        while chunk := list(islice(rows, chunk_size)):
            for position, row in enumerate(chunk):
                # row: seq, previous_hash, hash, event id, the event's own hash (None if it is missing),
                # then its HASHED_COLUMNS
                if problem := _link_problem(row, expected_seq, expected_previous):
                    return ChainVerification(checked + position, ChainBreak(row[3], row[5], problem))
                expected_seq, expected_previous = row[0] + 1, row[2]
            checked += len(chunk)
            if on_progress is not None:
                on_progress(len(chunk))
    return ChainVerification(checked)


def _link_problem(row: tuple[Any, ...], expected_seq: int, expected_previous: str) -> ChainProblem | None:
    """What is wrong with a link and the event it seals (a row of `_verify_links`), if anything."""
    seq, previous_hash, stored_hash, event_id, stored_event_hash = row[:5]
    if seq != expected_seq:
        return ChainProblem.GAP
    if stored_event_hash is None:
        return ChainProblem.MISSING
    if previous_hash != expected_previous:
        return ChainProblem.LINK_BROKEN
    if link_hash(seq, previous_hash, event_id, *row[5:]) == stored_hash:
        return None
    # Only on a break: the event's own hash tells a changed event from a changed link.
    changed = content_hash("", *row[5:]) != stored_event_hash
    return ChainProblem.CONTENT_CHANGED if changed else ChainProblem.LINK_BROKEN


def _verify_unsealed(chunk_size: int, on_progress: Callable[[int], object] | None) -> ChainVerification:
    """Check the content of events not sealed yet, count them, and find the oldest."""
    events = AuditEvent.objects.filter(previous_hash="", link__isnull=True).order_by("id")
    checked, oldest = 0, None
    with closing(_hashed_rows(events.values_list("id", "hash", *HASHED_COLUMNS), chunk_size)) as rows:
        while chunk := list(islice(rows, chunk_size)):
            for position, row in enumerate(chunk):
                # row: id, hash, then the HASHED_COLUMNS (the first is occurred_at)
                if content_hash("", *row[2:]) != row[1]:
                    return ChainVerification(
                        checked + position, ChainBreak(row[0], row[2], ChainProblem.CONTENT_CHANGED)
                    )
                oldest = row[2] if oldest is None else min(oldest, row[2])
            checked += len(chunk)
            if on_progress is not None:
                on_progress(len(chunk))
    return ChainVerification(checked, unsealed=checked, oldest_unsealed=oldest)


def _in_row_ranges(split_above: int) -> list[_Range]:
    """The parts of the in-row events to check at once: all of them, or on PostgreSQL a long run in two halves."""
    whole: list[_Range] = [(_START, None)]
    if not _may_fork():
        return whole
    ids = _in_row().aggregate(first=Min("id"), last=Max("id"))
    if ids["last"] is None or ids["last"] - ids["first"] < split_above:
        return whole
    halfway = (ids["first"] + ids["last"]) // 2
    event_id, stored_hash = _in_row().filter(id__lte=halfway).order_by("-id").values_list("id", "hash")[0]
    return [(_START, halfway), (_Start(event_id, stored_hash), None)]


def _link_ranges(split_above: int) -> list[_Range]:
    """The parts of the links to check at once: all of them, or on PostgreSQL a long chain in two halves."""
    whole: list[_Range] = [(_START, None)]
    if not _may_fork():
        return whole
    last = AuditLink.objects.aggregate(last=Max("seq"))["last"]
    if last is None or last < split_above:
        return whole
    halfway = last // 2
    stored_hash = AuditLink.objects.filter(seq=halfway).values_list("hash", flat=True).first()
    if stored_hash is None:
        return whole  # a gap there, which checking it whole reports
    return [(_START, halfway), (_Start(halfway, stored_hash), None)]


def _may_fork() -> bool:
    """Whether checking may be split between forked processes: only on PostgreSQL, outside a transaction.

    Forked processes have connections of their own, which cannot see rows this transaction has not committed.
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _verify_range(
    start: _Start,
    last_id: int | None,
    chunk_size: int,
    on_progress: Callable[[int], object] | None,
    unkeyed_through: int,
) -> ChainVerification:
    """Check the in-row events after `start` up to `last_id`; the hot loop, so kept short."""
    expected_previous, previous_id = start.hash, start.after
    checked = 0
    events = _in_row().order_by("id").values_list("id", "previous_hash", "hash", *HASHED_COLUMNS)
    if start.after is not None:
        events = events.filter(id__gt=start.after)
    if last_id is not None:
        events = events.filter(id__lte=last_id)
    with closing(_hashed_rows(events, chunk_size)) as rows:
        while chunk := list(islice(rows, chunk_size)):
            for position, row in enumerate(chunk):
                # row: id, previous_hash, hash, then the HASHED_COLUMNS
                hashed = unkeyed_content_hash if row[0] <= unkeyed_through else content_hash
                if row[1] != expected_previous or hashed(row[1], *row[3:]) != row[2]:
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
    check: _Check, ranges: list[_Range], chunk_size: int, on_progress: Callable[[int], object] | None
) -> ChainVerification:
    """Check each range with `check` in its own forked process, reporting their combined progress; the earliest
    break wins.
    """
    context = multiprocessing.get_context("fork")
    checked = context.Value("q", 0)
    with ProcessPoolExecutor(len(ranges), mp_context=context, initializer=_start_worker, initargs=(checked,)) as pool:
        parts = [pool.submit(_verify_in_worker, check, start, last, chunk_size) for start, last in ranges]
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


def _verify_in_worker(check: _Check, start: _Start, last: int | None, chunk_size: int) -> ChainVerification:
    """Check one range in a forked worker, then close the worker's own connection."""
    try:
        return check(start, last, chunk_size, _count_in_worker)
    finally:
        connection.close()


def _count_in_worker(events: int) -> None:
    """Add to the count the parent reports as progress."""
    assert _worker_checked is not None
    with _worker_checked.get_lock():
        _worker_checked.value += events


def _hashed_rows(rows: QuerySet[Any, tuple[Any, ...]], chunk_size: int) -> Generator[tuple[Any, ...]]:
    """The tuples of a `values_list` query of audit rows, streamed."""
    if connection.vendor != "postgresql":
        # SQLite (demo and tests) hands rows over as they are read, fast enough for its small logs.
        yield from rows.iterator(chunk_size=chunk_size)
        return
    # Django's psycopg loaders for timestamps and JSON run in Python and cost more than the hashing,
    # so the same SQL runs on a plain psycopg cursor with faster loaders. Streaming (libpq's chunked
    # rows) lets PostgreSQL send the next rows while this process hashes.
    sql, params = rows.query.sql_with_params()
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
            cursor.execute("TRUNCATE access_auditevent, access_auditlink")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DELETE FROM access_auditevent")
            cursor.execute("DELETE FROM access_auditlink")
