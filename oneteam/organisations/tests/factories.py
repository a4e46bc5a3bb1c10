"""Small factories for the organisation map and staff, for tests that need a few rows, not a city."""

from __future__ import annotations

from itertools import count

from oneteam.access.services.agreements import default_levels, publish_agreement
from oneteam.organisations.models import (
    LSOA,
    Locality,
    Neighbourhood,
    Organisation,
    Profession,
    Sector,
    Staff,
    Team,
    Ward,
)
from oneteam.synthetic.demo import DEMO_TEAM

_sequence = count(1)
TEST_PASSWORD = "correct horse battery staple"


def make_neighbourhood(code: str | None = None, *, with_agreement: bool = True) -> Neighbourhood:
    """A neighbourhood, by default with the default information sharing agreement in force."""
    n = next(_sequence)
    locality, _ = Locality.objects.get_or_create(name="North")
    code = code or f"T{n}"
    neighbourhood = Neighbourhood.objects.create(code=code, name=f"Test {code}", locality=locality)
    if with_agreement:
        publish_agreement(actor=None, neighbourhood=neighbourhood, levels=default_levels(), change_note="Test default")
    return neighbourhood


def make_organisation(sector: str = Sector.NHS_COMMUNITY, neighbourhood: Neighbourhood | None = None) -> Organisation:
    n = next(_sequence)
    return Organisation.objects.create(
        name=f"Organisation {n}", ods_code=f"X{n:05d}", sector=sector, neighbourhood=neighbourhood
    )


def make_practice(neighbourhood: Neighbourhood) -> Organisation:
    return make_organisation(Sector.GP_PRACTICE, neighbourhood)


def make_lsoa(neighbourhood: Neighbourhood, imd_decile: int = 5) -> LSOA:
    n = next(_sequence)
    ward = Ward.objects.create(code=f"E05{n:06d}", name=f"Ward {n}", neighbourhood=neighbourhood)
    return LSOA.objects.create(
        code=f"E01{n:06d}", name=f"Area {n}", ward=ward, imd_decile=imd_decile, latitude=53.4, longitude=-2.2
    )


def make_demo_team() -> Team:
    """The North 1 team the demo sign-ins belong to, with one employer of each sector for them."""
    neighbourhood = make_neighbourhood("N1")
    for sector in Sector:
        make_organisation(sector, neighbourhood if sector == Sector.GP_PRACTICE else None)
    return Team.objects.create(name=DEMO_TEAM, neighbourhood=neighbourhood)


def make_team(neighbourhood: Neighbourhood | None) -> Team:
    n = next(_sequence)
    return Team.objects.create(name=f"Team {n}", neighbourhood=neighbourhood)


def make_staff(
    neighbourhood: Neighbourhood | None = None,
    profession: str = Profession.DISTRICT_NURSE,
    username: str | None = None,
    password: str = TEST_PASSWORD,
) -> Staff:
    """A member of staff in a team for `neighbourhood`, with a known password."""
    n = next(_sequence)
    staff = Staff.objects.create_user(
        username=username or f"staff{n}",
        password=password,
        first_name="Sam",
        last_name=f"Tester{n}",
        profession=profession,
        organisation=make_organisation(),
    )
    if neighbourhood is not None:
        staff.teams.add(make_team(neighbourhood))
    return staff
