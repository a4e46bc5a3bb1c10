"""Working out every measure for every breakdown and month, and storing the results in one transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .breakdowns import ALL_RESIDENTS, BREAKDOWNS
from .measures import MEASURES, Counted, Measure, Period
from .models import MeasureResult

MONTH = "month"
YEAR = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Tally:
    """What one side of a measure added up for one group: the total and how many records made it."""

    total: float
    records: int


def _number(value: object, seconds_per_unit: int) -> float:
    """A sum from the database as a plain number: durations in the measure's unit."""
    if value is None:
        return 0.0
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / seconds_per_unit
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    raise TypeError(f"cannot count a {type(value).__name__}")


def _grouped(counted: Counted, period: Period, seconds_per_unit: int, group: object) -> dict[str, Tally]:
    rows = (
        counted.rows(period)
        .order_by()  # a model's default ordering would join the GROUP BY
        .annotate(group=group)
        .values("group")
        .annotate(total=counted.total(), records=Count("pk"))
        .values_list("group", "total", "records")
    )
    return {str(key): Tally(_number(total, seconds_per_unit), records) for key, total, records in rows}


# Several measures share a side (the residents; the nights of the stays that ended), so one run works each
# out once. Keyed by what defines the figures, not by the Counted object, which each measure builds anew.
_Key = tuple[object, str, object, int, str, Period]


def _by_breakdown(
    counted: Counted, period: Period, measure: Measure, key: str, known: dict[_Key, dict[str, Tally]]
) -> dict[str, Tally]:
    cache_key = (counted.rows, counted.person, counted.total, measure.seconds_per_unit, key, period)
    if cache_key not in known:
        expression = BREAKDOWNS[key].expression(counted.person, period.last)
        known[cache_key] = _grouped(counted, period, measure.seconds_per_unit, expression)
    return known[cache_key]


def _by_month(
    counted: Counted, period: Period, measure: Measure, known: dict[_Key, dict[str, Tally]]
) -> dict[str, Tally]:
    if counted.month_of is None:
        # A fixed population (residents) is the same every month.
        whole = _by_breakdown(counted, period, measure, "all", known)[ALL_RESIDENTS]
        return dict.fromkeys(_months(period), whole)
    by_month = _grouped(counted, period, measure.seconds_per_unit, TruncMonth(counted.month_of))
    # TruncMonth gives a date or a datetime depending on the field; keep the year and month.
    return {key[:7]: tally for key, tally in by_month.items()}


def _months(period: Period) -> list[str]:
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append(f"{day:%Y-%m}")
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _results(
    measure: Measure, breakdown: str, numerators: dict[str, Tally], denominators: dict[str, Tally], period: Period
) -> Iterable[MeasureResult]:
    now = timezone.now()
    for group in sorted(set(numerators) | set(denominators)):
        numerator = numerators.get(group, Tally(0.0, 0))
        denominator = denominators.get(group, Tally(0.0, 0))
        yield MeasureResult(
            measure=measure.key,
            breakdown=breakdown,
            group=group,
            period_start=period.first,
            period_end=period.last,
            numerator=numerator.total,
            denominator=denominator.total,
            numerator_count=numerator.records,
            denominator_count=denominator.records,
            computed_at=now,
        )


def compute_measures(
    as_of: datetime.date | None = None, progress: Callable[[Iterable[Measure]], Iterable[Measure]] = iter
) -> int:
    """Work out every measure over the year to `as_of` (default today), by every breakdown and by month.

    Replaces the stored results in one transaction, so the dashboard never shows a half-finished run.
    Returns how many results were stored.
    """
    last = as_of or timezone.localdate()
    period = Period(first=last - YEAR + datetime.timedelta(days=1), last=last)
    results: list[MeasureResult] = []
    known: dict[_Key, dict[str, Tally]] = {}
    for measure in progress(MEASURES):
        for key in BREAKDOWNS:
            numerators = _by_breakdown(measure.numerator, period, measure, key, known)
            denominators = _by_breakdown(measure.denominator, period, measure, key, known)
            results.extend(_results(measure, key, numerators, denominators, period))
        numerators = _by_month(measure.numerator, period, measure, known)
        denominators = _by_month(measure.denominator, period, measure, known)
        months = set(_months(period))
        results.extend(
            result for result in _results(measure, MONTH, numerators, denominators, period) if result.group in months
        )
    with transaction.atomic():
        MeasureResult.objects.all().delete()
        MeasureResult.objects.bulk_create(results, batch_size=1000)
    return len(results)
