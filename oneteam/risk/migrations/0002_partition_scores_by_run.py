"""On PostgreSQL, hold each stratification run's scores and deficits in a partition of their own.

A run then loads a fresh, unindexed table, lets ATTACH PARTITION build the
indexes once over the loaded rows, and drops the previous run's partition
instead of deleting half a million rows (which left as many dead ones behind).
Django's model is unchanged: queries name the parent table, and PostgreSQL
reads only the run's partition. A partitioned table's unique constraints must
include the partition key, so `id` keeps its sequence but is no longer the
database's primary key (nothing looks these rows up by id). Rows written
through the ORM outside a run (one-person recomputes go into the run's own
partition) land in a default partition, which the next run empties.

SQLite has no partitions; there a run deletes the previous run's rows.
"""

# ruff: noqa: S608 - only the fixed table and index names below are written into the statements.
from __future__ import annotations

from typing import Any

from django.db import migrations

# (table, its unique constraint and other indexes as (name, columns), as in models.py)
TABLES = (
    (
        "risk_personrisk",
        ("risk_one_score_per_run", "run_id, person_id"),
        (
            ("risk_practice_priority", "run_id, practice_neighbourhood_id, priority"),
            ("risk_ward_priority", "run_id, ward_neighbourhood_id, priority"),
        ),
    ),
    ("risk_persondeficit", ("risk_deficit_counts_once", "run_id, person_id, deficit"), ()),
)


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (unique, unique_columns), indexes in TABLES:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table])
            if cursor.fetchone():
                continue  # partitioned already (migrated back to 0001 and forward again)
        statements = [
            f"CREATE TABLE {table}_partitioned (LIKE {table} INCLUDING CONSTRAINTS) PARTITION BY LIST (run_id)",
            f"CREATE TABLE {table}_default PARTITION OF {table}_partitioned DEFAULT",
            f"INSERT INTO {table}_partitioned SELECT * FROM {table}",
            f"CREATE SEQUENCE {table}_partitioned_id_seq",
            f"SELECT setval('{table}_partitioned_id_seq', COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
            f"DROP TABLE {table}",
            f"ALTER TABLE {table}_partitioned RENAME TO {table}",
            f"ALTER SEQUENCE {table}_partitioned_id_seq RENAME TO {table}_id_seq",
            f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id",
            f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')",
            f"ALTER TABLE {table} ADD CONSTRAINT {unique} UNIQUE ({unique_columns})",
        ]
        statements += [f"CREATE INDEX {name} ON {table} ({columns})" for name, columns in indexes]
        for statement in statements:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    # Backwards, the partitioned tables serve the same model, so nothing needs undoing.
    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
