"""Small helpers about the database engine itself, shared by the apps that load many rows at once."""

from __future__ import annotations

from django.db import connection, models


def analyse(*tables: type[models.Model] | str) -> None:
    """Refresh PostgreSQL's statistics of tables just loaded in bulk, so the next statements plan on what is there.

    A freshly filled table that was never analysed looks nearly empty to the planner, which then scans it
    whole where an index would find a page's rows (the directory search spent 6 ms a page that way). Autovacuum
    analyses in time on most servers, but not straight after a load, and not where it is switched off.
    Nothing to do on SQLite.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            name = table if isinstance(table, str) else table._meta.db_table
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
