"""Issue 20, item 1: an audit trail that whoever owns the database cannot rewrite unseen.

The chain is keyed with AUDIT_KEY (not in the database) and checkpoints are
kept outside it, so `verify_audit` finds emptying the log, removing its last
events, and recomputing the chain after a change. Tampering goes round the
database's own refusal, as an owner would (see oneteam/access/tests/test_audit_chain.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import QuerySet
from django.test import TestCase, override_settings
from django.utils import timezone

from oneteam.access import audit
from oneteam.access.models import AuditAction, AuditEvent, AuditLink
from oneteam.access.services import new_event, record_event
from oneteam.access.tests.test_audit_chain import append_only_trigger_off, make_chain, tamper, verify_audit_fails_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(tmp_path: Path) -> Iterator[Path]:
    """Each test keeps its checkpoints in a file of its own."""
    path = tmp_path / "audit-checkpoints.jsonl"
    with override_settings(AUDIT_CHECKPOINT_FILE=str(path)):
        yield path


def checkpointed_chain(length: int) -> list[AuditEvent]:
    events = make_chain(length)
    call_command("audit_checkpoint")
    return events


def recompute_chain() -> None:
    """Rewrite every event's hash and every link with the project's own hash functions, under the AUDIT_KEY of now."""
    events = {event_id: content for event_id, *content in AuditEvent.objects.values_list("id", *audit.HASHED_COLUMNS)}
    previous = audit.GENESIS_HASH
    with append_only_trigger_off(), connection.cursor() as cursor:
        for seq, event_id in AuditLink.objects.order_by("seq").values_list("seq", "event_id"):
            event_hash = audit.content_hash("", *events[event_id])
            cursor.execute("UPDATE access_auditevent SET hash = %s WHERE id = %s", [event_hash, event_id])
            new_hash = audit.link_hash(seq, previous, event_id, *events[event_id])
            cursor.execute(
                "UPDATE access_auditlink SET previous_hash = %s, hash = %s WHERE seq = %s", [previous, new_hash, seq]
            )
            previous = new_hash


def remove_events(after_id: int) -> None:
    """Remove events after `after_id`, and their links, as whoever owns the database could."""
    tamper("DELETE FROM access_auditlink WHERE event_id > %s", [after_id])
    tamper("DELETE FROM access_auditevent WHERE id > %s", [after_id])


def test_an_intact_log_passes_against_its_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    checkpointed_chain(3)
    make_chain(2)  # events after the checkpoint are fine
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"Audit chain intact: {AuditEvent.objects.count()} events" in out
    assert "including all" in out


def test_emptying_the_log_is_found() -> None:
    checkpointed_chain(3)
    with append_only_trigger_off(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE access_auditevent, access_auditlink")
        else:
            cursor.execute("DELETE FROM access_auditevent")
            cursor.execute("DELETE FROM access_auditlink")
    assert not AuditEvent.objects.exists()
    message = verify_audit_fails_with()
    assert "Audit log shortened" in message
    assert "is missing" in message


def test_removing_the_last_events_is_found() -> None:
    events = checkpointed_chain(4)
    remove_events(events[1].pk)
    message = verify_audit_fails_with()
    assert f"Audit log shortened: event {events[3].pk}" in message


@pytest.mark.parametrize("key", ["", "a-guess-at-the-key"], ids=["no key", "a guessed key"])
def test_a_change_with_the_chain_recomputed_without_the_real_key_is_found(key: str) -> None:
    """No checkpoint needed: without the key, the project's own hash function cannot make the hashes match."""
    events = make_chain(4)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", events[1].pk])
    with override_settings(AUDIT_KEY=key):
        recompute_chain()
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    message = verify_audit_fails_with()
    assert f"Audit chain broken at event {first.pk} (" in message
    assert "its content does not match its hash" in message


def test_a_chain_recomputed_with_the_key_itself_is_found_by_the_checkpoint() -> None:
    """Even someone who stole the key cannot rewrite what a checkpoint has recorded."""
    events = checkpointed_chain(3)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", events[0].pk])
    recompute_chain()
    assert audit.verify_chain().broken is None
    message = verify_audit_fails_with()
    assert "has a different hash: the chain was recomputed" in message


def test_a_forged_checkpoint_is_refused(checkpoint_file: Path) -> None:
    events = checkpointed_chain(3)
    line = json.loads(checkpoint_file.read_text().splitlines()[-1])
    tamper("DELETE FROM access_auditevent WHERE id = %s", [events[2].pk])
    # Whoever removed the last event writes a checkpoint to match, but cannot sign it.
    forged = {**line, "events": line["events"] - 1, "last_id": events[1].pk, "last_hash": events[1].hash}
    with checkpoint_file.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    assert "Audit checkpoints cannot be trusted: the checkpoint on line 2" in verify_audit_fails_with()


