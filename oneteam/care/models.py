"""Shared assessments, the person's care plan, mental capacity records, visits, service funding and the role guide.

Shared documents (the care plan) carry a version number that every change
moves on with a conditional UPDATE, so two people editing at once can never
silently overwrite each other (see services.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.access.models import DataCategory
from oneteam.organisations.models import Profession
from oneteam.people.models import Person
from oneteam.writes import GuardedQuerySet, ServiceWrittenModel


class QuestionType(models.TextChoices):
    """The kinds of answer a template question takes; the values are FHIR Questionnaire item types."""

    STRING = "string", "Short text"
    TEXT = "text", "Long text"
    BOOLEAN = "boolean", "Yes or no"
    DATE = "date", "Date"
    CHOICE = "choice", "One of a list"
    INTEGER = "integer", "Whole number"


class AssessmentTemplate(models.Model):
    """One version of an assessment's question set, stored as data (imported from FHIR Questionnaire JSON).

    `questions` is a list of {"link_id", "text", "type", "required", "help_text",
    "choices", "max_length"}; `template.check_questions` keeps it well formed.
    A new version is a new row: completed assessments keep the questions they were asked.
    """

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The sharing rules' data category its answers belong to.
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    # Professions trained to do this assessment for the whole team: partners accept it without repeating it.
    trusted_professions = models.JSONField(default=list)
    questions = models.JSONField(default=list)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_template_per_version")]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Assessment(models.Model):
    """One assessment of a person, shared with the team once completed.

    A repeat of the same assessment within `services.REPEAT_WINDOW_DAYS` of a
    completed one needs a reason and is counted (`is_repeat`), so outcomes can
    report how many repeats the trusted-assessor approach avoided or did not.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    assessor_profession = models.CharField(max_length=40, choices=Profession.choices)
    trusted_assessor = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    is_repeat = models.BooleanField(default=False)
    repeat_reason = models.TextField(blank=True)
    repeat_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["person", "status", "completed_at"], name="assessment_person_status")]

    def __str__(self) -> str:
        return f"{self.template.title} ({self.get_status_display()})"


class CarePlan(ServiceWrittenModel):
    """The person's one shared care plan. `version` moves on with every change to it or its parts."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="care_plan")
    version = models.PositiveIntegerField(default=1)
    what_matters = models.TextField(blank=True)
    crisis_plan = models.TextField(blank=True)
    contingency_plan = models.TextField(blank=True)
    carers = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = GuardedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Care plan, version {self.version}"


class GoalStatus(models.TextChoices):
    WORKING_ON = "working_on", "Working on it"
    MET = "met", "Met"
    NO_LONGER_WANTED = "no_longer_wanted", "No longer wanted"


class Goal(models.Model):
    """Something the person wants, in their own words."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    self_care = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.WORKING_ON)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.text


class Funding(models.TextChoices):
    FREE_NHS = "free_nhs", "Free (NHS)"
    FREE_COUNCIL = "free_council", "Free (council)"
    MEANS_TESTED = "means_tested", "Means-tested (social care)"
    FREE_COMMUNITY = "free_community", "Free (community or voluntary)"


class ServiceType(models.Model):
    """A kind of service or action, and whether the person may have to pay for it, in words to read to them."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    funding = models.CharField(max_length=20, choices=Funding.choices)
    explanation = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanAction(models.Model):
    """Something a named professional will do, by when."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_actions")
    owner_profession = models.CharField(max_length=40, choices=Profession.choices)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.TO_DO)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class PersonDecision(models.Model):
    """A decision the person made about their own life, including one professionals think unwise."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="decisions")
    decision = models.TextField()
    considered_unwise = models.BooleanField(default=False)
    risks_discussed = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.decision


class PlanChange(models.Model):
    """One change to the care plan: who, when, what, and the version it made."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    changed_at = models.DateTimeField()
    summary = models.CharField(max_length=300)
    # Each changed field's text before and after, for "what did they change?".
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="one_change_per_plan_version")]

    def __str__(self) -> str:
        return self.summary


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity to make this decision"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity to make this decision"


class CapacityAssessment(models.Model):
    """A decision-specific Mental Capacity Act assessment: the two-stage test, its evidence and its outcome."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="capacity_assessments")
    decision = models.TextField()
    assessed_on = models.DateField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor_profession = models.CharField(max_length=40, choices=Profession.choices)
    recorded_at = models.DateTimeField()
    # Stage 1: is there an impairment of, or disturbance in the functioning of, the mind or brain?
    impairment = models.BooleanField()
    impairment_evidence = models.TextField()
    # Stage 2: can the person understand, retain, use or weigh the information, and communicate their decision?
    understands = models.BooleanField(null=True, blank=True)
    understands_evidence = models.TextField(blank=True)
    retains = models.BooleanField(null=True, blank=True)
    retains_evidence = models.TextField(blank=True)
    uses_or_weighs = models.BooleanField(null=True, blank=True)
    uses_or_weighs_evidence = models.TextField(blank=True)
    communicates = models.BooleanField(null=True, blank=True)
    communicates_evidence = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=CapacityOutcome.choices)
    best_interests_decision = models.TextField(blank=True)
    best_interests_consulted = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return self.decision


class VisitOutcome(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    NO_ACCESS = "no_access", "No access"
    CANCELLED_BY_PERSON = "cancelled_by_person", "Cancelled by the person"
    # Called off by the team before it happened, with the reason in `outcome_note`.
    CANCELLED = "cancelled", "Cancelled by the team"


class Visit(models.Model):
    """A planned visit to the person by a named professional.

    Until it happens it can be moved, given to another visitor or cancelled with
    a reason; once its time has passed, it gets an outcome.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    starts_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    purpose = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=VisitOutcome.choices, default=VisitOutcome.PLANNED)
    outcome_note = models.TextField(blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["person", "starts_at"], name="visit_person_time"),
            models.Index(fields=["visitor", "starts_at"], name="visit_visitor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_profession_display()} visit: {self.purpose}"


class RoleGuide(models.Model):
    """What one profession does, its statutory duties, and what to ask it for; team leads keep it up to date."""

    profession = models.CharField(max_length=40, choices=Profession.choices, unique=True)
    what_they_do = models.TextField()
    statutory_duties = models.TextField()
    ask_them_for = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["profession"]

    def __str__(self) -> str:
        return self.get_profession_display()
