"""Firing the same request from several members of staff at the same moment, each on its own connection."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client

from oneteam.organisations.models import Staff


def parallel_posts(staff: list[Staff], path: str, data: dict[str, str] | None = None) -> list[int]:
    """POST `data` to `path` as each member of staff at once (released together by a barrier); the statuses."""
    start = threading.Barrier(len(staff))
    statuses: list[int] = []

    def post(member: Staff) -> None:
        client = Client()
        client.force_login(member)
        try:
            start.wait()
            statuses.append(client.post(path, data or {}).status_code)
        finally:
            connection.close()  # each thread has its own connection; release it

    threads = [threading.Thread(target=post, args=(member,)) for member in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == len(staff), "a request did not finish"
    return statuses
