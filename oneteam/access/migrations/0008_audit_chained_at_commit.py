"""Chain audit events at commit: events carry a keyed hash of their own content, links chain them.

`AuditLink` rows are append-only like events: PostgreSQL refuses UPDATE and
DELETE on them, SQLite refuses UPDATE. Events' hashes are no longer unique
(two events may have the same content; each link is). On SQLite, altering the
event table rebuilds it, which drops its trigger, so that is made again.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

append_only = importlib.import_module("oneteam.access.migrations.0002_audit_append_only")

POSTGRES_UP = """
CREATE FUNCTION access_auditlink_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit links are append-only: % refused on link %', TG_OP, OLD.seq;
END
$$;
CREATE TRIGGER access_auditlink_append_only
    BEFORE UPDATE OR DELETE ON access_auditlink
    FOR EACH ROW EXECUTE FUNCTION access_auditlink_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER access_auditlink_append_only ON access_auditlink;
DROP FUNCTION access_auditlink_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER access_auditlink_no_update BEFORE UPDATE ON access_auditlink
BEGIN
    SELECT RAISE(ABORT, 'audit links are append-only: UPDATE refused');
END;
"""
SQLITE_DOWN = "DROP TRIGGER access_auditlink_no_update;"


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)  # the trigger text uses % placeholders of its own
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS access_auditevent_no_update")
        schema_editor.execute(append_only.SQLITE_UP.strip())
        schema_editor.execute(SQLITE_UP.strip())
    else:
        raise NotImplementedError(f"no append-only trigger for {vendor}")


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("access", "0007_audit_actions_after_merge")]

    operations = [
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="link",
                        to="access.auditevent",
                    ),
                ),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.AlterField(model_name="auditevent", name="hash", field=models.CharField(max_length=64)),
        migrations.AlterField(
            model_name="auditevent", name="previous_hash", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.RunPython(forwards, backwards),
    ]
