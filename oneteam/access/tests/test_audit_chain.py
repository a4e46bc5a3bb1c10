"""Invariant 2: the audit log is append-only and tamper-evident, and `verify_audit` proves it.

To tamper, a test must first get past the database's own refusal, the way an
attacker with database access would: PostgreSQL's triggers are disabled for a
moment, SQLite's are dropped and recreated with the SQL of migrations 0002 and 0008.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test import TestCase, override_settings
from django.utils import timezone

from oneteam.access import audit
from oneteam.access.models import AuditAction, AuditEvent, AuditLink, DataCategory, Purpose
from oneteam.access.services import new_event, record_event
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff

pytestmark = pytest.mark.django_db

append_only_migration = importlib.import_module("oneteam.access.migrations.0002_audit_append_only")
links_migration = importlib.import_module("oneteam.access.migrations.0008_audit_chained_at_commit")


def make_chain(length: int) -> list[AuditEvent]:
    """`length` events about different people, appended one at a time as pages do, each sealed as its
    request's transaction commits.

    Returns just these events; setting up staff may have written others before them.
    """
    staff = sealed_staff()
    for n in range(length):
        with TestCase.captureOnCommitCallbacks(execute=True):
            record_event(
                staff=staff,
                action=AuditAction.VIEW,
                person_id=n + 1,
                category=DataCategory.PHYSICAL_HEALTH,
                purpose=Purpose.DIRECT_CARE,
                allowed=True,
                reason="Allowed: test.",
                detail={"n": n},
            )
    return list(AuditEvent.objects.filter(staff=staff).order_by("id"))


def sealed_staff() -> Staff:
    """A member of staff, whose setting up (which may be audited) was committed and sealed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make_staff(make_neighbourhood())


@contextmanager
def append_only_trigger_off() -> Iterator[None]:
    """Switch off the database's refusal of changes to audit events and links, and switch it back on afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE is refused while the test's inserts await their deferred foreign-key checks: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in ("access_auditevent", "access_auditlink"):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        else:
            cursor.execute(append_only_migration.SQLITE_DOWN)
            cursor.execute(links_migration.SQLITE_DOWN)
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                for table in ("access_auditevent", "access_auditlink"):
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            else:
                cursor.execute(append_only_migration.SQLITE_UP.strip())
                cursor.execute(links_migration.SQLITE_UP.strip())


def tamper(sql: str, params: list[str | int]) -> None:
    with append_only_trigger_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_audit_fails_with() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    return str(failure.value)


def test_each_event_is_sealed_by_a_link_that_carries_the_hash_of_the_one_before() -> None:
    make_chain(3)
    events = {event.pk: event for event in AuditEvent.objects.all()}
    links = list(AuditLink.objects.order_by("seq"))
    assert [link.seq for link in links] == list(range(1, len(events) + 1))
    assert sorted(link.event_id or 0 for link in links) == sorted(events)
    assert links[0].previous_hash == audit.GENESIS_HASH
    for earlier, later in pairwise(links):
        assert later.previous_hash == earlier.hash
    for link in links:
        event = events[link.event_id or 0]
        assert event.hash == audit.event_hash("", event)
        content = (getattr(event, column) for column in audit.HASHED_COLUMNS)
        assert link.hash == audit.link_hash(link.seq, link.previous_hash, event.pk, *content)


def test_events_appended_together_are_chained_in_order() -> None:
    staff = make_staff(make_neighbourhood())
    with TestCase.captureOnCommitCallbacks(execute=True):
        audit.append([new_event(staff=staff, action=AuditAction.VIEW, person_id=n) for n in range(1, 4)])
    events = list(AuditEvent.objects.filter(staff=staff).order_by("id"))
    assert [event.person_id for event in events] == [1, 2, 3]
    links = list(AuditLink.objects.filter(event_id__in=[event.pk for event in events]).order_by("seq"))
    assert [link.event_id for link in links] == [event.pk for event in events]
    assert [link.previous_hash for link in links[1:]] == [link.hash for link in links[:-1]]


def test_a_seal_takes_many_events_a_batch_at_a_time_and_chains_them_all_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = sealed_staff()
    for n in range(1, 8):
        record_event(staff=staff, action=AuditAction.VIEW, person_id=n)  # left unsealed, as if each seal failed
    monkeypatch.setattr(audit, "SEAL_BATCH", 3)
    assert audit.seal() == 7
    events = list(AuditEvent.objects.filter(staff=staff).order_by("id"))
    links = list(AuditLink.objects.filter(event_id__in=[event.pk for event in events]).order_by("seq"))
    assert [link.event_id for link in links] == [event.pk for event in events]
    result = audit.verify_chain()
    assert (result.broken, result.unsealed) == (None, 0)


def test_a_rolled_back_append_leaves_nothing_to_seal() -> None:
    staff = sealed_staff()
    with TestCase.captureOnCommitCallbacks(execute=True) as sealing, transaction.atomic():
        audit.append([new_event(staff=staff, action=AuditAction.VIEW, person_id=1)])
        transaction.set_rollback(True)
    assert not sealing
    assert not AuditEvent.objects.filter(staff=staff).exists()
    assert audit.seal() == 0


def test_events_left_unsealed_are_checked_and_sealed_by_the_next_checkpoint() -> None:
    staff = sealed_staff()
    record_event(staff=staff, action=AuditAction.VIEW, person_id=1)  # the process dies before its seal runs
    unsealed = AuditEvent.objects.get(staff=staff)
    result = audit.verify_chain()
    assert (result.broken, result.unsealed, result.oldest_unsealed) == (None, 1, unsealed.occurred_at)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["changed", unsealed.pk])
    broken = audit.verify_chain().broken
    assert broken is not None
    assert (broken.event_id, broken.problem) == (unsealed.pk, audit.ChainProblem.CONTENT_CHANGED)


def test_an_event_inserted_without_the_key_is_never_sealed_and_is_reported() -> None:
    """Someone with the server's database role can insert an event, but cannot give it a valid hash."""
    staff = sealed_staff()
    forged = new_event(staff=staff, action=AuditAction.VIEW, person_id=1)
    forged.occurred_at, forged.hash = timezone.now(), "0" * 64
    QuerySet.bulk_create(AuditEvent.objects.all(), [forged])  # straight into the table, past the model's guard
    assert audit.seal() == 0
    broken = audit.verify_chain().broken
    assert broken is not None
    assert (broken.event_id, broken.problem) == (forged.pk, audit.ChainProblem.CONTENT_CHANGED)


