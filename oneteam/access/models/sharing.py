"""Information sharing agreements: which professions may see which data, for which purposes.

An agreement belongs to a neighbourhood and is never edited in place: each
change by the information-governance officer makes a new version holding the
whole rule set, so any past decision can be explained by the version in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.organisations.models import Neighbourhood, Profession, Sector

from .vocabulary import DataCategory, Purpose


class AccessLevel(models.TextChoices):
    """How close a member of staff must be to the person for a rule to let them see the data."""

    CARE_TEAM = "care_team", "People whose care team they are on"
    NEIGHBOURHOOD_TEAM = "neighbourhood_team", "Everyone their neighbourhood team serves"
    PARTNERSHIP = "partnership", "Anyone in the partnership"


class SharingAgreement(models.Model):
    """One version of a neighbourhood's information sharing agreement."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="sharing_agreements")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.TextField()

    class Meta:
        ordering = ["neighbourhood", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "version"], name="one_agreement_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood} information sharing agreement, version {self.version}"


class SharingRule(models.Model):
    """Staff of this profession (and sector, if given) may see this category for this purpose, at this level."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="rules")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    # Blank: whichever partner organisation employs them.
    sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    level = models.CharField(max_length=20, choices=AccessLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "profession", "sector", "category", "purpose"], name="one_rule_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_profession_display()}: {self.get_category_display()} for {self.get_purpose_display()}"
