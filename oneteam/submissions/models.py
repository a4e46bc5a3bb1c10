"""One row per create form saved: its key, so the same form sent again saves nothing (ADR 0024)."""

from __future__ import annotations

from django.db import models


class Submission(models.Model):
    """A create form that was saved, by the key printed in it when it was shown.

    The key is the primary key, so the database takes exactly one submission of a form: a second
    (a double click, a retry on a slow connection) waits for the first to finish and then finds it.
    It holds no personal data: a random key, when, and the page the first submission went on to.
    """

    key = models.UUIDField(primary_key=True)
    made_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_url = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"Submission {self.key}"
