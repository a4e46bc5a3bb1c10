"""Finding services: free text, need, age, day, charging and distance, ranked; and how fresh each entry is.

Shared by the staff search page and the public Open Referral UK API. Directory
entries are public information, so searching them reads no personal data; the
caller brings the point to measure distance from (see `places`).
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Combinable, OrderBy

from .models import Service, ServiceAtLocation, Status

# An entry not checked for this long is flagged as possibly out of date.
STALE_AFTER_MONTHS = 12
# Kilometres per degree of latitude, and of longitude at the equator (scaled by the cosine of the latitude).
KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE = 111.32
# Words that say nothing about which service someone needs.
STOP_WORDS = frozenset(
    (
        "a", "an", "and", "are", "at", "for", "from", "group", "help", "i", "in", "is", "it", "me", "my", "near",
        "of", "on", "or", "people", "person", "service", "services", "some", "the", "to", "with", "who",
    )
)  # fmt: skip
# Endings taken off search words so "lonely", "loneliness" and "lonelier" all find each other.
_SUFFIXES = ("iness", "ness", "ies", "ied", "ing", "ier", "ely", "ed", "es", "ly", "y", "s")
_MIN_STEM = 4


def stems(text: str) -> list[str]:
    """The search words of `text`, lower case, without stop words, cut back to their stems."""
    found = []
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in STOP_WORDS:
            continue
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        if word not in found:
            found.append(word)
    return found


@dataclass(frozen=True)
class Point:
    """A place on the map, in decimal degrees."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class ServiceFilters:
    """What to look for. Ages: the service must accept someone of every age from `minimum_age` to `maximum_age`."""

    text: str = ""
    taxonomy_term_id: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str = ""  # two-letter day code, MO to SU
    charging: str = ""
    near: Point | None = None
    within_km: float | None = None


def _squared_km(near: Point, latitude: str, longitude: str) -> Combinable:
    """Squared distance in km² from `near` (flat-earth approximation, good to well under 1% across a city).

    Plain arithmetic, so it runs the same on SQLite and PostgreSQL and needs no GIS extension.
    """
    scale = KM_PER_DEGREE_LONGITUDE * math.cos(math.radians(near.latitude))
    north = (F(latitude) - Value(near.latitude)) * Value(KM_PER_DEGREE_LATITUDE)
    east = (F(longitude) - Value(near.longitude)) * Value(scale)
    return ExpressionWrapper(north * north + east * east, output_field=FloatField())


def search(filters: ServiceFilters) -> QuerySet[Service]:
    """Running services matching `filters`, best first.

    Annotated with `rank` (text matches: a word in the name counts most) and,
    with a point, `distance_sq` (km², to the nearest place the service runs).
    Order: rank, then nearest, then most recently checked, then name.
    """
    services = Service.objects.filter(status=Status.ACTIVE)
    words = stems(filters.text)
    # On PostgreSQL a trigram index over `search_text` answers these (migration 0006), so only matches are read.
    for word in words:
        services = services.filter(search_text__contains=word)
    rank: Combinable = Value(0)
    for word in words:
        rank = rank + Case(When(name__icontains=word, then=Value(3)), default=Value(1), output_field=IntegerField())
    services = services.annotate(rank=ExpressionWrapper(rank, output_field=IntegerField()))
    if filters.taxonomy_term_id:
        services = services.filter(taxonomy_terms__id=filters.taxonomy_term_id)
    if filters.minimum_age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.minimum_age))
        services = services.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.minimum_age))
    if filters.maximum_age is not None:
        services = services.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.maximum_age))
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.maximum_age))
    if filters.day:
        services = services.filter(days__contains=filters.day)
    if filters.charging:
        services = services.filter(charging=filters.charging)
    order: list[str | OrderBy] = ["-rank"]
    if filters.near is not None:
        nearest = (
            ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__latitude__isnull=False)
            .annotate(d=_squared_km(filters.near, "location__latitude", "location__longitude"))
            .order_by("d")
            .values("d")[:1]
        )
        services = services.annotate(distance_sq=Subquery(nearest, output_field=FloatField()))
        if filters.within_km is not None:
            services = services.filter(distance_sq__lte=filters.within_km**2)
        order.append(F("distance_sq").asc(nulls_last=True))
    return services.order_by(*order, F("assured_date").desc(nulls_last=True), "name", "pk")


@dataclass(frozen=True)
class PageOf:
    """One page of search results and how many there are in all."""

    number: int
    per_page: int
    total: int
    services: list[Service]

    @property
    def total_pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.total_pages


def page_of(services: QuerySet[Service], *, number: int, per_page: int) -> PageOf:
    """Page `number` (from 1) of `services`, counted in the same query by a window function.

    A page past the end is empty; only then is a separate count needed.
    """
    start = (number - 1) * per_page
    rows: list[Service] = list(services.annotate(total_found=Window(Count("pk")))[start : start + per_page])
    total = getattr(rows[0], "total_found") if rows else (services.count() if number > 1 else 0)  # noqa: B009
    return PageOf(number=number, per_page=per_page, total=total, services=rows)


def months_since(checked: datetime.date, today: datetime.date) -> int:
    """Whole calendar months from `checked` to `today` (0 in the same month it was checked)."""
    months = (today.year - checked.year) * 12 + today.month - checked.month
    return max(months - (today.day < checked.day), 0)


def checked_in_words(checked: datetime.date | None, today: datetime.date) -> str:
    """'checked this month', 'checked 1 month ago', 'checked 14 months ago' or 'never checked'."""
    if checked is None:
        return "never checked"
    months = months_since(checked, today)
    if months == 0:
        return "checked this month"
    return f"checked {months} month{'' if months == 1 else 's'} ago"


def possibly_out_of_date(checked: datetime.date | None, today: datetime.date) -> bool:
    """Not checked for `STALE_AFTER_MONTHS` months or more, or never."""
    return checked is None or months_since(checked, today) >= STALE_AFTER_MONTHS
