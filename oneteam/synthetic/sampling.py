"""Seeded randomness for the synthetic city.

Every part of the generator draws from its own `random.Random`, seeded from the
city seed and the name of the part (and chunk), never from the global `random`
module. A new generator therefore gets its own stream and leaves the output of
the others unchanged.
"""

from __future__ import annotations

import datetime
import math
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


def rng_for(seed: int, *section: object) -> random.Random:
    """A random stream for one part of the city, e.g. `rng_for(7, "conditions", 3)`.

    String seeds are hashed with SHA-512 by `random.seed`, so the stream is the
    same in every process; `hash()` of a string would not be (it is salted).
    """
    return random.Random(":".join(str(part) for part in (seed, *section)))


class Weighted(Generic[T]):
    """A fixed weighted choice, prepared once and drawn from many times (faster than `random.choices`)."""

    def __init__(self, weighted: Iterable[tuple[T, float]]) -> None:
        pairs = list(weighted)
        if not pairs or any(weight < 0 for _, weight in pairs):
            raise ValueError("a weighted choice needs at least one item and no negative weights")
        self.items: tuple[T, ...] = tuple(item for item, _ in pairs)
        self._cumulative = list(accumulate(weight for _, weight in pairs))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        """One item, chosen with probability proportional to its weight."""
        return self.items[bisect_right(self._cumulative, rng.random() * self._total)]


def zipf(items: Sequence[T], offset: float = 8.0) -> Weighted[T]:
    """Weight items by rank, most common first, as family names and first names are in real populations."""
    return Weighted((item, 1.0 / (rank + offset)) for rank, item in enumerate(items))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth's method; fine for the small means used here)."""
    limit = math.exp(-mean)
    count = 0
    product = rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def chance(rng: random.Random, probability: float) -> bool:
    """True with the given probability."""
    return rng.random() < probability


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day from `first` to `last` inclusive, uniformly."""
    return datetime.date.fromordinal(rng.randint(first.toordinal(), max(first, last).toordinal()))


def years_before(day: datetime.date, years: float) -> datetime.date:
    """The day roughly `years` years before `day` (365.25-day years; exact enough for synthetic dates)."""
    return datetime.date.fromordinal(day.toordinal() - round(years * 365.25))
