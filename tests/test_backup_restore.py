"""The backup and restore in docs/operations.md works: same rows, and an audit chain that still verifies."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.services import record_event
from oneteam.organisations.models import Staff
from oneteam.referrals.synthetic import generate_referral_history
from oneteam.synthetic.city import generate_city

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backups use PostgreSQL's own pg_dump and pg_restore; CI runs this on PostgreSQL",
    ),
]


def _server_options() -> list[str]:
    database = connection.settings_dict
    return [
        f"--host={database['HOST'] or '127.0.0.1'}",
        f"--port={database['PORT'] or 5432}",
        f"--username={database['USER'] or 'postgres'}",
    ]


def _url(name: str) -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


def _row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the public schema, counted in the database at `url`."""
    with psycopg.connect(url) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # type: ignore[index]  # noqa: S608 - names from the catalogue


def _back_up_and_restore(tmp_path: Path, into: str) -> None:
    """The commands docs/operations.md gives, as an operator would type them."""
    dump = tmp_path / "oneteam.dump"
    subprocess.run(
        ["pg_dump", *_server_options(), "--format=custom", f"--file={dump}", connection.settings_dict["NAME"]],
        check=True,
    )
    subprocess.run(["createdb", *_server_options(), into], check=True)
    subprocess.run(["pg_restore", *_server_options(), "--no-owner", f"--dbname={into}", str(dump)], check=True)


def _verify_audit(name: str) -> subprocess.CompletedProcess[str]:
    """`manage.py verify_audit` run against the database called `name`."""
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": _url(name)},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def restored_name() -> Iterator[str]:
    """The name of a database to restore into, dropped afterwards whatever happens."""
    name = f"{connection.settings_dict['NAME']}_restored"
    yield name
    subprocess.run(["dropdb", *_server_options(), "--if-exists", name], check=True)


def test_a_dump_restores_into_a_fresh_database_with_the_same_rows_and_a_valid_audit_chain(
    tmp_path: Path, restored_name: str
) -> None:
    now = timezone.now()
    generate_city(residents=300, seed=3, as_of=now.date())
    generate_referral_history(open_referrals=60, closed_referrals=40, seed=3, now=now)
    staff = Staff.objects.order_by("pk").first()
    for number in range(25):
        record_event(staff=staff, action=AuditAction.SEARCH, detail={"backup test": number})
    original = _row_counts(_url(connection.settings_dict["NAME"]))
    assert original["people_person"] == 300 and original["access_auditevent"] == 25

    _back_up_and_restore(tmp_path, into=restored_name)

    assert _row_counts(_url(restored_name)) == original
    verified = _verify_audit(restored_name)
    assert verified.returncode == 0, verified.stderr
    assert f"Audit chain intact: {AuditEvent.objects.count()} events" in verified.stdout


def test_the_restored_chain_check_fails_if_the_restored_audit_log_was_altered(
    tmp_path: Path, restored_name: str
) -> None:
    """The check above would catch a bad restore: a changed event in the restored copy fails verification."""
    generate_city(residents=20, seed=4, as_of=datetime.date(2026, 12, 2))
    staff = Staff.objects.order_by("pk").first()
    for number in range(5):
        record_event(staff=staff, action=AuditAction.SEARCH, detail={"n": number})
    _back_up_and_restore(tmp_path, into=restored_name)
    with psycopg.connect(_url(restored_name), autocommit=True) as database:
        # Someone with the database owner's powers edits the restored copy, getting past the append-only trigger.
        database.execute("ALTER TABLE access_auditevent DISABLE TRIGGER USER")
        database.execute(
            "UPDATE access_auditevent SET detail = '{\"n\": 99}' WHERE id = (SELECT min(id) + 2 FROM access_auditevent)"
        )

    verified = _verify_audit(restored_name)
    assert verified.returncode != 0
    assert "Audit chain broken" in verified.stderr
