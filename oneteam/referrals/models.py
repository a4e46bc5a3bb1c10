"""Referrals, handover offers, episodes and key workers.

Two invariants are enforced by the database, not only by the code that writes:
- a referral always has exactly one owner, a team queue or a named professional;
- a referral has at most one handover offer waiting for an answer, and a person
  has at most one open episode, whose key worker cannot be empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from oneteam.organisations.models import Neighbourhood, Team
from oneteam.people.models import Person
from oneteam.writes import GuardedQuerySet, ServiceWrittenModel


class Need(models.TextChoices):
    FALLS = "falls", "Falls"
    WOUND_CARE = "wound_care", "Wound care"
    PERSONAL_CARE = "personal_care", "Personal care"
    CARER_STRESS = "carer_stress", "Carer stress"
    LONELINESS = "loneliness", "Loneliness"
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH = "mental_health", "Mental health"
    END_OF_LIFE = "end_of_life", "End of life"
    MEDICATION = "medication", "Medication"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    URGENT = "urgent", "Urgent"
    SOON = "soon", "Soon"
    ROUTINE = "routine", "Routine"


class State(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    ALLOCATED = "allocated", "Allocated"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Source(models.TextChoices):
    STAFF = "staff", "Member of staff"
    SELF = "self", "The person themselves"
    CARER = "carer", "A carer or relative"
    HOSPITAL = "hospital", "Hospital"


class Outcome(models.TextChoices):
    SUPPORTED = "supported", "Supported by the neighbourhood team"
    SIGNPOSTED = "signposted", "Signposted to community help"
    NO_FURTHER_ACTION = "no_further_action", "No further action needed"
    DECLINED_BY_PERSON = "declined_by_person", "The person did not want help"
    LINKED = "linked", "Joined to an open referral for the same person"
    DIED = "died", "The person died"


def exactly_one(first: str, second: str) -> Q:
    """True when exactly one of two nullable foreign keys is set."""
    return (Q(**{f"{first}__isnull": False}) & Q(**{f"{second}__isnull": True})) | (
        Q(**{f"{first}__isnull": True}) & Q(**{f"{second}__isnull": False})
    )


class Referral(ServiceWrittenModel):
    """A request for help from the neighbourhood team, owned by exactly one team or person until closed."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="referrals")
    # Empty until triage matches the referral to a person record (a self-referral may not know the NHS number).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)

    need = models.CharField(max_length=20, choices=Need.choices)
    need_detail = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    what_matters = models.TextField("what matters to the person", blank=True)
    consent_to_share = models.BooleanField()

    source = models.CharField(max_length=10, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_relationship = models.CharField(max_length=100, blank=True)

    received_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    state_changed_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)

    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    owner_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_owned"
    )
    linked_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="linked")

    objects = GuardedQuerySet.as_manager()

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.CheckConstraint(condition=exactly_one("owner_team", "owner_staff"), name="referral_has_one_owner"),
            models.CheckConstraint(
                condition=~Q(state=State.CLOSED) | ~Q(outcome=""), name="closed_referral_has_outcome"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_team", "state"], name="referral_team_queue"),
            # A team's queue, oldest first, read in one index range (the busiest queue holds over 1,000).
            models.Index(
                fields=["owner_team", "received_at", "id"],
                condition=~models.Q(state="closed"),
                name="referral_open_team_queue_order",
            ),
            models.Index(fields=["owner_staff", "state"], name="referral_staff_queue"),
            models.Index(fields=["person", "state"], name="referral_person_state"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}: {self.get_need_display()}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HandoverOffer(models.Model):
    """An offer to pass a referral on. The referral stays with its owner until the receiver accepts."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="offers")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField()
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="offers")
    to_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="offers_received"
    )
    note = models.TextField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["offered_at"]
        constraints = [
            models.CheckConstraint(condition=exactly_one("to_team", "to_staff"), name="offer_has_one_receiver"),
            models.UniqueConstraint(
                fields=["referral"], condition=Q(status=OfferStatus.PENDING), name="one_pending_offer_per_referral"
            ),
            models.CheckConstraint(
                condition=~Q(status=OfferStatus.DECLINED) | ~Q(decline_reason=""), name="decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of referral {self.referral_id}"


class EventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    LINKED = "linked", "Joined to an open referral"
    TRIAGED = "triaged", "Triaged"
    ALLOCATED = "allocated", "Allocated"
    OFFERED = "offered", "Handover offered"
    ACCEPTED = "accepted", "Handover accepted"
    DECLINED = "declined", "Handover declined"
    STARTED = "started", "First contact made"
    CLOSED = "closed", "Closed"


class ReferralEvent(models.Model):
    """One step in a referral's history: who held it, when, and why it moved."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    # Who owned the referral after this step, in words, as it was then.
    owner = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class Episode(models.Model):
    """A period of care by the neighbourhood team. An open episode always has a key worker."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="episodes")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    key_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_worker_for")

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_at__isnull=True), name="one_open_episode_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk} for person {self.person_id}"


class KeyWorkerChange(models.Model):
    """A change of key worker, with the handover note the new key worker reads."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="key_worker_changes")
    from_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    handover_note = models.TextField()

    class Meta:
        ordering = ["changed_at"]
        constraints = [models.CheckConstraint(condition=~Q(handover_note=""), name="key_worker_change_has_note")]

    def __str__(self) -> str:
        return f"Key worker change on episode {self.episode_id}"


class ResponseTarget(models.Model):
    """How soon first contact must happen for an urgency. Team leads can change these; defaults are in code."""

    urgency = models.CharField(max_length=10, choices=Urgency.choices, unique=True)
    minutes = models.PositiveIntegerField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.minutes} minutes"


