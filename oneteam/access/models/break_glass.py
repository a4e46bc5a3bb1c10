"""Emergency ("break-glass") access: time-limited, explained, and reviewed by information governance."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.people.models import Person


class ReviewOutcome(models.TextChoices):
    APPROPRIATE = "appropriate", "Appropriate"
    INAPPROPRIATE = "inappropriate", "Not appropriate – followed up"


class BreakGlassAccess(models.Model):
    """A member of staff opened a record they had no other right to see, giving a reason."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "break-glass accesses"
        indexes = [models.Index(fields=["staff", "person", "expires_at"], name="break_glass_lookup")]

    def __str__(self) -> str:
        return f"Emergency access by {self.staff} at {self.started_at:%Y-%m-%d %H:%M}"
