"""The staff of the synthetic city: about 80 in each integrated neighbourhood team, and a discharge team.

Staff accounts get Django's unusable-password marker ("!" and random
characters, drawn here from the seeded stream so the data stays reproducible),
so nobody can sign in as a synthetic member of staff until a password is set.
Hashing real passwords would take minutes for a thousand accounts.
"""

from __future__ import annotations

import datetime
import random
import string
from collections.abc import Iterator

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH

from oneteam.organisations.models import Profession, Staff

from . import names
from .organisations import OrganisationPlace, Partners, TeamPlace
from .sampling import chance
from .writer import Row, Table

STAFF = Table(
    Staff,
    (
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
        "is_active", "date_joined", "profession", "organisation",
    ),
)  # fmt: skip
STAFF_TEAM = Table(Staff.teams.through, ("id", "staff", "team"))

P = Profession
# Who each integrated neighbourhood team employs, and which organisation employs them.
# "practice" means one of the neighbourhood's GP practices, in turn; "vcse" a voluntary organisation.
NEIGHBOURHOOD_ROSTER = (
    (P.DISTRICT_NURSE, 24, "community_trust"),
    (P.COMMUNITY_MATRON, 3, "community_trust"),
    (P.OCCUPATIONAL_THERAPIST, 3, "community_trust"),
    (P.OCCUPATIONAL_THERAPIST, 3, "adult_social_care"),
    (P.PHYSIOTHERAPIST, 6, "community_trust"),
    (P.SOCIAL_WORKER, 10, "adult_social_care"),
    (P.SOCIAL_CARE_ASSESSOR, 6, "adult_social_care"),
    (P.GP, 4, "practice"),
    (P.CARE_COORDINATOR, 5, "practice"),
    (P.MENTAL_HEALTH_NURSE, 4, "mental_health_trust"),
    (P.VCSE_LINK_WORKER, 4, "vcse"),
    (P.TEAM_LEAD, 1, "community_trust"),
    (P.TEAM_LEAD, 1, "adult_social_care"),
    (P.ANALYST, 1, "community_trust"),
    (P.ADMINISTRATOR, 3, "community_trust"),
    (P.ADMINISTRATOR, 2, "adult_social_care"),
)
DISCHARGE_ROSTER = (
    (P.SOCIAL_WORKER, 4, "adult_social_care"),
    (P.DISTRICT_NURSE, 3, "community_trust"),
    (P.CARE_COORDINATOR, 4, "community_trust"),
    (P.OCCUPATIONAL_THERAPIST, 3, "adult_social_care"),
    (P.PHYSIOTHERAPIST, 2, "community_trust"),
    (P.TEAM_LEAD, 1, "community_trust"),
    (P.ADMINISTRATOR, 2, "community_trust"),
)
# City-wide roles that belong to no team, so they see no one's record through a team.
CITY_WIDE_ROSTER = (
    (P.INFORMATION_GOVERNANCE_OFFICER, 1, "community_trust"),
    (P.INFORMATION_GOVERNANCE_OFFICER, 1, "adult_social_care"),
    (P.ANALYST, 2, "adult_social_care"),
)
STAFF_USERNAME_PREFIX = "staff."
PASSWORD_CHARACTERS = string.ascii_letters + string.digits
EMAIL_DOMAIN = "oneteam.example"  # reserved for examples (RFC 2606): mail can never reach anyone


def staff_rows(
    partners: Partners, *, first_id: int, first_membership_id: int, as_of: datetime.date, rng: random.Random
) -> tuple[list[Row], list[Row]]:
    """Rows for the staff table and for team memberships, ids counted up from the given first ids."""
    staff: list[Row] = []
    memberships: list[Row] = []
    for team, roster in _rosters(partners):
        practices = _neighbourhood_practices(partners, team)
        for profession, count, employer in roster:
            for _ in range(count):
                number = len(staff) + 1
                staff_id = first_id + number - 1
                organisation = _employer(partners, employer, practices, number, rng)
                staff.append(_member(rng, staff_id, number, profession, organisation, as_of))
                if team is not None:
                    memberships.append((first_membership_id + len(memberships), staff_id, team.id))
    return staff, memberships


def _rosters(partners: Partners) -> Iterator[tuple[TeamPlace | None, tuple[tuple[str, int, str], ...]]]:
    for team in partners.teams:
        yield team, NEIGHBOURHOOD_ROSTER if team.neighbourhood else DISCHARGE_ROSTER
    yield None, CITY_WIDE_ROSTER


def _neighbourhood_practices(partners: Partners, team: TeamPlace | None) -> list[OrganisationPlace]:
    if team is None or team.neighbourhood is None:
        return []
    return [practice for practice in partners.practices if practice.neighbourhood == team.neighbourhood]


def _employer(
    partners: Partners, employer: str, practices: list[OrganisationPlace], number: int, rng: random.Random
) -> OrganisationPlace:
    if employer == "practice":
        return practices[number % len(practices)]
    if employer == "vcse":
        return partners.vcse[rng.randrange(len(partners.vcse))]
    employers = {
        "community_trust": partners.community_trust,
        "adult_social_care": partners.adult_social_care,
        "mental_health_trust": partners.mental_health_trust,
    }
    return employers[employer]


def _member(
    rng: random.Random,
    staff_id: int,
    number: int,
    profession: str,
    organisation: OrganisationPlace,
    as_of: datetime.date,
) -> Row:
    age = rng.randint(23, 64)
    category = names.ethnic_category(rng, age, decile=4)
    heritage = names.heritage(rng, category)
    female = chance(rng, 0.77)  # most of the health and care workforce are women
    username = f"{STAFF_USERNAME_PREFIX}{number:05d}"
    joined_on = as_of - datetime.timedelta(days=rng.randint(1, min(age - 21, 15) * 365))
    password = UNUSABLE_PASSWORD_PREFIX + "".join(rng.choices(PASSWORD_CHARACTERS, k=UNUSABLE_PASSWORD_SUFFIX_LENGTH))
    return (
        staff_id,
        password,
        None,
        False,
        username,
        heritage.given_name(rng, female, as_of.year - age),
        heritage.family_name(rng),
        f"{username}@{EMAIL_DOMAIN}",
        False,
        True,
        datetime.datetime.combine(joined_on, datetime.time(9, 0), tzinfo=datetime.UTC),
        str(profession),
        organisation.id,
    )
