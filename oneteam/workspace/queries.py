"""The person summary: the record's identity and health from `people`, their key worker and referrals from
`referrals`, their MDT actions from `mdt`, each section only as the access policy allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from oneteam.access.code_categories import CONDITION_CATEGORIES, condition_category
from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import Decision, authorise_read
from oneteam.access.services.break_glass import may_use_emergency_access
from oneteam.mdt.models import MdtAction
from oneteam.mdt.queries import person_actions
from oneteam.organisations.models import Staff
from oneteam.people.models import CarePackage, Condition, HospitalAdmission, Person, RelatedPerson, SafetyAlert
from oneteam.referrals.models import Episode
from oneteam.referrals.queries import ReferralLine, may_change_key_worker, open_episode, person_referrals

# The sections of the summary page and the data category each belongs to. Conditions are shown
# category by category (from their codes), so each condition category is asked about too.
SUMMARY_CATEGORIES = tuple(
    dict.fromkeys(
        (
            DataCategory.DEMOGRAPHICS,
            DataCategory.SAFETY_ALERTS,
            *CONDITION_CATEGORIES,
            DataCategory.SOCIAL_CARE_ASSESSMENT,
            DataCategory.CARE_PLAN,  # the key worker and the person's referrals
        )
    )
)


@dataclass
class PersonSummary:
    """What a member of staff may see of a person.

    When `refused` is true the viewer has no relationship that lets them see who
    the person is, and the page says only that (`person` must not be shown).
    """

    person: Person
    decisions: dict[DataCategory, Decision]
    refused: bool = False
    may_use_emergency_access: bool = False
    contacts: list[RelatedPerson] = field(default_factory=list)
    safety_alerts: list[SafetyAlert] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    hidden_condition_reasons: list[str] = field(default_factory=list)
    admissions: list[HospitalAdmission] = field(default_factory=list)
    care_packages: list[CarePackage] = field(default_factory=list)
    episode: Episode | None = None
    referrals: list[ReferralLine] = field(default_factory=list)
    may_change_key_worker: bool = False
    mdt_actions: list[MdtAction] = field(default_factory=list)


def person_summary(*, staff: Staff, person_id: int) -> PersonSummary:
    """The person summary, with only the sections the policy allows; every section's decision is audited."""
    person = get_object_or_404(
        Person.objects.select_related("gp_practice", "ward", "lsoa", "practice_neighbourhood", "ward_neighbourhood"),
        pk=person_id,
    )
    decisions = authorise_read(staff=staff, person=person, categories=SUMMARY_CATEGORIES, purpose=Purpose.DIRECT_CARE)
    summary = PersonSummary(person=person, decisions=decisions)
    if not decisions[DataCategory.DEMOGRAPHICS].allowed:
        # Without a relationship the page says nothing about the person, not even the safety alerts:
        # whoever may visit them has one (docs/information-governance.md).
        summary.refused = True
        summary.may_use_emergency_access = may_use_emergency_access(staff)
        return summary
    summary.contacts = list(person.contacts.all())
    if decisions[DataCategory.SAFETY_ALERTS].allowed:
        summary.safety_alerts = list(person.safety_alerts.filter(active=True))
    summary.conditions = [
        condition
        for condition in person.conditions.all()
        if decisions[condition_category(condition.snomed_code)].allowed
    ]
    summary.hidden_condition_reasons = [
        decisions[category].reason for category in CONDITION_CATEGORIES if not decisions[category].allowed
    ]
    if decisions[DataCategory.PHYSICAL_HEALTH].allowed:
        summary.admissions = list(person.admissions.select_related("hospital")[:10])
    if decisions[DataCategory.SOCIAL_CARE_ASSESSMENT].allowed:
        summary.care_packages = list(person.care_packages.all())
    if decisions[DataCategory.CARE_PLAN].allowed:
        summary.episode = open_episode(person)
        summary.referrals = person_referrals(person)
        summary.may_change_key_worker = summary.episode is not None and may_change_key_worker(staff, summary.episode)
        summary.mdt_actions = person_actions(person)
    return summary
