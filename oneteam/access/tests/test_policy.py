"""The access policy, case by case. The full default-rules matrix is in test_policy_matrix.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneteam.access.models import AccessLevel, BreakGlassAccess, CareRole, ConsentStatus, DataCategory, Purpose
from oneteam.access.policy import decide, forget, prefetch
from oneteam.access.services import agreements, break_glass, care_team, consent
from oneteam.access.tests.factories import key_worker_for
from oneteam.organisations.models import Neighbourhood, Profession, Sector, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person, make_person_outside_the_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")


def fresh(staff: Staff) -> Staff:
    """The staff member as a new request would load them (no remembered decisions)."""
    return Staff.objects.get(pk=staff.pk)


def test_neighbourhood_team_member_sees_what_the_agreement_allows(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)
    decision = decide(nurse, ada, DataCategory.SOCIAL_CARE_ASSESSMENT, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert decision.reason == (
        f"Allowed: you are in Ada Khan's neighbourhood team and the {home.name} information sharing agreement "
        "(version 1) lets district nurses see social care assessment for direct care."
    )


def test_care_team_level_data_needs_a_relationship(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)
    refused = decide(nurse, ada, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE)
    assert not refused.allowed
    assert "you are not on this person's care team" in refused.reason
    care_team.join_care_team(actor=None, person=ada, staff=nurse, role=CareRole.KEY_WORKER)
    allowed = decide(fresh(nurse), ada, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE)
    assert allowed.allowed
    assert allowed.reason.startswith("Allowed: you are on Ada Khan's care team and ")


def test_care_team_gives_access_across_neighbourhoods(ada: Person) -> None:
    outsider = make_staff(make_neighbourhood(), profession=Profession.SOCIAL_WORKER)
    assert not decide(outsider, ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
    care_team.join_care_team(actor=None, person=ada, staff=outsider, role=CareRole.ALLOCATED_PROFESSIONAL)
    assert decide(fresh(outsider), ada, DataCategory.SOCIAL_CARE_FINANCES, Purpose.DIRECT_CARE).allowed


def test_ended_relationship_gives_nothing(ada: Person) -> None:
    outsider = make_staff(make_neighbourhood())
    membership = care_team.join_care_team(actor=None, person=ada, staff=outsider, role=CareRole.KEY_WORKER)
    care_team.leave_care_team(actor=None, membership=membership)
    assert not decide(fresh(outsider), ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed


def test_mdt_attendance_is_for_the_discussion_only(ada: Person) -> None:
    gp = make_staff(make_neighbourhood(), profession=Profession.GP)
    care_team.join_care_team(actor=None, person=ada, staff=gp, role=CareRole.MDT_ATTENDEE)
    assert decide(gp, ada, DataCategory.PHYSICAL_HEALTH, Purpose.MDT_DISCUSSION).allowed
    assert not decide(gp, ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE).allowed


def test_safety_alerts_are_shown_to_anyone_who_may_visit(ada: Person) -> None:
    stranger = make_staff(make_neighbourhood(), profession=Profession.VCSE_LINK_WORKER)
    decision = decide(stranger, ada, DataCategory.SAFETY_ALERTS, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert "safety alerts are shown to anyone who may visit" in decision.reason


def test_no_relationship_means_no_record(ada: Person) -> None:
    stranger = make_staff(make_neighbourhood())
    decision = decide(stranger, ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    assert not decision.allowed
    assert "not on this person's care team or in their neighbourhood team" in decision.reason


def test_consent_withdrawal_removes_team_access_at_once_but_not_the_care_team(home: Neighbourhood, ada: Person) -> None:
    team_nurse = make_staff(home)
    key_worker = make_staff(home)
    care_team.join_care_team(actor=None, person=ada, staff=key_worker, role=CareRole.KEY_WORKER)
    assert decide(team_nurse, ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE).allowed

    consent.record_consent(actor=key_worker, person=ada, status=ConsentStatus.WITHDRAWN, categories=[], note="")

    refused = decide(fresh(team_nurse), ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE)
    assert not refused.allowed
    assert refused.reason == (
        "Not allowed: the person withdrew consent to share their record with the neighbourhood team, "
        "so only their named care team can see it."
    )
    assert decide(fresh(key_worker), ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE).allowed


def test_consent_limited_to_some_categories(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)
    consent.record_consent(
        actor=key_worker_for(ada),
        person=ada,
        status=ConsentStatus.DECLINED,
        categories=[DataCategory.PHYSICAL_HEALTH],
        note="",
    )
    nurse = fresh(nurse)
    assert not decide(nurse, ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE).allowed
    assert decide(nurse, ada, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed


def test_objection_refuses_a_category_unless_for_safeguarding(home: Neighbourhood, ada: Person) -> None:
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    consent.record_objection(actor=key_worker_for(ada), person=ada, category=DataCategory.CAPACITY, sector="", note="")
    social_worker = fresh(social_worker)
    refused = decide(social_worker, ada, DataCategory.CAPACITY, Purpose.DIRECT_CARE)
    assert not refused.allowed
    assert "objected to sharing their mental capacity records" in refused.reason
    overridden = decide(social_worker, ada, DataCategory.CAPACITY, Purpose.SAFEGUARDING)
    assert overridden.allowed
    assert "overrides the person's wishes because it is for safeguarding" in overridden.reason


def test_objection_to_one_sector_leaves_the_others(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)  # employed by an NHS community organisation
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    social_worker.organisation.sector = Sector.ADULT_SOCIAL_CARE  # type: ignore[union-attr]
    social_worker.organisation.save()  # type: ignore[union-attr]
    consent.record_objection(
        actor=key_worker_for(ada),
        person=ada,
        category=DataCategory.DEMOGRAPHICS,
        sector=Sector.ADULT_SOCIAL_CARE,
        note="",
    )
    assert not decide(fresh(social_worker), ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
    assert decide(fresh(nurse), ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed


def test_break_glass_opens_the_record_until_it_expires(ada: Person) -> None:
    stranger = make_staff(make_neighbourhood(), profession=Profession.SOCIAL_WORKER)
    access = break_glass.open_emergency_access(staff=stranger, person=ada, reason="Found on the floor, confused")
    decision = decide(stranger, ada, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert "emergency access" in decision.reason
    assert "Found on the floor, confused" in decision.reason
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    forget(stranger, ada)
    assert not decide(stranger, ada, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE).allowed


def test_planning_never_sees_a_person_and_inactive_staff_see_nothing(home: Neighbourhood, ada: Person) -> None:
    analyst = make_staff(home, profession=Profession.ANALYST)
    assert not decide(analyst, ada, DataCategory.DEMOGRAPHICS, Purpose.PLANNING).allowed
    nurse = make_staff(home)
    nurse.is_active = False
    assert not decide(nurse, ada, DataCategory.SAFETY_ALERTS, Purpose.DIRECT_CARE).allowed


def test_no_agreement_no_access() -> None:
    bare = make_neighbourhood(with_agreement=False)
    person = make_person(bare)
    decision = decide(make_staff(bare), person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    assert not decision.allowed
    assert "no information sharing agreement is in force" in decision.reason


def test_ward_neighbourhood_team_counts_too() -> None:
    practice_area, home_area = make_neighbourhood(), make_neighbourhood()
    person = make_person(practice_area, ward_neighbourhood=home_area)
    social_worker = make_staff(home_area, profession=Profession.SOCIAL_WORKER)
    decision = decide(social_worker, person, DataCategory.SOCIAL_CARE_ASSESSMENT, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert home_area.name in decision.reason


def test_someone_outside_the_area_is_seen_by_their_care_team_only(home: Neighbourhood) -> None:
    # Under no agreement of their own: the care team sees them as their own team's agreement lets them.
    harriet = make_person_outside_the_area()
    nurse, colleague = make_staff(home), make_staff(home)
    care_team.join_care_team(actor=None, person=harriet, staff=nurse, role=CareRole.KEY_WORKER)

    allowed = decide(nurse, harriet, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE)
    refused = decide(colleague, harriet, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    not_in_agreement = decide(nurse, harriet, DataCategory.SOCIAL_CARE_FINANCES, Purpose.DIRECT_CARE)

    assert allowed.allowed
    assert allowed.reason == (
        f"Allowed: you are on Harriet Rowe's care team and the {home.name} information sharing agreement "
        "(version 1) lets district nurses see mental health for direct care."
    )
    assert not refused.allowed
    assert refused.reason == (
        "Not allowed: this person lives and is registered outside the neighbourhoods OneTeam serves, "
        "so only their care team can see their record."
    )
    assert not not_in_agreement.allowed
    assert decide(colleague, harriet, DataCategory.SAFETY_ALERTS, Purpose.DIRECT_CARE).allowed
    auditor = make_staff(home, profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    assert decide(auditor, harriet, DataCategory.DEMOGRAPHICS, Purpose.AUDIT).allowed


def test_someone_living_outside_the_area_is_seen_by_their_practice_neighbourhood_team(home: Neighbourhood) -> None:
    harriet = make_person(home, lsoa=None, ward=None, ward_neighbourhood=None)
    decision = decide(make_staff(home), harriet, DataCategory.SOCIAL_CARE_ASSESSMENT, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert home.name in decision.reason


def test_prefetched_decisions_cope_with_someone_outside_the_area(home: Neighbourhood, ada: Person) -> None:
    harriet = make_person_outside_the_area()
    nurse = make_staff(home)
    prefetch(nurse, [ada, harriet])
    with CaptureQueriesContext(connection) as queries:
        assert decide(nurse, ada, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
        assert not decide(nurse, harriet, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
    assert len(queries) == 0


def test_a_new_agreement_version_applies_from_the_next_request(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)
    assert decide(nurse, ada, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed
    ig = make_staff(home, profession=Profession.INFORMATION_GOVERNANCE_OFFICER)
    agreements.change_purpose(
        actor=ig,
        neighbourhood=home,
        purpose=Purpose.DIRECT_CARE,
        cells=[(Profession.DISTRICT_NURSE, DataCategory.CARE_PLAN, None)],
        change_note="Care plans to care team only while we check the template",
    )
    refused = decide(fresh(nurse), ada, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE)
    assert not refused.allowed
    assert "does not let district nurses see care plan" in refused.reason


def test_sector_specific_rule_overrides_the_general_one(home: Neighbourhood, ada: Person) -> None:
    nurse = make_staff(home)
    levels = agreements.default_levels()
    sector = nurse.organisation.sector  # type: ignore[union-attr]
    levels[(Profession.DISTRICT_NURSE, sector, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE)] = (
        AccessLevel.CARE_TEAM
    )
    agreements.publish_agreement(actor=None, neighbourhood=home, levels=levels, change_note="Stricter for one sector")
    assert not decide(fresh(nurse), ada, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE).allowed


def test_many_decisions_cost_two_queries(home: Neighbourhood, ada: Person) -> None:
    nurse = fresh(make_staff(home))
    with CaptureQueriesContext(connection) as queries:
        for category in DataCategory:
            for purpose in Purpose:
                decide(nurse, ada, category, purpose)
    assert len(queries) == 2


@pytest.mark.parametrize(
    "category",
    [DataCategory.DEMOGRAPHICS, DataCategory.MENTAL_HEALTH, DataCategory.SOCIAL_CARE_FINANCES],
)
def test_a_refusal_names_neither_the_person_nor_their_neighbourhood(
    home: Neighbourhood, ada: Person, category: DataCategory
) -> None:
    key_worker = make_staff(home)
    care_team.join_care_team(actor=None, person=ada, staff=key_worker, role=CareRole.KEY_WORKER)
    consent.record_consent(actor=key_worker, person=ada, status=ConsentStatus.WITHDRAWN, categories=[], note="")
    for staff in (make_staff(make_neighbourhood()), make_staff(home)):
        refused = decide(staff, ada, category, Purpose.DIRECT_CARE)
        assert not refused.allowed
        assert "Ada" not in refused.reason and "Khan" not in refused.reason
        assert home.name not in refused.reason
