"""Sending a create form twice, as a double click or a retry does: the same page, the same key."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from oneteam.submissions.responses import ALREADY_SAVED

_KEY = re.compile(r'<input type="hidden" name="submission" value="([0-9a-f-]{36})">')


def key_on(client: Client, page: str) -> str:
    """The submission key printed in the form on `page` (fails if the form has none)."""
    response = client.get(page)
    assert response.status_code == 200, response.status_code
    found = _KEY.search(response.content.decode())
    assert found is not None, f"the form on {page} carries no submission key"
    return found.group(1)


def send_twice(client: Client, page: str, data: dict[str, Any], *, to: str = "") -> None:
    """Open `page`, post its form (`data`, to `to` or the page itself) twice with the key it printed.

    Checks the first saved (a redirect) and the second went to the same place and was told it was
    already saved, never an error.
    """
    key = key_on(client, page)
    first = client.post(to or page, {**data, "submission": key})
    assert first.status_code == 302, first.content.decode()[-3000:]
    second = client.post(to or page, {**data, "submission": key})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert ALREADY_SAVED in [str(message) for message in get_messages(second.wsgi_request)]
