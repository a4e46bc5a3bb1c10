"""On PostgreSQL, a trigram index over `directory_service.search_text`, so a free-text search reads only the
services whose text holds every word, not all of them.

Search matches each word with `LIKE '%word%'` (see `search.search`), which a B-tree cannot answer; a GIN
index of trigrams (`pg_trgm`) can, with the same results. At 5,000 services it took the staff search query
from about 38 ms to 16 ms on a busy machine (docs/performance.md). `pg_trgm` ships with PostgreSQL and is a trusted
extension, so the database's owner may create it. SQLite has neither and keeps scanning, which at a test's
size costs nothing. The index is not in the model's Meta, because Django would then try to build it on
SQLite too. See docs/adr/0025-directory-search-uses-a-trigram-index.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "directory_service_search_text_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_service USING gin (search_text gin_trgm_ops)"
    )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other tables may come to use it, and dropping it needs more than ownership.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_records_of_existing_entries")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
