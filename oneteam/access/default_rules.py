"""The default information sharing agreement every neighbourhood starts with.

Modelled on a typical integrated neighbourhood team agreement: health and social
care professionals see what they need for direct care of the people their team
serves; more sensitive categories (mental health, safeguarding, notes) need a
care-team relationship; social-care finances stay with social care; voluntary
sector link workers see only what they need for the people they support; the
information-governance officer sees who accessed a record, not its content.

Two rules are not configurable and live in the policy itself: safety alerts are
always shown for direct care and MDT discussion (staff safety on home visits),
and planning never sees a person's record (aggregate, de-identified data only).
"""

from __future__ import annotations

from collections.abc import Iterator

from oneteam.organisations.models import Profession

from .models import AccessLevel, DataCategory, Purpose

N = AccessLevel.NEIGHBOURHOOD_TEAM
C = AccessLevel.CARE_TEAM
P = AccessLevel.PARTNERSHIP
NO: None = None  # no rule: no access

# The categories sharing rules govern, in the column order of the tables below.
RULE_CATEGORIES = (
    DataCategory.DEMOGRAPHICS,
    DataCategory.PHYSICAL_HEALTH,
    DataCategory.MENTAL_HEALTH,
    DataCategory.SOCIAL_CARE_ASSESSMENT,
    DataCategory.SOCIAL_CARE_FINANCES,
    DataCategory.SAFEGUARDING,
    DataCategory.CARE_PLAN,
    DataCategory.CAPACITY,
    DataCategory.NOTES,
)
# The purposes sharing rules govern (planning is never person-level).
RULE_PURPOSES = (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION, Purpose.SAFEGUARDING, Purpose.AUDIT)

Row = tuple[AccessLevel | None, ...]

#                                    demog phys ment scA scF safeg plan cap notes
DIRECT_CARE: dict[Profession, Row] = {
    Profession.DISTRICT_NURSE: (N, N, C, N, NO, C, N, N, C),
    Profession.COMMUNITY_MATRON: (N, N, C, N, NO, C, N, N, C),
    Profession.OCCUPATIONAL_THERAPIST: (N, N, C, N, NO, C, N, N, C),
    Profession.PHYSIOTHERAPIST: (N, N, C, N, NO, C, N, N, C),
    Profession.SOCIAL_WORKER: (N, C, C, N, N, N, N, N, C),
    Profession.SOCIAL_CARE_ASSESSOR: (N, C, NO, N, N, C, N, N, C),
    Profession.GP: (N, N, N, N, NO, C, N, N, C),
    Profession.CARE_COORDINATOR: (N, C, C, N, NO, C, N, N, C),
    Profession.MENTAL_HEALTH_NURSE: (N, C, N, C, NO, C, N, N, C),
    Profession.VCSE_LINK_WORKER: (C, NO, NO, NO, NO, NO, C, NO, C),
    Profession.TEAM_LEAD: (N, C, C, C, NO, C, N, C, C),
    Profession.ANALYST: (NO, NO, NO, NO, NO, NO, NO, NO, NO),
    Profession.INFORMATION_GOVERNANCE_OFFICER: (NO, NO, NO, NO, NO, NO, NO, NO, NO),
    Profession.ADMINISTRATOR: (N, NO, NO, NO, NO, NO, NO, NO, NO),
}

#                                    demog phys ment scA scF safeg plan cap notes
SAFEGUARDING: dict[Profession, Row] = {
    Profession.SOCIAL_WORKER: (N, N, N, N, N, N, N, N, N),
    Profession.TEAM_LEAD: (N, N, N, N, NO, N, N, N, N),
    Profession.DISTRICT_NURSE: (C, C, C, C, NO, C, C, C, C),
    Profession.COMMUNITY_MATRON: (C, C, C, C, NO, C, C, C, C),
    Profession.GP: (C, C, C, C, NO, C, C, C, C),
    Profession.MENTAL_HEALTH_NURSE: (C, C, C, C, NO, C, C, C, C),
}

AUDIT: dict[Profession, Row] = {
    Profession.INFORMATION_GOVERNANCE_OFFICER: (P, NO, NO, NO, NO, NO, NO, NO, NO),
}


def _mdt(level: AccessLevel | None) -> AccessLevel | None:
    # In an MDT, a case is discussed with the people invited to it: what direct
    # care allows becomes care-team only (attending the item is the relationship).
    return C if level is not None else None


def default_rules() -> Iterator[tuple[Profession, DataCategory, Purpose, AccessLevel]]:
    """Every (profession, category, purpose, level) cell the default agreement allows."""
    tables: dict[Purpose, dict[Profession, Row]] = {
        Purpose.DIRECT_CARE: DIRECT_CARE,
        Purpose.MDT_DISCUSSION: {p: tuple(_mdt(level) for level in row) for p, row in DIRECT_CARE.items()},
        Purpose.SAFEGUARDING: SAFEGUARDING,
        Purpose.AUDIT: AUDIT,
    }
    for purpose, table in tables.items():
        for profession, row in table.items():
            for category, level in zip(RULE_CATEGORIES, row, strict=True):
                if level is not None:
                    yield profession, category, purpose, level
