"""The audit log: append-only events, each sealed into a keyed hash chain once its transaction commits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

from oneteam.writes import check_writer

from .vocabulary import DataCategory, Purpose


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed a record"
    SEARCH = "search", "Searched for people"
    LIST = "list", "Saw the person on a list"
    DENIED = "denied", "Was refused access"
    EXPORT = "export", "Exported or printed"
    CREATE = "create", "Added to a record"
    UPDATE = "update", "Changed a record"
    BREAK_GLASS = "break_glass", "Used emergency access"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Reviewed emergency access"
    CONSENT_RECORDED = "consent_recorded", "Recorded a consent decision"
    OBJECTION_RECORDED = "objection_recorded", "Recorded an objection"
    CARE_TEAM_CHANGED = "care_team_changed", "Changed a care team"
    RULES_CHANGED = "rules_changed", "Changed information sharing rules"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up two-factor sign-in"
    TWO_FACTOR_FAILED = "two_factor_failed", "Entered a wrong security code"
    RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused: asked to wait after failed attempts"
    SIGN_IN_UNLOCKED = "sign_in_unlocked", "Cleared failed sign-in attempts"
    SIGN_OUT = "sign_out", "Signed out"
    TIMED_OUT = "timed_out", "Signed out after inactivity"


# Only `oneteam.access.audit` may insert events and their links: it hashes each event and chains it
# after the ones before, so an insert from anywhere else (even a service) would break what
# `verify_audit` checks.
_APPENDER = re.compile(r"^oneteam\.access\.audit$")

_Row = TypeVar("_Row", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    """Refuses bulk changes: audit rows are written once, by `oneteam.access.audit`."""

    def bulk_create(self, objs: Iterable[_Row], *args: Any, **kwargs: Any) -> list[_Row]:
        check_writer(self.model, may_write=_APPENDER, by="oneteam.access.audit")
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing a member of staff did or tried to do.

    Append-only: database triggers refuse UPDATE and DELETE. `hash` is a keyed
    hash of the event's content; once the transaction that wrote it commits,
    an `AuditLink` chains it after every event sealed before it, so
    `manage.py verify_audit` can prove nothing was changed or removed. Events
    written before chaining at commit (issue 20) carry their link in the row
    instead: `previous_hash` is the hash of the event before, and `hash` covers
    both. New events leave `previous_hash` blank. Staff role and organisation are copied in as
    they were at the time. `person_id` is a plain number, not a foreign key, so
    the trail survives whatever happens to the record it points at.
    """

    occurred_at = models.DateTimeField(db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    role = models.CharField(max_length=40, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    # The username typed at sign-in, for failed attempts where no staff record matched.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    category = models.CharField(max_length=30, choices=DataCategory.choices, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    # True or False for access decisions; None for events that are not one.
    allowed = models.BooleanField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # Non-identifying facts about the event, e.g. which search method and how many results.
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Blank for events sealed by an AuditLink; the previous event's hash for older, chained-in-the-row events.
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["AuditEvent"].as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["staff", "occurred_at"], name="audit_staff_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        raise PermissionError("Audit events are written only by oneteam.access.audit.append.")

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditLink(models.Model):
    """One link of the audit chain: the event sealed at position `seq`, chained to the link before it.

    Written by `oneteam.access.audit.seal` after the event's transaction has
    committed, briefly under the chain's lock, so links follow the order in
    which events were sealed. `hash` is a keyed hash of `seq`, `previous_hash`,
    the event's id and its content. Append-only like the events.
    The link to the event has no database constraint, so a removed event shows
    as a broken chain rather than being refused; it is nullable only so that
    reads join it as an outer join.
    """

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="link"
    )
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["AuditLink"].as_manager()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"link {self.seq}: event {self.event_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        raise PermissionError("Audit links are written only by oneteam.access.audit.seal.")

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit links are append-only.")
