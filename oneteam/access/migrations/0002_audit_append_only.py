"""Make the audit log append-only in the database itself.

PostgreSQL (production) refuses UPDATE and DELETE on audit rows. TRUNCATE is
not a row operation, so the owner can still empty a demo or test database.
SQLite (demo and tests only) refuses UPDATE; it cannot refuse DELETE because
Django empties SQLite tables with DELETE between transactional tests. The model
layer refuses both on every database (see oneteam/access/models/audit.py).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES_UP = """
CREATE FUNCTION access_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on event %', TG_OP, OLD.id;
END
$$;
CREATE TRIGGER access_auditevent_append_only
    BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION access_auditevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER access_auditevent_append_only ON access_auditevent;
DROP FUNCTION access_auditevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE ON access_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused');
END;
"""
SQLITE_DOWN = "DROP TRIGGER access_auditevent_no_update;"


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres, params=None)  # the trigger text uses % placeholders of its own
    elif vendor == "sqlite":
        schema_editor.execute(sqlite.strip())  # one CREATE TRIGGER (or DROP) statement
    else:
        raise NotImplementedError(f"no append-only trigger for {vendor}")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
