"""Records kept by the access app: the audit log and failed sign-in counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DataCategory(models.TextChoices):
    """The kinds of personal data that sharing rules are written about."""

    DEMOGRAPHICS = "demographics", "Demographics"
    SAFETY_ALERTS = "safety_alerts", "Safety alerts"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SOCIAL_CARE_ASSESSMENT = "social_care_assessment", "Social care assessment"
    SOCIAL_CARE_FINANCES = "social_care_finances", "Social care finances (means test)"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    CARE_PLAN = "care_plan", "Care plan"
    CAPACITY = "capacity", "Mental capacity records"
    NOTES = "notes", "Notes"


class Purpose(models.TextChoices):
    """Why the data is being read."""

    DIRECT_CARE = "direct_care", "Direct care"
    MDT_DISCUSSION = "mdt_discussion", "MDT discussion"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    PLANNING = "planning", "Planning (aggregate, de-identified)"
    AUDIT = "audit", "Audit"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed a record"
    SEARCH = "search", "Searched for people"
    DENIED = "denied", "Was refused access"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused: account locked"
    SIGN_OUT = "sign_out", "Signed out"
    TIMED_OUT = "timed_out", "Signed out after inactivity"


class AuditEvent(models.Model):
    """One thing a member of staff did or tried to do. Append-only: never updated or deleted.

    `person_id` is a plain number, not a foreign key, so the trail survives
    whatever happens to the record it points at.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    # The username typed at sign-in, for failed attempts where no staff record matched.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    category = models.CharField(max_length=30, choices=DataCategory.choices, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # Non-identifying facts about the event, e.g. which search method and how many results.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"


class SignInAttempt(models.Model):
    """Consecutive failed sign-ins for a username, known or not, so lockout does not reveal which accounts exist."""

    username = models.CharField(max_length=150, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username
