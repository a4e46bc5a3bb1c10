"""Reads of the person record. Each goes through the access policy and is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.policy import Decision, has_emergency_access, in_team_neighbourhoods
from oneteam.access.services import authorise_read, record_event
from oneteam.mdt.models import MdtAction
from oneteam.mdt.queries import person_actions
from oneteam.organisations.models import Staff
from oneteam.referrals.models import Episode
from oneteam.referrals.queries import ReferralLine, may_change_key_worker, open_episode, person_referrals

from .models import CarePackage, Condition, HospitalAdmission, Person, RelatedPerson, SafetyAlert

MAX_RESULTS = 50


@dataclass(frozen=True)
class SearchResults:
    people: list[Person]
    more_than_shown: bool


def search_people(
    *,
    staff: Staff,
    method: str,
    nhs_number: str = "",
    family_name: str = "",
    given_name: str = "",
    date_of_birth: datetime.date | None = None,
    postcode: str = "",
) -> SearchResults:
    """Find people by exact NHS number, by name and date of birth, or by postcode.

    Results carry only what any member of staff may see of anyone: name, date of
    birth, NHS number and neighbourhood; the record itself is decided person by
    person. A postcode search lists a household, which says where people live,
    so it is limited to the neighbourhoods the member of staff's teams serve.

    The audit event records the method and the number of results, not the
    search terms, which are themselves personal data.
    """
    people: QuerySet[Person] = Person.objects.select_related("practice_neighbourhood")
    if method == "nhs_number":
        people = people.filter(nhs_number=nhs_number)
    elif method == "name":
        if date_of_birth is None:
            raise ValueError("a name search needs a date of birth")
        people = people.filter(family_name__iexact=family_name, date_of_birth=date_of_birth)
        if given_name:
            people = people.filter(given_name__istartswith=given_name)
    elif method == "postcode":
        people = people.filter(in_team_neighbourhoods(staff), postcode=postcode)
    else:
        raise ValueError(f"unknown search method {method!r}")
    found = list(people.order_by("family_name", "given_name", "date_of_birth", "pk")[: MAX_RESULTS + 1])
    record_event(
        staff=staff,
        action=AuditAction.SEARCH,
        purpose=Purpose.DIRECT_CARE,
        detail={"method": method, "results": min(len(found), MAX_RESULTS)},
    )
    return SearchResults(people=found[:MAX_RESULTS], more_than_shown=len(found) > MAX_RESULTS)


# The sections of the summary page and the data category each belongs to.
SUMMARY_CATEGORIES = (
    DataCategory.DEMOGRAPHICS,
    DataCategory.SAFETY_ALERTS,
    DataCategory.PHYSICAL_HEALTH,
    DataCategory.SOCIAL_CARE_ASSESSMENT,
    DataCategory.CARE_PLAN,  # the key worker and the person's referrals
)


@dataclass
class PersonSummary:
    """What a member of staff may see of a person. `person` always carries the identity every search shows."""

    person: Person
    decisions: dict[DataCategory, Decision]
    emergency_access: bool = False
    contacts: list[RelatedPerson] = field(default_factory=list)
    safety_alerts: list[SafetyAlert] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    admissions: list[HospitalAdmission] = field(default_factory=list)
    care_packages: list[CarePackage] = field(default_factory=list)
    episode: Episode | None = None
    referrals: list[ReferralLine] = field(default_factory=list)
    may_change_key_worker: bool = False
    mdt_actions: list[MdtAction] = field(default_factory=list)


def person_summary(*, staff: Staff, person_id: int) -> PersonSummary:
    """The person summary, with only the sections the policy allows."""
    person = get_object_or_404(
        Person.objects.select_related("gp_practice", "ward", "lsoa", "practice_neighbourhood", "ward_neighbourhood"),
        pk=person_id,
    )
    decisions = authorise_read(staff=staff, person=person, categories=SUMMARY_CATEGORIES, purpose=Purpose.DIRECT_CARE)
    summary = PersonSummary(person=person, decisions=decisions, emergency_access=has_emergency_access(staff, person))
    if decisions[DataCategory.DEMOGRAPHICS].allowed:
        summary.contacts = list(person.contacts.all())
    if decisions[DataCategory.SAFETY_ALERTS].allowed:
        summary.safety_alerts = list(person.safety_alerts.filter(active=True))
    if decisions[DataCategory.PHYSICAL_HEALTH].allowed:
        summary.conditions = list(person.conditions.all())
        summary.admissions = list(person.admissions.select_related("hospital")[:10])
    if decisions[DataCategory.SOCIAL_CARE_ASSESSMENT].allowed:
        summary.care_packages = list(person.care_packages.all())
    if decisions[DataCategory.CARE_PLAN].allowed:
        summary.episode = open_episode(person)
        summary.referrals = person_referrals(person)
        summary.may_change_key_worker = summary.episode is not None and may_change_key_worker(staff, summary.episode)
        summary.mdt_actions = person_actions(person)
    return summary