def test_an_event_copied_whole_into_the_log_is_found_though_its_hash_is_valid() -> None:
    """Without the key no new event can be made, but a row can be copied: its keyed hash is still right."""
    original = make_chain(3)[1]
    copy = AuditEvent.objects.get(pk=original.pk)
    copy.pk = None
    QuerySet.bulk_create(AuditEvent.objects.all(), [copy])  # straight into the table, past the model's guard
    audit.seal()
    broken = audit.verify_chain().broken
    assert broken is not None
    assert (broken.event_id, broken.problem) == (copy.pk, audit.ChainProblem.COPIED)


def test_identical_events_appended_together_are_written_once() -> None:
    staff = sealed_staff()
    with TestCase.captureOnCommitCallbacks(execute=True):
        audit.append([new_event(staff=staff, action=AuditAction.LIST, person_id=7) for _ in range(3)])
    assert AuditEvent.objects.filter(staff=staff, person_id=7).count() == 1
    assert audit.verify_chain().broken is None


def test_an_event_left_unsealed_for_too_long_fails_verification() -> None:
    staff = sealed_staff()
    record_event(staff=staff, action=AuditAction.VIEW, person_id=1)
    call_command("verify_audit")  # just committed: not yet a problem
    with override_settings(AUDIT_UNSEALED_LIMIT_MINUTES=0):
        assert "1 audit events are not sealed into the chain" in verify_audit_fails_with()
        call_command("audit_checkpoint")
        call_command("verify_audit")
    assert AuditLink.objects.filter(event_id=AuditEvent.objects.get(staff=staff).pk).exists()


def test_the_orm_refuses_to_change_or_remove_a_link() -> None:
    event = make_chain(1)[0]
    link = AuditLink.objects.get(event_id=event.pk)
    with pytest.raises(PermissionError):
        link.save()
    with pytest.raises(PermissionError):
        link.delete()
    with pytest.raises(PermissionError):
        AuditLink.objects.filter(pk=link.pk).update(hash="changed")


def test_the_database_refuses_to_change_a_link() -> None:
    event = make_chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_auditlink SET hash = 'changed' WHERE event_id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM access_auditlink WHERE event_id = %s", [event.pk])
    assert AuditLink.objects.filter(event_id=event.pk).exists()


