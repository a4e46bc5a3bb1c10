"""The words sharing rules are written in: data categories and purposes."""

from __future__ import annotations

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
