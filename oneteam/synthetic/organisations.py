"""The partner organisations and teams of the synthetic city.

ODS codes are synthetic and all begin with Z so they are easy to tell from real
ones: trusts and the council have three characters as real trusts do, GP
practices a letter and five digits, voluntary organisations five characters.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from oneteam.organisations.models import Organisation, Sector, Team

from .geography import TOWN, Geography, NeighbourhoodPlace
from .sampling import Weighted, rng_for
from .writer import Row, Table

ORGANISATION = Table(Organisation, ("id", "name", "ods_code", "sector", "neighbourhood"))
TEAM = Table(Team, ("id", "name", "neighbourhood", "takes_referrals"))

# About 90 practices: 8 in half the neighbourhoods and 7 in the others.
PRACTICES_PER_NEIGHBOURHOOD = (8, 7, 8, 7, 7, 8, 7, 8, 8, 7, 8, 7)
PRACTICE_PLACES = (
    "Abbey", "Alder", "Ashfield", "Beacon", "Bridge Street", "Brookside", "Castle", "Cedar", "Chapel Lane",
    "Church View", "Clifton", "Crossways", "Dale", "Elm Tree", "Fairfield", "Forge", "Grange", "Granby",
    "Hawthorn", "Heathside", "Highfield", "Holly Bank", "Kingsway", "Larch", "Linden", "Maple", "Market Square",
    "Meadow", "Mill Lane", "Moorside", "Nelson", "Oakwood", "Orchard", "Park View", "Priory", "Queens Road",
    "Riverside", "Rowan", "St Mary's", "Spring Vale", "Station Road", "Tannery", "Valley", "Victoria",
    "Westgate", "Willow", "Windsor", "Woodland", "York Road",
)  # fmt: skip
PRACTICE_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice", "Group Practice")
VCSE_NAMES = (
    f"{TOWN} Carers Centre",
    "Good Neighbours North",
    "Central Community Transport",
    "Southside Food Bank",
    "Home from Hospital Befriending",
    f"{TOWN} Refugee and Migrant Forum",
    "Memory Lane Dementia Café",
    "Moorside Men's Shed",
    "Canal Side Community Allotments",
    f"{TOWN} Deaf Centre",
    "Talk It Through Wellbeing",
    "Stepping Stones Recovery Network",
    "Sunrise Lunch Club",
    "Kingsmoor Community Pantry",
    f"{TOWN} Independent Living Advice",
)
DISCHARGE_TEAM_NAME = "Hospital discharge team"


@dataclass(frozen=True)
class OrganisationPlace:
    id: int
    name: str
    ods_code: str
    sector: str
    neighbourhood: NeighbourhoodPlace | None = None


@dataclass(frozen=True)
class TeamPlace:
    id: int
    name: str
    neighbourhood: NeighbourhoodPlace | None


@dataclass(frozen=True)
class Partners:
    """The organisations, the GP practices of each neighbourhood (weighted by list size) and the teams."""

    community_trust: OrganisationPlace
    adult_social_care: OrganisationPlace
    mental_health_trust: OrganisationPlace
    hospitals: tuple[OrganisationPlace, OrganisationPlace]
    vcse: tuple[OrganisationPlace, ...]
    practices: tuple[OrganisationPlace, ...]
    practice_choice: dict[int, Weighted[OrganisationPlace]]
    teams: tuple[TeamPlace, ...]

    @property
    def organisations(self) -> tuple[OrganisationPlace, ...]:
        single = (self.community_trust, self.adult_social_care, self.mental_health_trust)
        return (*single, *self.hospitals, *self.vcse, *self.practices)

    def team_for(self, neighbourhood: NeighbourhoodPlace) -> TeamPlace:
        """The integrated neighbourhood team of `neighbourhood`."""
        return next(team for team in self.teams if team.neighbourhood == neighbourhood)

    def rows(self) -> list[tuple[Table, list[Row]]]:
        """Rows for the organisation and team tables."""
        return [
            (
                ORGANISATION,
                [
                    (o.id, o.name, o.ods_code, o.sector, o.neighbourhood.id if o.neighbourhood else None)
                    for o in self.organisations
                ],
            ),
            # Each neighbourhood's integrated team is its single point of access for referrals.
            (
                TEAM,
                [
                    (t.id, t.name, t.neighbourhood.id if t.neighbourhood else None, t.neighbourhood is not None)
                    for t in self.teams
                ],
            ),
        ]


def build_partners(geography: Geography, seed: int) -> Partners:
    """The organisations and teams for `seed`, numbered from 1 in a fixed order."""
    rng = rng_for(seed, "organisations")
    ids = iter(range(1, 1000))
    community_trust = OrganisationPlace(
        next(ids), f"{TOWN} Community Health NHS Trust", "ZC1", Sector.NHS_COMMUNITY.value
    )
    adult_social_care = OrganisationPlace(
        next(ids), f"{TOWN} Council Adult Social Care", "ZL1", Sector.ADULT_SOCIAL_CARE.value
    )
    mental_health_trust = OrganisationPlace(
        next(ids), f"{TOWN} and District Mental Health NHS Foundation Trust", "ZM1", Sector.MENTAL_HEALTH.value
    )
    # The royal infirmary is in the north of the city, the general hospital in the south.
    hospitals = (
        OrganisationPlace(next(ids), f"{TOWN} Royal Infirmary", "ZA1", Sector.ACUTE_HOSPITAL.value),
        OrganisationPlace(next(ids), "Southfield General Hospital", "ZA2", Sector.ACUTE_HOSPITAL.value),
    )
    vcse = tuple(
        OrganisationPlace(next(ids), name, f"ZV{number:03d}", Sector.VCSE.value)
        for number, name in enumerate(VCSE_NAMES, start=1)
    )
    practices, practice_choice = _practices(geography, ids, rng)
    teams = (
        *(
            TeamPlace(number, f"{neighbourhood.name} integrated neighbourhood team", neighbourhood)
            for number, neighbourhood in enumerate(geography.neighbourhoods, start=1)
        ),
        TeamPlace(len(geography.neighbourhoods) + 1, DISCHARGE_TEAM_NAME, None),
    )
    return Partners(
        community_trust=community_trust,
        adult_social_care=adult_social_care,
        mental_health_trust=mental_health_trust,
        hospitals=hospitals,
        vcse=vcse,
        practices=practices,
        practice_choice=practice_choice,
        teams=teams,
    )


def _practices(
    geography: Geography, ids: Iterator[int], rng: random.Random
) -> tuple[tuple[OrganisationPlace, ...], dict[int, Weighted[OrganisationPlace]]]:
    names = [f"{place} {kind}" for place in PRACTICE_PLACES for kind in PRACTICE_KINDS]
    rng.shuffle(names)
    practices: list[OrganisationPlace] = []
    choice: dict[int, Weighted[OrganisationPlace]] = {}
    for neighbourhood, count in zip(geography.neighbourhoods, PRACTICES_PER_NEIGHBOURHOOD, strict=True):
        local = [
            OrganisationPlace(
                next(ids),
                names[len(practices) + k],
                f"Z9{len(practices) + k + 1:04d}",
                Sector.GP_PRACTICE.value,
                neighbourhood,
            )
            for k in range(count)
        ]
        practices.extend(local)
        # Practice list sizes vary several-fold, from small single-handed practices to large group practices.
        choice[neighbourhood.id] = Weighted((practice, rng.lognormvariate(0, 0.5)) for practice in local)
    return tuple(practices), choice
