"""Things information governance must look at: relationships and decisions that need a second pair of eyes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.people.models import Person


class FlagKind(models.TextChoices):
    MISMATCHED_MATCH = "mismatched_match", "Referral matched although name or date of birth differ"
    OUT_OF_AREA_RELATIONSHIP = "out_of_area_relationship", "Care-team relationship outside the staff's neighbourhoods"
    CONSENT_REVERSED = "consent_reversed", "A withdrawal or refusal of consent reversed"


class GovernanceFlag(models.Model):
    """One thing the information governance review queue shows until an officer has looked at it."""

    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="governance_flags")
    # Who did the thing being reviewed (None for a connected system acting without a member of staff).
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="governance_flags"
    )
    raised_at = models.DateTimeField()
    # What happened, in words, for the reviewer (it may name the person: only IG officers read it).
    note = models.TextField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["reviewed_at", "raised_at"], name="governance_flag_queue")]

    def __str__(self) -> str:
        return self.get_kind_display()
