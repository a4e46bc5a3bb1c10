"""The person's own say: consent to share, and objections to particular sharing."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.organisations.models import Sector
from oneteam.people.models import Person

from .vocabulary import DataCategory


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    DECLINED = "declined", "Consent declined"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentDecision(models.Model):
    """A decision about sharing the person's record with their neighbourhood team. The latest one counts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_decisions")
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    # The data categories the decision covers; empty means all of them.
    categories = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    note = models.TextField(blank=True)
    # Who told us, when and how: required when a decision reverses an earlier withdrawal or refusal.
    stated_by = models.CharField("who gave this decision", max_length=200, blank=True)
    stated_on = models.DateField("when they gave it", null=True, blank=True)
    stated_how = models.CharField("how they gave it", max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.get_status_display()


class Objection(models.Model):
    """The person objects to one category of their data being shared, with everyone or with one sector."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="objections")
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    # Blank: the objection applies to every partner.
    sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Objection to sharing {self.get_category_display()}"
