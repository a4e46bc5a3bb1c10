"""Every cell of the default sharing rules: profession × category × purpose × relationship.

The expected answer is read straight from the default agreement table
(default_rules.py), the document an information-governance officer signs off,
and checked against what the policy decides and what the audit log records.
"""

import pytest

from oneteam.access.default_rules import default_rules
from oneteam.access.models import AccessLevel, AuditEvent, CareRole, DataCategory, Purpose
from oneteam.access.services import authorise_read, care_team
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

TABLE = {(profession, category, purpose): level for profession, category, purpose, level in default_rules()}
RELATIONSHIPS = ("no relationship", "neighbourhood team", "care team", "MDT attendee")


def expected(profession: Profession, category: DataCategory, purpose: Purpose, relationship: str) -> bool:
    if purpose == Purpose.PLANNING:
        return False
    if category == DataCategory.SAFETY_ALERTS and purpose in (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION):
        return True
    level = TABLE.get((profession, category, purpose))
    in_care_team = relationship == "care team" or (relationship == "MDT attendee" and purpose == Purpose.MDT_DISCUSSION)
    if level == AccessLevel.PARTNERSHIP:
        return True
    if level == AccessLevel.NEIGHBOURHOOD_TEAM:
        return in_care_team or relationship == "neighbourhood team"
    if level == AccessLevel.CARE_TEAM:
        return in_care_team
    return False


@pytest.mark.parametrize("profession", list(Profession), ids=lambda p: p.value)
def test_default_rules_cell_by_cell(profession: Profession) -> None:
    home = make_neighbourhood()
    person = make_person(home)
    elsewhere = make_neighbourhood()
    staff: dict[str, Staff] = {
        "no relationship": make_staff(elsewhere, profession=profession),
        "neighbourhood team": make_staff(home, profession=profession),
        "care team": make_staff(elsewhere, profession=profession),
        "MDT attendee": make_staff(elsewhere, profession=profession),
    }
    care_team.join_care_team(actor=None, person=person, staff=staff["care team"], role=CareRole.ALLOCATED_PROFESSIONAL)
    care_team.join_care_team(actor=None, person=person, staff=staff["MDT attendee"], role=CareRole.MDT_ATTENDEE)

    mismatches = []
    for relationship in RELATIONSHIPS:
        member = Staff.objects.get(pk=staff[relationship].pk)
        for purpose in Purpose:
            before = AuditEvent.objects.count()
            decisions = authorise_read(staff=member, person=person, categories=list(DataCategory), purpose=purpose)
            events = list(AuditEvent.objects.order_by("id")[before:])
            assert len(events) == len(DataCategory), "one audit event per category asked about"
            for event, (category, decision) in zip(events, decisions.items(), strict=True):
                assert (event.category, event.purpose, event.allowed) == (category, purpose, decision.allowed)
                assert event.reason == decision.reason and event.person_id == person.pk
                if decision.allowed != expected(profession, category, purpose, relationship):
                    mismatches.append(f"{relationship} / {purpose.value} / {category.value}: {decision.reason}")
    assert not mismatches, "\n".join(mismatches)