class HospitalSystem(models.Model):
    """A hospital system allowed to send admission and discharge notifications, with its API token (hashed)."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; the token is shown once")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class HospitalEventKind(models.TextChoices):
    ADMISSION = "admission", "Admitted to hospital"
    DISCHARGE = "discharge", "Discharged from hospital"


class HospitalEvent(models.Model):
    """One admission or discharge notification, as received. Idempotent by the sender's identifier."""

    system = models.ForeignKey(HospitalSystem, on_delete=models.PROTECT, related_name="events")
    external_id = models.CharField(max_length=200, help_text="The sender's id for this encounter event")
    kind = models.CharField(max_length=10, choices=HospitalEventKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hospital_events")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "external_id", "kind"], name="hospital_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.external_id})"


class DischargeHandover(models.Model):
    """A transfer of care from hospital that the neighbourhood team must accept, within 24 hours."""

    event = models.OneToOneField(HospitalEvent, on_delete=models.PROTECT, related_name="handover")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="discharge_handovers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="discharge_handovers")
    summary = models.TextField(blank=True)
    due_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The owned work accepting it created: a referral held by whoever accepted, with first contact due.
    follow_up = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="discharge_handover"
    )

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Discharge handover for person {self.person_id}"


class DischargeDecline(models.Model):
    """A team member said they cannot take a discharge on, and why; the handover stays in the team's queue."""

    handover = models.ForeignKey(DischargeHandover, on_delete=models.CASCADE, related_name="declines")
    declined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declined_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["declined_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="discharge_decline_has_reason")]

    def __str__(self) -> str:
        return f"Decline of discharge handover {self.handover_id}"


class NoticeKind(models.TextChoices):
    ADMITTED = "admitted", "Admitted to hospital"
    DISCHARGED = "discharged", "Discharged from hospital"
    DISCHARGE_ACCEPTED = "discharge_accepted", "A discharge handover was accepted"
    KEY_WORKER_HANDOVER = "key_worker_handover", "You are now the key worker"
    LINKED_REFERRAL = "linked_referral", "A new referral joined yours"
    OFFER_DECLINED = "offer_declined", "Your handover offer was declined"
    ALLOCATED = "allocated", "A referral was allocated to you"
    BREACH = "breach", "A referral has passed its response target"


class Notice(models.Model):
    """Something a member of staff must know about, shown in their inbox until they mark it read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    text = models.CharField(max_length=300)
    # A longer note that goes with the notice, such as a key-worker handover note, shown in full.
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return self.text


class SelfReferralSubmission(models.Model):
    """A record of each public self-referral attempt, for rate limiting and to refuse double submissions.

    Holds a hash of the sender's address and of the form's content, never the content itself.
    """

    client_hash = models.CharField(max_length=64, db_index=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Self-referral submission at {self.submitted_at:%Y-%m-%d %H:%M}"
