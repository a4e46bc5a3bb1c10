"""Issue 20, item 3 on PostgreSQL: a long lock or a long transaction elsewhere does not hang pages, the audit
log, or the health check."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client

from oneteam.access import audit
from oneteam.access.models import AuditAction, AuditEvent, AuditLink
from oneteam.access.services import record_event
from oneteam.people.models import Person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="lock and statement timeouts are PostgreSQL's"),
]
LOCK_TIMEOUT_SECONDS = 5  # the default DATABASE_LOCK_TIMEOUT_MS


@contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Another session holds `table` in ACCESS EXCLUSIVE mode (as a long migration or a careless query would)."""
    server = connection.settings_dict
    with (
        psycopg.connect(host=server["HOST"], port=server["PORT"], user=server["USER"], dbname=server["NAME"]) as other,
        other.transaction(),
    ):
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield


def test_a_write_blocked_by_a_table_lock_gives_up_and_frees_the_audit_chain_for_everyone_else() -> None:
    timings: dict[str, float] = {}

    def unrelated_append() -> None:
        time.sleep(0.5)  # after the blocked request has taken the chain
        started = time.monotonic()
        record_event(staff=None, username="elsewhere", action=AuditAction.SIGN_IN_FAILED)
        timings["unrelated"] = time.monotonic() - started
        connections.close_all()

    with table_locked("people_person"):
        other = threading.Thread(target=unrelated_append)
        other.start()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            record_event(staff=None, username="blocked", action=AuditAction.SIGN_IN_FAILED)
            Person.objects.update(given_name="x")  # waits for the lock, then gives up
        timings["blocked"] = time.monotonic() - started
        other.join(timeout=30)
    assert timings["blocked"] < LOCK_TIMEOUT_SECONDS + 2
    assert timings["unrelated"] < LOCK_TIMEOUT_SECONDS + 2
    assert list(AuditEvent.objects.values_list("username", flat=True)) == ["elsewhere"]


def test_an_audited_read_does_not_wait_for_another_transaction_that_has_audited_and_is_still_open() -> None:
    """The audit append takes no lock: the chain is sealed after each transaction commits, in commit order."""
    audited, release = threading.Event(), threading.Event()
    order: list[str] = []

    def slow_write() -> None:
        try:
            with transaction.atomic():
                record_event(staff=None, username="slow", action=AuditAction.SIGN_IN_FAILED)
                audited.set()
                release.wait(timeout=30)  # a slow write elsewhere, inside the same transaction
                order.append("slow write committed")
        finally:
            connections.close_all()

    writer = threading.Thread(target=slow_write)
    writer.start()
    try:
        assert audited.wait(timeout=10)
        record_event(staff=None, username="reader", action=AuditAction.SIGN_IN_FAILED)  # another connection
        order.append("read audited")
    finally:
        release.set()
        writer.join(timeout=30)
    assert order == ["read audited", "slow write committed"]
    sealed = AuditLink.objects.order_by("seq").values_list("event__username", flat=True)
    assert list(sealed) == ["reader", "slow"]
    assert audit.verify_chain() == audit.ChainVerification(2)


def test_the_health_check_says_unavailable_while_the_tables_every_page_needs_are_locked() -> None:
    with table_locked("django_session"):
        started = time.monotonic()
        response = Client().get("/healthz")
        assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
        assert time.monotonic() - started < 4  # HEALTHZ_TIMEOUT_MS is 2 seconds
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
