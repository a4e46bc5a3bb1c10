"""The places of the synthetic city: localities, neighbourhoods, wards, LSOAs, streets and postcodes.

The geography is always the whole city, whatever the number of residents. The
twelve neighbourhoods sit on a grid, three localities (rows) of four, so that
"neighbouring neighbourhood" has a plain meaning. All codes are synthetic:
wards are E059xxxxx, LSOAs E019xxxxx and postcodes are in the fictional OT area.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from string import ascii_uppercase
from typing import NamedTuple

from oneteam.organisations.models import LSOA, Locality, Neighbourhood, Ward

from .sampling import rng_for
from .writer import Row, Table

TOWN = "Oneteam City"
LOCALITY_NAMES = ("North", "Central", "South")
NEIGHBOURHOODS_PER_LOCALITY = 4

# Wards per neighbourhood, row by row (30 in all), and LSOAs per neighbourhood (330 in all),
# so each neighbourhood has about 46,000 of the 550,000 residents of the full city.
WARDS_PER_NEIGHBOURHOOD = (3, 2, 3, 2, 2, 3, 2, 3, 3, 2, 3, 2)
LSOAS_PER_NEIGHBOURHOOD = (28, 27, 28, 27, 27, 28, 27, 28, 28, 27, 28, 27)

# How deprived each neighbourhood is on average (IMD decile, 1 = most deprived): the
# inner city (Central 1–3) and two northern neighbourhoods are poor, the south better off.
MEAN_DECILE = (6.0, 3.5, 2.5, 7.0, 1.8, 2.2, 3.0, 5.0, 5.0, 8.0, 8.5, 6.5)

# A box of about 22 km by 20 km; localities run north to south, neighbourhoods west to east.
NORTH_EDGE, SOUTH_EDGE = 53.50, 53.32
WEST_EDGE, EAST_EDGE = -1.62, -1.30

WARD_NAMES = (
    "Ashbrook", "Barrow Hill", "Beckside", "Blackthorn", "Broadmead", "Canal Side", "Chapelfield",
    "Coldwell", "Cross Green", "Elmstead", "Fairhaven", "Foxwood", "Gorse Hill", "Hartshead",
    "Hollins", "Kingsmoor", "Larkfield", "Longford", "Meadowbank", "Millbrook", "Northgate",
    "Oakridge", "Parkside", "Ravensworth", "Riverside", "St Anne's", "Stonecross", "Thornbury",
    "Westfield", "Windmill Hill",
)  # fmt: skip
STREET_WORDS = (
    "Acacia", "Albert", "Alder", "Beech", "Bridge", "Brook", "Canal", "Castle", "Cedar", "Chapel",
    "Cherry", "Church", "Clarence", "Clifton", "Dale", "Elm", "Forge", "Garden", "Granby", "Grange",
    "Hawthorn", "Hazel", "Heath", "High", "Holly", "Kings", "Larch", "Linden", "Maple", "Market",
    "Meadow", "Mill", "Moor", "Nelson", "Oak", "Orchard", "Park", "Poplar", "Priory", "Queens",
    "Railway", "Rowan", "School", "Spring", "Station", "Tannery", "Union", "Victoria", "Well",
    "Willow", "Windsor", "York",
)  # fmt: skip
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Grove", "Way", "Crescent", "Drive", "Terrace", "Walk")

STREETS = tuple(f"{word} {kind}" for word in STREET_WORDS for kind in STREET_KINDS)
# Letters used in the unit part of real postcodes (C, I, K, M, O and V are never used there).
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Every inward code of a postcode district, "0AA" to "9ZZ".
INWARD_CODES = tuple(
    f"{sector}{first}{second}" for sector in range(10) for first in UNIT_LETTERS for second in UNIT_LETTERS
)
MAX_POSTCODES_PER_LSOA = 80
HOUSES_PER_POSTCODE = 20
STREETS_PER_LSOA = 8

LOCALITY = Table(Locality, ("id", "name"))
NEIGHBOURHOOD = Table(Neighbourhood, ("id", "code", "name", "locality"))
WARD = Table(Ward, ("id", "code", "name", "neighbourhood"))
LSOA_TABLE = Table(LSOA, ("id", "code", "name", "ward", "imd_decile", "latitude", "longitude"))


@dataclass(frozen=True)
class NeighbourhoodPlace:
    id: int
    code: str
    name: str
    locality_id: int
    row: int
    column: int


@dataclass(frozen=True)
class WardPlace:
    id: int
    code: str
    name: str
    neighbourhood: NeighbourhoodPlace


class Postcode(NamedTuple):
    """One postcode unit: a stretch of one street (a tuple, as the city has tens of thousands)."""

    code: str
    street: str
    first_house: int


@dataclass(frozen=True)
class LsoaPlace:
    id: int
    code: str
    name: str
    ward: WardPlace
    imd_decile: int
    latitude: float
    longitude: float
    postcodes: tuple[Postcode, ...]


@dataclass(frozen=True)
class Geography:
    neighbourhoods: tuple[NeighbourhoodPlace, ...]
    wards: tuple[WardPlace, ...]
    lsoas: tuple[LsoaPlace, ...]

    def neighbours(self, neighbourhood: NeighbourhoodPlace) -> tuple[NeighbourhoodPlace, ...]:
        """The neighbourhoods sharing an edge with `neighbourhood` on the city grid."""
        return tuple(
            other
            for other in self.neighbourhoods
            if abs(other.row - neighbourhood.row) + abs(other.column - neighbourhood.column) == 1
        )

    def rows(self) -> list[tuple[Table, list[Row]]]:
        """Rows for the locality, neighbourhood, ward and LSOA tables, in the order they must be written."""
        return [
            (LOCALITY, [(number, name) for number, name in enumerate(LOCALITY_NAMES, start=1)]),
            (NEIGHBOURHOOD, [(n.id, n.code, n.name, n.locality_id) for n in self.neighbourhoods]),
            (WARD, [(w.id, w.code, w.name, w.neighbourhood.id) for w in self.wards]),
            (
                LSOA_TABLE,
                [(s.id, s.code, s.name, s.ward.id, s.imd_decile, s.latitude, s.longitude) for s in self.lsoas],
            ),
        ]


def build_geography(seed: int) -> Geography:
    """Lay out the whole city for `seed`: the same seed always gives the same places and codes."""
    rng = rng_for(seed, "geography")
    neighbourhoods = _neighbourhoods()
    ward_names = list(WARD_NAMES)
    rng.shuffle(ward_names)
    wards: list[WardPlace] = []
    lsoas: list[LsoaPlace] = []
    for neighbourhood, ward_count, lsoa_count, mean_decile in zip(
        neighbourhoods, WARDS_PER_NEIGHBOURHOOD, LSOAS_PER_NEIGHBOURHOOD, MEAN_DECILE, strict=True
    ):
        for share in _split(lsoa_count, ward_count, rng):
            number = len(wards) + 1
            ward = WardPlace(number, f"E05{900000 + number}", ward_names[number - 1], neighbourhood)
            wards.append(ward)
            # Wards differ within a neighbourhood too, so some are clearly poorer than their neighbours.
            ward_decile = mean_decile + rng.uniform(-1.5, 1.5)
            latitude, longitude = _point_in(neighbourhood, rng)
            # Each LSOA of the ward gets its own postcodes in the ward's district.
            units = rng.sample(INWARD_CODES, share * MAX_POSTCODES_PER_LSOA)
            for index in range(share):
                lsoa_number = len(lsoas) + 1
                lsoas.append(
                    LsoaPlace(
                        id=lsoa_number,
                        code=f"E01{900000 + lsoa_number}",
                        name=f"{TOWN} {number:03d}{ascii_uppercase[index]}",
                        ward=ward,
                        imd_decile=min(10, max(1, round(ward_decile + rng.gauss(0, 1.2)))),
                        latitude=round(latitude + rng.uniform(-0.008, 0.008), 6),
                        longitude=round(longitude + rng.uniform(-0.012, 0.012), 6),
                        postcodes=_postcodes(number, units[index::share], rng),
                    )
                )
    return Geography(tuple(neighbourhoods), tuple(wards), tuple(lsoas))


def _neighbourhoods() -> list[NeighbourhoodPlace]:
    return [
        NeighbourhoodPlace(
            id=row * NEIGHBOURHOODS_PER_LOCALITY + column + 1,
            code=f"{locality[0]}{column + 1}",
            name=f"{locality} {column + 1}",
            locality_id=row + 1,
            row=row,
            column=column,
        )
        for row, locality in enumerate(LOCALITY_NAMES)
        for column in range(NEIGHBOURHOODS_PER_LOCALITY)
    ]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` into `parts` whole numbers of roughly equal size."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    sizes = [high - low for low, high in zip([0, *cuts], [*cuts, total], strict=True)]
    # Re-split until no ward is tiny; a ward has at least a few LSOAs.
    return sizes if min(sizes) >= total // (parts * 2) else _split(total, parts, rng)


def _point_in(neighbourhood: NeighbourhoodPlace, rng: random.Random) -> tuple[float, float]:
    """A ward centre somewhere inside the neighbourhood's cell of the grid."""
    row_height = (NORTH_EDGE - SOUTH_EDGE) / len(LOCALITY_NAMES)
    column_width = (EAST_EDGE - WEST_EDGE) / NEIGHBOURHOODS_PER_LOCALITY
    latitude = NORTH_EDGE - row_height * (neighbourhood.row + rng.uniform(0.2, 0.8))
    longitude = WEST_EDGE + column_width * (neighbourhood.column + rng.uniform(0.2, 0.8))
    return latitude, longitude


def _postcodes(district: int, units: list[str], rng: random.Random) -> tuple[Postcode, ...]:
    """The LSOA's postcodes in district OT<district>, each covering a stretch of one of its streets."""
    streets = rng.sample(STREETS, STREETS_PER_LSOA)
    return tuple(
        Postcode(
            code=f"OT{district} {unit}",
            street=streets[index % STREETS_PER_LSOA],
            first_house=1 + (index // STREETS_PER_LSOA) * HOUSES_PER_POSTCODE,
        )
        for index, unit in enumerate(units)
    )
