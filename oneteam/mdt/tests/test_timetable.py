"""The timetable groups each GP practice's items into one unbroken slot, in proposal order."""

from __future__ import annotations

import datetime

import pytest

from oneteam.mdt.timetable import MINIMUM_MINUTES, Entry, build, ends_at, overlaps

NINE = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


def at(minutes: int) -> datetime.datetime:
    return NINE + datetime.timedelta(minutes=minutes)


def test_each_practice_gets_one_consecutive_slot_in_order_of_its_first_item() -> None:
    entries = [Entry("a", 1, 10), Entry("b", 2, 5), Entry("c", 1, 15), Entry("d", 3, 10), Entry("e", 2, 5)]
    slots = build(entries, NINE)
    assert [(s.practice, s.starts, s.ends) for s in slots] == [
        (1, at(0), at(25)),
        (2, at(25), at(35)),
        (3, at(35), at(45)),
    ]
    assert [(t.key, t.starts, t.ends) for t in slots[0].items] == [("a", at(0), at(10)), ("c", at(10), at(25))]
    assert [t.key for t in slots[1].items] == ["b", "e"]
    assert ends_at(entries, NINE) == at(45)


def test_an_empty_agenda_has_no_slots_and_ends_when_it_starts() -> None:
    assert build([], NINE) == []
    assert ends_at([], NINE) == at(MINIMUM_MINUTES)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((0, 30), (15, 45), True),
        ((0, 30), (30, 60), False),  # touching ends do not overlap
        ((10, 20), (0, 60), True),
        ((0, 10), (20, 30), False),
    ],
)
def test_overlaps(first: tuple[int, int], second: tuple[int, int], expected: bool) -> None:
    assert overlaps((at(first[0]), at(first[1])), (at(second[0]), at(second[1]))) is expected
