"""The dashboard's figures, read from stored results, with small numbers suppressed.

Any figure resting on fewer than 5 records (people, admissions, referrals) on
either side is withheld, on every page and in every download: a small count can
identify someone ("the 3 people aged 85 and over in North 2 who ...").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .breakdowns import BREAKDOWNS, Breakdown
from .measures import MEASURES, Measure
from .models import MeasureResult
from .services import MONTH

SMALLEST_SHOWN = 5
SUPPRESSED = "fewer than 5"


@dataclass(frozen=True)
class Figure:
    """One group's figure, or the reason it is withheld."""

    group: str
    value: float | None  # None when suppressed or when there is nothing to divide by
    numerator: float | None
    denominator: float | None

    @property
    def suppressed(self) -> bool:
        return self.numerator is None

    def value_in_words(self, unit: str) -> str:
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return "no data"
        return f"{self.value:,.1f}{'%' if unit == '%' else ''}"


@dataclass(frozen=True)
class MeasureView:
    """A measure with its figures for one breakdown, the whole city's figure, and its monthly trend."""

    measure: Measure
    figures: list[Figure]
    city: Figure | None
    trend: list[Figure]
    period_end: datetime.date | None

    @property
    def summary(self) -> str:
        """One plain sentence with the city-wide figure: the text alternative to the chart."""
        if self.city is None or self.period_end is None:
            return "Not worked out yet."
        value = self.city.value_in_words(self.measure.unit)
        unit = "" if self.measure.unit == "%" or self.city.suppressed else f" {self.measure.unit}"
        return (
            f"{value}{unit} across the city in the year to {self.period_end.day} {self.period_end:%B %Y}. "
            f"{self.measure.better.capitalize()} is better."
        )

    @property
    def largest(self) -> float:
        """The largest value shown, so a chart can scale its bars."""
        return max((figure.value for figure in self.figures if figure.value is not None), default=0.0) or 1.0


def _figure(result: MeasureResult, measure: Measure) -> Figure:
    if min(result.numerator_count, result.denominator_count) < SMALLEST_SHOWN:
        return Figure(result.group, None, None, None)
    value = result.numerator / result.denominator * measure.scale if result.denominator else None
    return Figure(result.group, value, result.numerator, result.denominator)


def _ordered(figures: list[Figure], breakdown: Breakdown) -> list[Figure]:
    position = {group: number for number, group in enumerate(breakdown.order)}
    return sorted(figures, key=lambda figure: (position.get(figure.group, len(position)), figure.group))


def by_theme(views: list[MeasureView]) -> list[tuple[str, list[MeasureView]]]:
    """The measures under their themes, in the framework's order."""
    themes: dict[str, list[MeasureView]] = {}
    for view in views:
        themes.setdefault(view.measure.theme, []).append(view)
    return list(themes.items())


def dashboard(breakdown_key: str) -> list[MeasureView]:
    """Every measure's figures for the breakdown, the whole city's, and the trend by month. One query."""
    breakdown = BREAKDOWNS[breakdown_key]
    rows: dict[tuple[str, str], list[MeasureResult]] = {}
    for result in MeasureResult.objects.filter(breakdown__in={breakdown_key, "all", MONTH}).order_by("group"):
        rows.setdefault((result.measure, result.breakdown), []).append(result)
    views = []
    for measure in MEASURES:
        city = rows.get((measure.key, "all"), [])
        views.append(
            MeasureView(
                measure=measure,
                figures=_ordered(
                    [_figure(result, measure) for result in rows.get((measure.key, breakdown_key), [])], breakdown
                ),
                city=_figure(city[0], measure) if city else None,
                trend=[_figure(result, measure) for result in rows.get((measure.key, MONTH), [])],
                period_end=city[0].period_end if city else None,
            )
        )
    return views