def test_the_orm_refuses_to_change_or_remove_an_event() -> None:
    event = make_chain(1)[0]
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_an_update() -> None:
    event = make_chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_auditevent SET reason = 'changed' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "Allowed: test."


def test_the_database_refuses_a_delete() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no delete trigger: Django empties SQLite tables with DELETE between tests")
    event = make_chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_intact_chain_passes(capsys: pytest.CaptureFixture[str]) -> None:
    make_chain(4)
    total = AuditEvent.objects.count()
    call_command("verify_audit")
    assert f"Audit chain intact: {total} events" in capsys.readouterr().out
    assert audit.verify_chain() == audit.ChainVerification(events_checked=total)


def test_changed_content_is_found_and_named() -> None:
    events = make_chain(5)
    tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["Allowed: nothing to see.", events[2].pk])
    message = verify_audit_fails_with()
    assert f"Audit chain broken at event {events[2].pk} (" in message
    assert "its content does not match its hash" in message


def test_a_changed_link_is_found_and_named() -> None:
    events = make_chain(5)
    tamper("UPDATE access_auditlink SET previous_hash = %s WHERE event_id = %s", [audit.GENESIS_HASH, events[3].pk])
    message = verify_audit_fails_with()
    assert f"Audit chain broken at event {events[3].pk} (" in message
    assert "its link to the event before it" in message


def test_a_removed_event_and_its_link_are_found_at_the_event_after_it() -> None:
    events = make_chain(5)
    tamper("DELETE FROM access_auditevent WHERE id = %s", [events[2].pk])
    tamper("DELETE FROM access_auditlink WHERE event_id = %s", [events[2].pk])
    message = verify_audit_fails_with()
    assert f"Audit chain broken at event {events[3].pk} (" in message
    assert "events before it are missing" in message


def test_a_removed_event_whose_link_is_left_is_found() -> None:
    events = make_chain(5)
    tamper("DELETE FROM access_auditevent WHERE id = %s", [events[2].pk])
    assert f"Audit chain broken at event {events[2].pk}: it is missing" in verify_audit_fails_with()


def test_a_link_moved_to_another_event_is_found() -> None:
    events = make_chain(5)
    tamper("UPDATE access_auditlink SET event_id = -event_id WHERE event_id = %s", [events[2].pk])
    tamper("UPDATE access_auditlink SET event_id = %s WHERE event_id = %s", [events[2].pk, events[1].pk])
    tamper("UPDATE access_auditlink SET event_id = %s WHERE event_id = %s", [events[1].pk, -events[2].pk])
    message = verify_audit_fails_with()
    assert "its link to the event before it" in message


def test_progress_is_reported_for_every_event() -> None:
    make_chain(5)
    seen: list[int] = []
    audit.verify_chain(chunk_size=2, on_progress=seen.append)
    assert sum(seen) == AuditEvent.objects.count()
    assert set(seen[:-1]) == {2}


def test_a_demo_reset_empties_the_log_and_a_new_chain_starts() -> None:
    make_chain(3)
    audit.purge_for_demo_reset()
    assert not AuditEvent.objects.exists()
    make_chain(1)
    assert AuditLink.objects.get(seq=1).previous_hash == audit.GENESIS_HASH


@override_settings(PRODUCTION=True)
def test_a_demo_reset_is_refused_in_production() -> None:
    event = make_chain(1)[0]
    with pytest.raises(PermissionError):
        audit.purge_for_demo_reset()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_long_log_is_checked_in_two_halves_at_once_and_breaks_are_still_found() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL logs are split: the forked processes need a database server to connect to")
    events = make_chain(8)
    total = AuditEvent.objects.count()
    ids = list(AuditEvent.objects.values_list("id", flat=True))
    assert events[2].pk <= (min(ids) + max(ids)) // 2 < events[6].pk, "one in each half"
    seen: list[int] = []
    assert audit.verify_chain(split_above=2, on_progress=seen.append) == audit.ChainVerification(total)
    assert sum(seen) == total
    for tampered in (events[6], events[2]):  # in the second half, then also in the first: the first break counts
        tamper("UPDATE access_auditevent SET reason = %s WHERE id = %s", ["changed", tampered.pk])
        result = audit.verify_chain(split_above=2)
        assert result.broken is not None
        assert result.broken.event_id == tampered.pk
        assert result.broken.problem == audit.ChainProblem.CONTENT_CHANGED
