"""Signed checkpoints of the audit log, kept where the database's owner cannot rewrite them.

The keyed chain (audit.py) shows any event that was changed, and any gap; it
cannot show that events were removed from its end, or all of them. A
checkpoint records how many events the log held, the last event's id and its
hash, signed with the audit key. `manage.py audit_checkpoint` takes one (every
few minutes, from cron) and hands it to each of `settings.AUDIT_CHECKPOINT_STORES`:
by default the JSON log stream (which the log collector ships off the server)
and a file (`AUDIT_CHECKPOINT_FILE`, on another host or write-once storage).
Another store, such as an object store with a retention lock, is one more
function taking a `Checkpoint`. `verify_audit` checks the log against the
latest checkpoint in the file.
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

from .audit import CHAIN_LOCK_ID, keyed_sha256
from .models import AuditEvent

checkpoint_logger = logging.getLogger("oneteam.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    """The audit log's length and last event at one moment, signed with the audit key."""

    events: int
    last_id: int | None
    last_hash: str
    taken_at: str  # ISO 8601, UTC
    signature: str = ""

    def signed_content(self) -> bytes:
        """What the signature covers: every field but the signature."""
        return f"checkpoint\x1f{self.events}\x1f{self.last_id or ''}\x1f{self.last_hash}\x1f{self.taken_at}".encode()

    def expected_signature(self) -> str:
        """The signature this checkpoint must carry under the current audit key."""
        return keyed_sha256(settings.AUDIT_KEY, self.signed_content())

    @property
    def taken(self) -> datetime.datetime:
        """When it was taken."""
        return datetime.datetime.fromisoformat(self.taken_at)


class CheckpointForged(Exception):
    """A stored checkpoint's signature does not match: it was written or changed without the audit key."""


def take_checkpoint() -> Checkpoint:
    """Record the log's length and last event, sign it, and hand it to every configured store.

    The count and the last event are read together under the chain's lock, so
    no append can fall between them.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        events = AuditEvent.objects.count()
    unsigned = Checkpoint(
        events=events,
        last_id=last[0] if last else None,
        last_hash=last[1] if last else "",
        taken_at=timezone.now().astimezone(datetime.UTC).isoformat(),
    )
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


def latest_checkpoint(*, as_of: datetime.datetime | None = None) -> Checkpoint | None:
    """The last checkpoint in `AUDIT_CHECKPOINT_FILE` (taken at or before `as_of`, if given); None if there is none.

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
            if as_of is None or checkpoint.taken <= as_of:
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
    last_hash = AuditEvent.objects.filter(id=checkpoint.last_id).values_list("hash", flat=True).first()
    if last_hash is None:
        return f"event {checkpoint.last_id}, the last at the checkpoint of {taken:%Y-%m-%d %H:%M}, is missing"
    if last_hash != checkpoint.last_hash:
        return (
            f"event {checkpoint.last_id}, the last at the checkpoint of {taken:%Y-%m-%d %H:%M}, "
            "has a different hash: the chain was recomputed"
        )
    held = AuditEvent.objects.filter(id__lte=checkpoint.last_id).count()
    if held != checkpoint.events:
        return (
            f"the checkpoint of {taken:%Y-%m-%d %H:%M} recorded {checkpoint.events:,} events "
            f"up to event {checkpoint.last_id}; the log holds {held:,}"
        )
    return ""
