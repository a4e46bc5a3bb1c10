"""Issue 20, item 1: on PostgreSQL the server's role may only add to and read the audit log.

The roles are set up with scripts/database-roles.sql, exactly as docs/operations.md says.
"""

from __future__ import annotations

import secrets
import subprocess

import psycopg
import pytest
from django.db import connection

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.services import record_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]


def test_the_server_role_can_add_to_and_read_the_audit_log_but_not_change_remove_or_empty_it() -> None:
    record_event(staff=None, username="someone", action=AuditAction.SIGN_IN_FAILED)
    suffix = secrets.token_hex(4)
    owner, app = f"oneteam_owner_{suffix}", f"oneteam_app_{suffix}"
    server = connection.settings_dict
    admin = ["-h", server["HOST"] or "127.0.0.1", "-p", str(server["PORT"] or 5432), "-U", server["USER"] or "postgres"]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{owner}" NOLOGIN')
        cursor.execute(f'CREATE ROLE "{app}" LOGIN')
    try:
        script = [
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            f"owner={owner}",
            "-v",
            f"app={app}",
            "-f",
            "scripts/database-roles.sql",
        ]
        # psql from PATH, with our own script and generated role names.
        subprocess.run(["psql", *admin, "--dbname", server["NAME"], *script], check=True, capture_output=True)  # noqa: S603, S607
        with psycopg.connect(host=admin[1], port=admin[3], user=app, dbname=server["NAME"], autocommit=True) as as_app:
            assert as_app.execute("SELECT count(*) FROM access_auditevent").fetchone() == (AuditEvent.objects.count(),)
            for refused in (
                "UPDATE access_auditevent SET reason = 'changed'",
                "DELETE FROM access_auditevent",
                "TRUNCATE access_auditevent",
                "UPDATE access_auditlink SET hash = 'changed'",
                "DELETE FROM access_auditlink",
                "TRUNCATE access_auditlink",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    as_app.execute(refused)
            # Adding is allowed (the chain is the application's business; here only the privilege is tested).
            as_app.execute(
                "INSERT INTO access_auditevent (occurred_at, role, username, action, category, purpose, reason,"
                " detail, request_id, previous_hash, hash) VALUES (now(), '', 'x', 'sign_in_failed', '', '', '',"
                " '{}', '', '', %s)",
                [secrets.token_hex(32)],
            )
            as_app.execute("INSERT INTO access_auditlink (seq, event_id, previous_hash, hash) VALUES (-1, -1, '', '')")
            assert as_app.execute("SELECT count(*) FROM access_auditlink WHERE seq = -1").fetchone() == (1,)
            # Everything else stays readable and writable.
            as_app.execute("UPDATE access_signinattempt SET consecutive_failures = 0")
        assert AuditEvent.objects.count() == 2
    finally:
        with connection.cursor() as cursor:
            for role in (app, owner):
                cursor.execute(f'DROP OWNED BY "{role}"')
                cursor.execute(f'DROP ROLE "{role}"')
