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


class ExperienceInvitation(models.Model):
    """A single-use link for a person to tell us how joined-up their care felt. The link's secret is hashed."""

    episode = models.ForeignKey("referrals.Episode", on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey("organisations.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Experience invitation {self.pk}"


class ExperienceResponse(models.Model):
    """A completed questionnaire: only the episode it is about, the day, and the scores (0 to 100).

    Nothing else is kept (no name, address, device or network details), so answers
    cannot be traced to a person except through the episode, which only the
    measures use, as aggregates with small numbers withheld.
    """

    episode = models.ForeignKey("referrals.Episode", on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField()
    with_staff = models.BooleanField(help_text="Filled in with a member of staff rather than alone")
    asked_what_matters = models.PositiveSmallIntegerField()
    not_repeating_story = models.PositiveSmallIntegerField()
    know_who_to_contact = models.PositiveSmallIntegerField()
    working_together = models.PositiveSmallIntegerField()
    involved_in_decisions = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"Experience response {self.pk}"
