"""Care-team relationships: the named professionals around a person."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.people.models import Person


class CareRole(models.TextChoices):
    KEY_WORKER = "key_worker", "Key worker"
    ALLOCATED_PROFESSIONAL = "allocated_professional", "Allocated professional"
    REFERRAL_OWNER = "referral_owner", "Referral owner"
    # Gives access for MDT discussion only, for the meeting where the case is discussed.
    MDT_ATTENDEE = "mdt_attendee", "MDT attendee for this case"


class CareTeamMembership(models.Model):
    """A member of staff's relationship with a person, from `started_at` until `ended_at`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_team")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_relationships")
    role = models.CharField(max_length=30, choices=CareRole.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "started_at"]
        indexes = [models.Index(fields=["staff", "person"], name="care_team_staff_person")]

    def __str__(self) -> str:
        return f"{self.staff} – {self.get_role_display()}"
