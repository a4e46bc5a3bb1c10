"""A person's timeline: referrals, visits, assessments, plan changes, MDT decisions, admissions and notes, in one
list, newest first, with only what the viewer may see.

The policy is asked once for every category the timeline draws on (audited in
one append); each source is read only if its category is allowed, through its
own app's queries. Each source is capped, so the page costs a fixed number of
queries whatever the record's size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import Decision, authorise_read
from oneteam.care import queries as care
from oneteam.mdt.queries import person_decisions
from oneteam.notes.queries import notes_for
from oneteam.organisations.models import Staff
from oneteam.people.models import Person
from oneteam.referrals.queries import person_referrals

# What each kind of entry needs the policy to allow. Assessments follow their own template's category.
TIMELINE_CATEGORIES = (
    DataCategory.CARE_PLAN,  # referrals, visits, plan changes, MDT decisions
    DataCategory.PHYSICAL_HEALTH,  # hospital admissions and discharges
    DataCategory.SOCIAL_CARE_ASSESSMENT,
    DataCategory.NOTES,
)
ADMISSIONS_SHOWN = 50


@dataclass(frozen=True)
class Entry:
    """One thing that happened (or is planned), in words."""

    when: datetime.datetime
    kind: str
    text: str
    by: str = ""
    href: str = ""


@dataclass
class Timeline:
    person: Person
    decisions: dict[DataCategory, Decision]
    entries: list[Entry] = field(default_factory=list)

    @property
    def refused(self) -> list[tuple[DataCategory, Decision]]:
        """The categories left out, with the policy's reason: the viewer is told the timeline is partial."""
        return [(category, decision) for category, decision in self.decisions.items() if not decision.allowed]


def _moment(day: datetime.date) -> datetime.datetime:
    """A date as the start of that day, so dated and timed entries sort together."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _by(staff: Staff | None, profession: str = "") -> str:
    if staff is None:
        return ""
    return f"{staff.get_full_name()} ({profession or staff.get_profession_display()})"


def _care_plan_entries(person: Person) -> Iterable[Entry]:
    for line in person_referrals(person):
        referral = line.referral
        yield Entry(
            referral.received_at,
            "Referral",
            f"{referral.get_urgency_display()} referral for {referral.get_need_display().lower()}: "
            f"{referral.get_state_display().lower()}, held by {line.holder}",
            _by(referral.referred_by),
            reverse("referrals:referral", args=[referral.pk]),
        )
    for visit in care.visit_history(person):
        outcome = visit.get_outcome_display().lower() + (f": {visit.outcome_note}" if visit.outcome_note else "")
        yield Entry(
            visit.starts_at,
            "Visit",
            f"{visit.get_profession_display()} visit: {visit.purpose} ({outcome})",
            _by(visit.visitor, visit.get_profession_display()),
            reverse("care:visits", args=[person.pk]),
        )
    plan = care.plan_with_parts(person)
    for change in care.plan_history(plan):
        yield Entry(
            change.changed_at,
            "Care plan",
            f"Version {change.version}: {change.summary}",
            _by(change.changed_by, change.get_profession_display()),
            reverse("care:record", args=[person.pk]) + "#plan",
        )
    for item in person_decisions(person):
        yield Entry(item.discussed_at or item.meeting.starts_at, "MDT decision", item.decision)


def _admission_entries(person: Person) -> Iterable[Entry]:
    for admission in person.admissions.select_related("hospital")[:ADMISSIONS_SHOWN]:
        yield Entry(
            _moment(admission.admitted_on),
            "Hospital admission",
            f"{admission.get_method_display()} admission to {admission.hospital.name}",
        )
        if admission.discharged_on:
            yield Entry(
                _moment(admission.discharged_on),
                "Hospital discharge",
                f"Discharged from {admission.hospital.name} after {admission.length_of_stay} nights",
            )


def person_timeline(*, staff: Staff, person: Person) -> Timeline:
    """Everything about the person the viewer may see, newest first."""
    decisions = authorise_read(staff=staff, person=person, categories=TIMELINE_CATEGORIES, purpose=Purpose.DIRECT_CARE)
    timeline = Timeline(person=person, decisions=decisions)
    entries: list[Entry] = []
    if decisions[DataCategory.CARE_PLAN].allowed:
        entries += _care_plan_entries(person)
    if decisions[DataCategory.PHYSICAL_HEALTH].allowed:
        entries += _admission_entries(person)
    for assessment in care.visible_assessments(staff, person, decisions):
        if assessment.completed_at:
            entries.append(
                Entry(
                    assessment.completed_at,
                    "Assessment",
                    f"{assessment.template.title} completed" + (" (a repeat)" if assessment.is_repeat else ""),
                    _by(assessment.assessor, assessment.get_assessor_profession_display()),
                    reverse("care:assessment", args=[person.pk, assessment.pk]),
                )
            )
    if decisions[DataCategory.NOTES].allowed:
        entries += [
            Entry(
                _moment(note.about_day),
                "Note",
                note.text,
                _by(note.written_by, note.get_profession_display()),
                reverse("notes:notes", args=[person.pk]),
            )
            for note in notes_for(person)
        ]
    timeline.entries = sorted(entries, key=lambda entry: entry.when, reverse=True)
    return timeline
