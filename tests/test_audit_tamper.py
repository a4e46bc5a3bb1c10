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
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from oneteam.access import audit
from oneteam.access.models import AuditEvent
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


def recompute_chain(hash_of: Callable[..., str]) -> None:
    """Rewrite every event's links and hashes with `hash_of` (an event's content chained to the previous hash)."""
    rows = list(AuditEvent.objects.order_by("id").values_list("id", *audit.HASHED_COLUMNS))
    previous = audit.GENESIS_HASH
    with append_only_trigger_off(), connection.cursor() as cursor:
        for event_id, *content in rows:
            new_hash = hash_of(previous, *content)
            cursor.execute(
                "UPDATE access_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
                [previous, new_hash, event_id],
            )
            previous = new_hash


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
        cursor.execute(
            "TRUNCATE access_auditevent" if connection.vendor == "postgresql" else "DELETE FROM access_auditevent"
        )
    assert not AuditEvent.objects.exists()
    message = verify_audit_fails_with()
    assert "Audit log shortened" in message
    assert "is missing" in message


def test_removing_the_last_events_is_found() -> None:
    events = checkpointed_chain(4)
    tamper("DELETE FROM access_auditevent WHERE id >= %s", [events[2].pk])
    message = verify_audit_fails_with()
    assert f"Audit log shortened: event {events[3].pk}" in message


@pytest.mark.parametrize("key", ["", "a-guess-at-the-key"], ids=["no key", "a guessed key"])
def test_a_change_with_the_chain_recomputed_without_the_real_key_is_found(key: str) -> None:
    """No checkpoint needed: without the key, the project's own hash function cannot make the hashes match."""
    events = make_chain(4)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", events[1].pk])
    with override_settings(AUDIT_KEY=key):
        recompute_chain(audit.content_hash)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    message = verify_audit_fails_with()
    assert f"Audit chain broken at event {first.pk} (" in message
    assert "its content does not match its hash" in message


def test_a_chain_recomputed_with_the_key_itself_is_found_by_the_checkpoint() -> None:
    """Even someone who stole the key cannot rewrite what a checkpoint has recorded."""
    events = checkpointed_chain(3)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", events[0].pk])
    recompute_chain(audit.content_hash)
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
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    logged = [record for record in caplog.records if record.name == "oneteam.audit.checkpoint"]
    assert len(logged) == 1
    in_log = logged[0].fields["checkpoint"]  # type: ignore[attr-defined]
    in_file = json.loads(checkpoint_file.read_text())
    assert in_log == in_file
    assert (in_file["events"], in_file["last_id"], in_file["last_hash"]) == (
        AuditEvent.objects.count(),
        last.pk,
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
    tamper("DELETE FROM access_auditevent WHERE id > %s", [events[-1].pk])
    assert "Audit log shortened" in verify_audit_fails_with()
    call_command("verify_audit", f"--as-of={first['taken_at']}")
    assert f"including all {first['events']} of the checkpoint" in capsys.readouterr().out


@pytest.mark.parametrize("length", [0, 1, 50, 64, 65, 86, 200])
def test_the_keyed_hash_is_hmac_sha256(length: int) -> None:
    key = ("k3y-" * 60)[:length]
    for message in (b"", b"event", "é\x1f".encode() * 100):
        assert audit.keyed_sha256(key, message) == hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
