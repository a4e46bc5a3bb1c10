"""Signed checkpoints of the audit log, kept where the database's owner cannot rewrite them.

The keyed chain (audit.py) shows any event that was changed, and any gap; it
cannot show that events were removed from its end, or all of them. A
checkpoint records how many events the chain held, the last event's id and
its hash in the chain, signed with the audit key. `manage.py audit_checkpoint` takes one (every
few minutes, from cron) and hands it to each of `settings.AUDIT_CHECKPOINT_STORES`:
by default the JSON log stream (which the log collector ships off the server)
and a file (`AUDIT_CHECKPOINT_FILE`, on another host or write-once storage).
Another store, such as an object store with a retention lock, is one more
function taking a `Checkpoint`. `verify_audit` checks the log against the
latest checkpoint in the file.

An "unkeyed" checkpoint (`audit_checkpoint --adopt-unkeyed`, once, on
upgrading) records that the events written before the audit key existed,
chained with a plain SHA-256, verified at that time; from then on they are
checked with that hash and must still match it.
"""

from __future__ import annotations

import datetime
import hmac
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import audit

checkpoint_logger = logging.getLogger("oneteam.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    """The audit log's length and last event at one moment, signed with the audit key."""

    events: int
    last_id: int | None
    last_hash: str
    taken_at: str  # ISO 8601, UTC
    signature: str = ""
    # UNKEYED for the record of the events chained before the audit key; blank for an ordinary checkpoint.
    kind: str = ""

    def signed_content(self) -> bytes:
        """What the signature covers: every field but the signature."""
        kind = f"{self.kind}\x1f" if self.kind else ""
        return (
            f"checkpoint\x1f{kind}{self.events}\x1f{self.last_id or ''}\x1f{self.last_hash}\x1f{self.taken_at}".encode()
        )

    def expected_signature(self) -> str:
        """The signature this checkpoint must carry under the current audit key."""
        return audit.keyed_sha256(settings.AUDIT_KEY, self.signed_content())

    @property
    def taken(self) -> datetime.datetime:
        """When it was taken."""
        return datetime.datetime.fromisoformat(self.taken_at)


UNKEYED = "unkeyed"


class CheckpointForged(Exception):
    """A stored checkpoint's signature does not match: it was written or changed without the audit key."""


def take_checkpoint() -> Checkpoint:
    """Seal any committed events left unsealed, record the chain's length and last event, sign, and store.

    The count and the last event are read together under the chain's lock, so
    no seal can fall between them.
    """
    audit.seal()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit.CHAIN_LOCK_ID])
        events, last_id, last_hash = audit.chain_end()
    return _sign_and_store(Checkpoint(events=events, last_id=last_id, last_hash=last_hash, taken_at=_now()))


class NothingToAdopt(Exception):
    """There are no events chained with the unkeyed hash of before the audit key, or the log does not verify."""


def adopt_unkeyed() -> Checkpoint:
    """Record, in a signed checkpoint, that the events chained before the audit key existed verify now.

    Those events (from the first, as long as they verify with the plain
    SHA-256 of before) cannot verify with the key. The whole log is checked
    with them taken as unkeyed; only if it is intact is the checkpoint
    written, so it vouches for them as they are today. Run once, on upgrading.
    """
    events, last_id = audit.unkeyed_prefix()
    if last_id is None:
        raise NothingToAdopt("no events at the start of the log are chained with the unkeyed hash")
    result = audit.verify_chain(unkeyed_through=last_id)
    if result.broken is not None:
        raise NothingToAdopt(
            f"the log does not verify even with events up to {last_id} taken as unkeyed: "
            f"event {result.broken.event_id}: {result.broken.problem.value}"
        )
    last_hash = audit.hash_in_chain(last_id)
    assert last_hash is not None  # the prefix was just read
    return _sign_and_store(
        Checkpoint(events=events, last_id=last_id, last_hash=last_hash[0], taken_at=_now(), kind=UNKEYED)
    )


def _now() -> str:
    return timezone.now().astimezone(datetime.UTC).isoformat()


def _sign_and_store(unsigned: Checkpoint) -> Checkpoint:
    """`unsigned`, signed with the audit key and handed to every configured store."""
    checkpoint = Checkpoint(**{**asdict(unsigned), "signature": unsigned.expected_signature()})
    for store in settings.AUDIT_CHECKPOINT_STORES:
        import_string(store)(checkpoint)
    return checkpoint


def to_log(checkpoint: Checkpoint) -> None:
    """Store: one line on the log stream (JSON in production), for the log collector to keep."""
    checkpoint_logger.info(
        "Audit checkpoint: %s events, last event %s",
        checkpoint.events,
        checkpoint.last_id,
        extra={"fields": {"checkpoint": asdict(checkpoint)}},
    )


def to_file(checkpoint: Checkpoint) -> None:
    """Store: one JSON line appended to `AUDIT_CHECKPOINT_FILE`, if one is set."""
    if not settings.AUDIT_CHECKPOINT_FILE:
        return
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")


def latest_checkpoint(*, as_of: datetime.datetime | None = None, kind: str = "") -> Checkpoint | None:
    """The last checkpoint of `kind` in `AUDIT_CHECKPOINT_FILE` (taken at or before `as_of`, if given), or None.

    Raises CheckpointForged if any checkpoint in the file is not signed with the audit key.
    """
    if not settings.AUDIT_CHECKPOINT_FILE or not Path(settings.AUDIT_CHECKPOINT_FILE).exists():
        return None
    latest = None
    with Path(settings.AUDIT_CHECKPOINT_FILE).open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                checkpoint = Checkpoint(**json.loads(line))
            except (ValueError, TypeError) as error:
                raise CheckpointForged(f"line {number} of the checkpoint file is not a checkpoint") from error
            if not hmac.compare_digest(checkpoint.signature, checkpoint.expected_signature()):
                raise CheckpointForged(f"the checkpoint on line {number} of the checkpoint file is not signed")
            if checkpoint.kind == kind and (as_of is None or checkpoint.taken <= as_of):
                latest = checkpoint
    return latest


def missing_since(checkpoint: Checkpoint) -> str:
    """What the database lacks that `checkpoint` recorded, in words; blank if it holds all of it.

    Run after the chain itself has been verified: a chain with no gaps that
    still holds the checkpoint's last event, unchanged, and as many events up
    to it, has lost nothing the checkpoint saw.
    """
    if checkpoint.last_id is None:
        return ""
    taken = timezone.localtime(checkpoint.taken)
    in_chain = audit.hash_in_chain(checkpoint.last_id)
    if in_chain is None:
        return f"event {checkpoint.last_id}, the last at the checkpoint of {taken:%Y-%m-%d %H:%M}, is missing"
    last_hash, held = in_chain
    if last_hash != checkpoint.last_hash:
        return (
            f"event {checkpoint.last_id}, the last at the checkpoint of {taken:%Y-%m-%d %H:%M}, "
            "has a different hash: the chain was recomputed"
        )
    if held != checkpoint.events:
        return (
            f"the checkpoint of {taken:%Y-%m-%d %H:%M} recorded {checkpoint.events:,} events "
            f"up to event {checkpoint.last_id}; the log holds {held:,}"
        )
    return ""
