"""Save a create form at most once, however many times it is sent (ADR 0024).

Every create form carries a random key, printed when the form is shown (`submission_input` in the
templates). `once` claims the key in the same transaction as the write: the first submission saves,
any other with the same key (a double click, a retry while the first is loading)
saves nothing and is sent where the first one went.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import Submission

# The name of the hidden field that carries the key.
FIELD = "submission"


class AlreadySaved(Exception):
    """This form was saved before; `next_url` is the page its first submission went on to."""

    def __init__(self, next_url: str) -> None:
        super().__init__("This form was already saved.")
        self.next_url = next_url


def new_key() -> str:
    """A fresh key for a form being shown."""
    return str(uuid.uuid4())


def parse_key(value: str) -> uuid.UUID | None:
    """The key a form sent, or None when it sent none or nonsense (the save then goes ahead unguarded)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def saved_before(key: uuid.UUID | None) -> str | None:
    """The page the first submission with this key went on to, or None if none was saved."""
    if key is None:
        return None
    return Submission.objects.filter(key=key).values_list("next_url", flat=True).first()


@transaction.atomic
def once(*, key: uuid.UUID | None, save: Callable[[], str]) -> str:
    """Run `save` (which writes through its own service and returns the page to go to next) once per key.

    Raises AlreadySaved, having written nothing, if a submission with this key was saved before.
    Claiming the key and `save` share one transaction, so a `save` that raises (refused, invalid)
    releases the key for the corrected form. On PostgreSQL a second submission made while the first
    is still saving waits on the key's unique index, then finds the first; nothing is saved twice.
    """
    if key is None:
        return save()
    try:
        with transaction.atomic():
            Submission.objects.create(key=key)
    except IntegrityError:
        first = Submission.objects.get(key=key)
        raise AlreadySaved(first.next_url) from None
    next_url = save()
    Submission.objects.filter(key=key).update(next_url=next_url)
    return next_url