def test_a_checkpoint_goes_to_the_log_stream_and_the_file(
    checkpoint_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_chain(2)
    with caplog.at_level(logging.INFO, logger="oneteam.audit.checkpoint"):
        call_command("audit_checkpoint")
    last = AuditLink.objects.order_by("-seq").first()
    assert last is not None
    logged = [record for record in caplog.records if record.name == "oneteam.audit.checkpoint"]
    assert len(logged) == 1
    in_log = logged[0].fields["checkpoint"]  # type: ignore[attr-defined]
    in_file = json.loads(checkpoint_file.read_text())
    assert in_log == in_file
    assert (in_file["events"], in_file["last_id"], in_file["last_hash"]) == (
        AuditEvent.objects.count(),
        last.event_id,
        last.hash,
    )


def test_a_database_restored_to_an_earlier_moment_is_checked_against_the_checkpoint_of_that_moment(
    checkpoint_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = checkpointed_chain(2)
    first = json.loads(checkpoint_file.read_text())
    make_chain(2)
    call_command("audit_checkpoint")
    # The database as it was at the first checkpoint: the later events are not in it.
    remove_events(events[-1].pk)
    assert "Audit log shortened" in verify_audit_fails_with()
    call_command("verify_audit", f"--as-of={first['taken_at']}")
    assert f"including all {first['events']} of the checkpoint" in capsys.readouterr().out


@pytest.mark.parametrize("length", [0, 1, 50, 64, 65, 86, 200])
def test_the_keyed_hash_is_hmac_sha256(length: int) -> None:
    key = ("k3y-" * 60)[:length]
    for message in (b"", b"event", "é\x1f".encode() * 100):
        assert audit.keyed_sha256(key, message) == hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def write_unkeyed_log(length: int) -> list[AuditEvent]:
    """`length` events as OneTeam wrote them before the audit key: chained in their rows with a plain SHA-256."""
    head = audit.GENESIS_HASH
    for n in range(length):
        event = new_event(staff=None, username=f"before.the.key{n}", action=AuditAction.SIGN_IN_FAILED)
        event.occurred_at, event.request_id = timezone.now(), ""
        event.previous_hash = head
        event.hash = head = audit.unkeyed_content_hash(head, *(getattr(event, c) for c in audit.HASHED_COLUMNS))
        QuerySet.bulk_create(AuditEvent.objects.all(), [event])  # as the old code did, past the new guard
    return list(AuditEvent.objects.order_by("id"))


def test_a_log_from_before_the_audit_key_is_adopted_once_and_then_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    legacy = write_unkeyed_log(3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_event(staff=None, username="after.the.upgrade", action=AuditAction.SIGN_IN_FAILED)
    assert f"Audit chain broken at event {legacy[0].pk} (" in verify_audit_fails_with()
    call_command("audit_checkpoint", "--adopt-unkeyed")
    assert f"events up to {legacy[-1].pk} (3) verified" in capsys.readouterr().out
    call_command("audit_checkpoint")
    call_command("verify_audit")
    assert "Audit chain intact: 4 events, including all 4 of the checkpoint" in capsys.readouterr().out


def test_unkeyed_events_changed_and_rechained_after_their_adoption_are_found() -> None:
    """The unkeyed hash needs no key to recompute, so the signed record of the adoption is what protects them."""
    legacy = write_unkeyed_log(3)
    call_command("audit_checkpoint", "--adopt-unkeyed")
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", legacy[1].pk])
    head = legacy[0].hash
    for event in AuditEvent.objects.filter(id__gt=legacy[0].pk).order_by("id"):
        new_hash = audit.unkeyed_content_hash(head, *(getattr(event, c) for c in audit.HASHED_COLUMNS))
        tamper("UPDATE access_auditevent SET hash = %s, previous_hash = %s WHERE id = %s", [new_hash, head, event.pk])
        head = new_hash
    message = verify_audit_fails_with()
    assert f"Audit log's unkeyed events changed: event {legacy[-1].pk}" in message
    assert "the chain was recomputed" in message


def test_adopting_a_log_with_no_unkeyed_events_is_refused() -> None:
    make_chain(2)
    with pytest.raises(CommandError, match="Nothing adopted: no events at the start of the log"):
        call_command("audit_checkpoint", "--adopt-unkeyed")
