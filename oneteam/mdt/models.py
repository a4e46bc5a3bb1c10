"""MDT meetings, their agendas of named cases, who attended each case, decisions and tracked actions.

An agenda item is always a named person and a question for the team, with the
professions it needs; the timetable is worked out from the items (see
`timetable.py`), so it is never stored and can never disagree with the agenda.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from oneteam.organisations.models import Neighbourhood
from oneteam.people.models import Person


class Meeting(models.Model):
    """An MDT meeting of a neighbourhood team: a regular one, or one called ad hoc."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="mdt_meetings")
    ad_hoc = models.BooleanField(default=False)
    starts_at = models.DateTimeField(db_index=True)
    place = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_meetings_chaired")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_link=""), name="mdt_meeting_has_a_place"),
        ]

    def __str__(self) -> str:
        return f"MDT meeting {self.pk}"


class ItemSource(models.TextChoices):
    """Where an agenda item came from."""

    MANUAL = "manual", "Added by hand"
    REQUEST = "request", "Requested from the person's record"
    STUCK_REFERRAL = "stuck_referral", "Referral past its response target"
    DISCHARGE = "discharge", "Discharged from hospital in the last week"
    OVERDUE_ACTION = "overdue_action", "MDT action overdue"
    # Places for the risk and care apps' sources (see suggestions.py).
    TOP_RISK_BAND = "top_risk_band", "Newly in the top risk band"
    OVERDUE_PLAN_ACTION = "overdue_plan_action", "Care plan action overdue"


class AgendaRequest(models.Model):
    """A request, made by any team member from the person's record, for the person to be discussed at an MDT."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mdt_requests")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    professions = models.JSONField(help_text="Profession values the discussion needs")
    expected_minutes = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"MDT request {self.pk}"


class AgendaItem(models.Model):
    """One named case on a meeting's agenda: the person, the question, who is needed and for how long."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mdt_items")
    question = models.TextField()
    professions = models.JSONField(help_text="Profession values the discussion needs")
    expected_minutes = models.PositiveSmallIntegerField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=ItemSource.choices, default=ItemSource.MANUAL)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was suggested, in words")
    request = models.OneToOneField(AgendaRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="item")
    returned_action = models.ForeignKey(
        "MdtAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="returned_in"
    )
    # The minutes, filled in as the meeting runs.
    summary = models.TextField(blank=True)
    decision = models.TextField(blank=True)
    actual_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="mdt_person_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class Attendance(models.Model):
    """A member of staff took part in the discussion of one agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_attendance")
    # Kept as it was at the time, for the measures: people change jobs.
    profession = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "staff"], name="mdt_attended_once")]

    def __str__(self) -> str:
        return f"Attendance at item {self.item_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class MdtAction(models.Model):
    """Something the MDT decided a named professional will do for the person, by a date."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mdt_actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="mdt_action_owner"),
            models.Index(fields=["status", "due_on"], name="mdt_action_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, done_at__isnull=True)
                | Q(status=ActionStatus.DONE, done_at__isnull=False),
                name="mdt_done_action_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"MDT action {self.pk}"
