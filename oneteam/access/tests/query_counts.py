"""What an audit append costs in queries, for tests that pin a page's query count."""

from django.db import connection


def audit_append_queries() -> int:
    """Savepoint, read the chain head, insert, release; PostgreSQL also takes the chain's advisory lock."""
    return 5 if connection.vendor == "postgresql" else 4
