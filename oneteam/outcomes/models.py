"""Stored results of the measures: pages read these, never the raw records."""

from __future__ import annotations

from django.db import models


class MeasureResult(models.Model):
    """One measure's figures for one group of one breakdown (or one month of the trend), from one run."""

    measure = models.CharField(max_length=60)
    breakdown = models.CharField(max_length=20, help_text="all, neighbourhood, locality, deprivation, ... or month")
    group = models.CharField(max_length=100)
    period_start = models.DateField()
    period_end = models.DateField()
    numerator = models.FloatField()
    denominator = models.FloatField()
    # How many records (people, admissions, referrals) each side counted: what small-number suppression checks.
    numerator_count = models.PositiveIntegerField()
    denominator_count = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "breakdown", "group"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "breakdown", "group"], name="one_result_per_measure_group")
        ]

    def __str__(self) -> str:
        return f"{self.measure} / {self.breakdown} / {self.group}"
