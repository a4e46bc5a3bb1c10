"""Writes of the outcomes app: every measure for every breakdown and month, stored in one transaction; and the
experience questionnaire's single-use links and their answers (see `experience`)."""

from __future__ import annotations

import datetime
import decimal
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory
from oneteam.access.services import record_event
from oneteam.organisations.models import Staff
from oneteam.referrals.models import Episode

from . import experience
from .breakdowns import ALL_RESIDENTS, BREAKDOWNS
from .measures import MEASURES, Counted, Measure, Period
from .models import ExperienceInvitation, ExperienceResponse, MeasureResult

MONTH = "month"
YEAR = datetime.timedelta(days=365)
GROUPING_MEMORY = "64MB"


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


def _add(a: object, b: object) -> object:
    """Two sums from the database added (None, as SQL gives for no rows, adds nothing)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b  # type: ignore[operator]


# Figures per group of every breakdown (and per month), for one side of a measure.
_Groups = dict[str, dict[str, Tally]]


def _cube(counted: Counted, period: Period, seconds_per_unit: int) -> _Groups:
    """One side of a measure for every breakdown and month, from ONE grouped query.

    The query groups the records by all the breakdowns (and the month) at once, a
    few thousand combinations at most; each breakdown's figures are then sums of
    those, since every side adds up a count or a sum. One pass over the records
    instead of one per breakdown made the measures several times faster on a big city.
    """
    expressions = {key: breakdown.expression(counted.person, period.last) for key, breakdown in BREAKDOWNS.items()}
    if counted.month_of is not None:
        expressions[MONTH] = TruncMonth(counted.month_of)
    names = {key: f"by_{key}" for key in expressions}
    rows = (
        counted.rows(period)
        .order_by()  # a model's default ordering would join the GROUP BY
        .annotate(**{names[key]: expression for key, expression in expressions.items()})
        .values(*names.values())
        .annotate(total=counted.total(), records=Count("pk"))
        .values_list(*names.values(), "total", "records")
    )
    sums: dict[str, dict[str, tuple[object, int]]] = {key: {} for key in expressions}
    for *groups, total, records in rows:
        for key, group in zip(expressions, groups, strict=True):
            # TruncMonth gives a date or a datetime depending on the field; keep the year and month.
            label = str(group)[:7] if key == MONTH else str(group)
            before, counted_before = sums[key].get(label, (None, 0))
            sums[key][label] = (_add(before, total), counted_before + records)
    # The whole city is a group even when nothing was counted (0 of 0), as the rates and trend expect.
    sums["all"].setdefault(ALL_RESIDENTS, (None, 0))
    return {
        key: {label: Tally(_number(total, seconds_per_unit), records) for label, (total, records) in groups.items()}
        for key, groups in sums.items()
    }


# Several measures share a side (the residents; the nights of the stays that ended), so one run works each
# out once. Keyed by what defines the figures, not by the Counted object, which each measure builds anew.
_Key = tuple[object, str, object, int, Period]


def _groups(counted: Counted, period: Period, measure: Measure, known: dict[_Key, _Groups]) -> _Groups:
    cache_key = (counted.rows, counted.person, counted.total, measure.seconds_per_unit, period)
    if cache_key not in known:
        known[cache_key] = _cube(counted, period, measure.seconds_per_unit)
    return known[cache_key]


def _by_month(counted: Counted, groups: _Groups, period: Period) -> dict[str, Tally]:
    if counted.month_of is None:
        # A fixed population (residents) is the same every month.
        return dict.fromkeys(_months(period), groups["all"][ALL_RESIDENTS])
    return groups[MONTH]


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

    Reads and replaces the stored results in one transaction: every figure comes from the same snapshot,
    and the dashboard never shows a half-finished run.
    Returns how many results were stored.
    """
    last = as_of or timezone.localdate()
    period = Period(first=last - YEAR + datetime.timedelta(days=1), last=last)
    results: list[MeasureResult] = []
    known: dict[_Key, _Groups] = {}
    with transaction.atomic():
        _more_memory_for_grouping()
        for measure in progress(MEASURES):
            results.extend(_measured(measure, period, known))
        MeasureResult.objects.all().delete()
        MeasureResult.objects.bulk_create(results, batch_size=1000)
    return len(results)


def _more_memory_for_grouping() -> None:
    """Let this transaction group half a million residents in memory (hashing, not sorting on disk)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{GROUPING_MEMORY}'")


def _measured(measure: Measure, period: Period, known: dict[_Key, _Groups]) -> Iterable[MeasureResult]:
    """One measure's results for every breakdown's groups and every month of the period."""
    numerator_groups = _groups(measure.numerator, period, measure, known)
    denominator_groups = _groups(measure.denominator, period, measure, known)
    for key in BREAKDOWNS:
        numerators = numerator_groups[key]
        denominators = denominator_groups[key]
        yield from _results(measure, key, numerators, denominators, period)
    numerators = _by_month(measure.numerator, numerator_groups, period)
    denominators = _by_month(measure.denominator, denominator_groups, period)
    months = set(_months(period))
    yield from (
        result for result in _results(measure, MONTH, numerators, denominators, period) if result.group in months
    )


@transaction.atomic
def invite_to_questionnaire(*, staff: Staff, episode: Episode) -> str:
    """Make a single-use link for the person in `episode`; returns the token for the link's address."""
    secret = secrets.token_urlsafe(24)
    now = timezone.now()
    invitation = ExperienceInvitation.objects.create(
        episode=episode,
        secret_hash=experience.secret_hash(secret),
        created_by=staff,
        created_at=now,
        expires_at=now + experience.EXPIRES_AFTER,
    )
    record_event(
        staff=staff,
        action=AuditAction.CREATE,
        person_id=episode.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"experience_invitation": invitation.pk},
    )
    return experience.link_token(invitation, secret)


@transaction.atomic
def record_experience_answers(*, token: str, scores: dict[str, int], with_staff: bool) -> None:
    """Store the answers and use up the link, once: a second submission is refused, not stored."""
    invitation = experience.open_invitation(token)
    used = ExperienceInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:  # someone submitted the same link a moment ago
        raise experience.LinkNotUsable("This questionnaire has already been filled in. Thank you.")
    turned = {
        question.field: 100 - scores[question.field] if question.worded_negatively else scores[question.field]
        for question in experience.QUESTIONS
    }
    ExperienceResponse.objects.create(
        episode_id=invitation.episode_id, answered_on=timezone.localdate(), with_staff=with_staff, **turned
    )
