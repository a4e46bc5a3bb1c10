"""The meeting timetable, worked out from the agenda: no ORM, so it can be tested by table.

Every item belongs to the GP practice of the person it is about. Each practice's
items are put together in one unbroken slot, so a GP joins once, for their own
people only. Slots come in the order their first item was proposed; items keep
their proposal order inside a slot.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Entry(Generic[Key]):
    """What the timetable needs to know of one agenda item."""

    key: Key
    practice: int | None  # None: the person's GP practice is not known (they are grouped together)
    minutes: int


@dataclass(frozen=True)
class Timed(Generic[Key]):
    """An agenda item with its place in the timetable."""

    key: Key
    starts: datetime.datetime
    ends: datetime.datetime


@dataclass
class Slot(Generic[Key]):
    """One GP practice's consecutive part of the meeting."""

    practice: int | None
    starts: datetime.datetime
    ends: datetime.datetime
    items: list[Timed[Key]] = field(default_factory=list)


def build(entries: Sequence[Entry[Key]], start: datetime.datetime) -> list[Slot[Key]]:
    """The slots of a meeting starting at `start`, for `entries` in proposal order."""
    by_practice: dict[int | None, list[Entry[Key]]] = {}
    for entry in entries:
        by_practice.setdefault(entry.practice, []).append(entry)
    slots = []
    clock = start
    for practice, group in by_practice.items():
        slot = Slot[Key](practice=practice, starts=clock, ends=clock)
        for entry in group:
            ends = clock + datetime.timedelta(minutes=entry.minutes)
            slot.items.append(Timed(entry.key, clock, ends))
            clock = ends
        slot.ends = clock
        slots.append(slot)
    return slots


# However short its agenda, a meeting takes the room and the chair for this long: an empty agenda is not 0 minutes.
MINIMUM_MINUTES = 30


def length_in_minutes(item_minutes: Sequence[int]) -> int:
    """How long a meeting with items of these lengths lasts: their total, but never less than the minimum."""
    return max(sum(item_minutes), MINIMUM_MINUTES)


def ends_at(entries: Sequence[Entry[Key]], start: datetime.datetime) -> datetime.datetime:
    """When a meeting starting at `start` with these items finishes (at least `MINIMUM_MINUTES` after)."""
    return start + datetime.timedelta(minutes=length_in_minutes([entry.minutes for entry in entries]))


def overlaps(
    first: tuple[datetime.datetime, datetime.datetime], second: tuple[datetime.datetime, datetime.datetime]
) -> bool:
    """Whether two time ranges share any time (touching ends do not count)."""
    return first[0] < second[1] and second[0] < first[1]
