"""Reading the audit log for information governance.

Events about one person, events by one member of staff, and the rows of the
"who has accessed my record" report. Every list is fetched in one query
whatever its length: the staff member comes with the event, and the
organisation's name (events keep only its id) comes from a subquery.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from oneteam.organisations.models import Organisation, Profession, Staff

from .models import AuditAction, AuditEvent

EVENTS_PER_PAGE = 50
STAFF_RESULTS_LIMIT = 50


@dataclass(frozen=True)
class AuditRow:
    """One audit event in the words the audit pages and the subject access report use."""

    when: datetime.datetime  # local time
    staff_name: str
    role: str
    organisation: str
    action: str
    category: str
    purpose: str
    outcome: str  # "Allowed", "Refused", or blank for events that are not an access decision
    reason: str
    person_id: int | None

    @property
    def accessed(self) -> str:
        """What was accessed: the kind of data (and whether it was seen on a list), or for events about the
        whole record, what was done.
        """
        if self.category and self.action == AuditAction.LIST.label:
            return f"{self.category} – {self.action.lower()}"
        return self.category or self.action


def events_about_person(person_id: int) -> QuerySet[AuditEvent]:
    """Every event about the person, newest first."""
    return _newest_first_with_names(AuditEvent.objects.filter(person_id=person_id))


def events_by_staff(staff: Staff) -> QuerySet[AuditEvent]:
    """Every event by the member of staff, newest first."""
    return _newest_first_with_names(AuditEvent.objects.filter(staff=staff))


def _newest_first_with_names(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    organisation_name = Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")[:1]
    return (
        events.select_related("staff")
        .annotate(organisation_name=Subquery(organisation_name))
        .order_by("-occurred_at", "-id")
    )


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """Events from `events_about_person` or `events_by_staff`, as rows to show or export."""
    return [
        AuditRow(
            when=timezone.localtime(event.occurred_at),
            staff_name=(event.staff.get_full_name() or event.staff.username) if event.staff else event.username,
            role=Profession(event.role).label if event.role in Profession.values else event.role,
            # Annotated by _newest_first_with_names; blank when the event has no organisation.
            organisation=getattr(event, "organisation_name", None) or "",
            action=event.get_action_display(),
            category=event.get_category_display(),
            purpose=event.get_purpose_display(),
            outcome={True: "Allowed", False: "Refused", None: ""}[event.allowed],
            reason=event.reason,
            person_id=event.person_id,
        )
        for event in events
    ]


def find_staff(text: str) -> list[Staff]:
    """Staff (and service accounts: what a system did is audited too) whose username, first name or last name
    contains every word of `text`.
    """
    query = Q()
    for word in text.split():
        query &= Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    matches = (
        Staff.all_accounts.filter(query).select_related("organisation").order_by("last_name", "first_name", "username")
    )
    return list(matches[:STAFF_RESULTS_LIMIT])
