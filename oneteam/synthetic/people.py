"""Residents: who they are, where they live, which practice they are registered with, and their NHS numbers."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence

from oneteam.people.models import GenderIdentity, Person, Sex
from oneteam.people.nhs_number import check_digit

from . import names
from .geography import HOUSES_PER_POSTCODE, MAX_POSTCODES_PER_LSOA, TOWN, Geography, NeighbourhoodPlace, Postcode
from .organisations import OrganisationPlace, Partners
from .resident import Resident, age_band
from .sampling import Weighted, chance, day_between, rng_for
from .writer import Row, Table

PERSON = Table(
    Person,
    (
        "id", "nhs_number", "given_name", "family_name", "date_of_birth", "date_of_death", "sex",
        "gender_identity", "ethnic_category", "address_line_1", "address_line_2", "town", "postcode", "lsoa",
        "ward", "gp_practice", "practice_neighbourhood", "ward_neighbourhood", "lives_alone", "preferred_language",
        "interpreter_needed", "communication_needs", "repeat_medication_count",
    ),
)  # fmt: skip

# NHS numbers starting 999 are never issued to real people: the range is kept for testing.
NHS_TEST_STEM_START = 999_000_000
NHS_TEST_STEMS = 1_000_000
# Comfortably fewer than the ~909,000 valid numbers in the test range.
MAX_RESIDENTS = 900_000

# Share of the population in each five-year age band from 0–4 to 100–104: a young city,
# with a bulge of students and young workers and a tail past 90.
AGE_PYRAMID = (
    6.0, 5.8, 5.7, 6.1, 9.2, 9.4, 8.6, 7.4, 6.4, 5.9, 5.9, 5.5, 4.7, 3.9, 3.5, 2.6, 1.8, 1.05, 0.45, 0.13, 0.02,
)  # fmt: skip
FEMALE_SHARE = (0.488, 0.5, 0.505, 0.52, 0.55, 0.64)  # by AGE_BANDS: women outlive men
# Deaths in a year per person, by AGE_BANDS, before allowing for frailty.
ANNUAL_MORTALITY = (0.0002, 0.0006, 0.003, 0.012, 0.04, 0.13)
NEIGHBOURING_PRACTICE = 0.13  # registered with a practice in a neighbouring neighbourhood
FLAT = 0.18
RESIDENTS_PER_POSTCODE = 25

ADULT_GENDER_IDENTITY = Weighted(
    [
        (GenderIdentity.SAME_AS_SEX.value, 93.5),
        (GenderIdentity.NOT_STATED.value, 6.0),
        (GenderIdentity.WOMAN.value, 0.12),
        (GenderIdentity.MAN.value, 0.12),
        (GenderIdentity.NON_BINARY.value, 0.16),
        (GenderIdentity.OTHER.value, 0.1),
    ]
)


def nhs_numbers(seed: int) -> Iterator[str]:
    """Unique, valid NHS numbers from the test range 999 000 0000 to 999 999 9999, in a seeded order.

    Stepping through the nine-digit stems with a stride coprime to their count
    visits every stem once; stems with no valid check digit are skipped.
    """
    rng = rng_for(seed, "nhs numbers")
    start = rng.randrange(NHS_TEST_STEMS)
    stride = rng.randrange(NHS_TEST_STEMS // 4, 3 * NHS_TEST_STEMS // 4)
    while stride % 2 == 0 or stride % 5 == 0:
        stride += 1
    for step in range(NHS_TEST_STEMS):
        stem = str(NHS_TEST_STEM_START + (start + step * stride) % NHS_TEST_STEMS)
        digit = check_digit(stem)
        if digit is not None:
            yield f"{stem}{digit}"


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ResidentFactory:
    """Synthesises residents for one city, seed, as-of date and population size."""

    def __init__(
        self, geography: Geography, partners: Partners, *, seed: int, as_of: datetime.date, population: int
    ) -> None:
        self.partners = partners
        self.geography = geography
        self.as_of = as_of
        rng = rng_for(seed, "population")
        # LSOAs are drawn to hold roughly equal numbers of people, as real ones do.
        self.lsoa_choice = Weighted((lsoa, rng.uniform(0.85, 1.15)) for lsoa in geography.lsoas)
        self.age_choice = {decile: _age_choice(decile) for decile in range(1, 11)}
        # Enough postcodes that a postcode search finds a few to a few dozen people.
        per_lsoa = round(population / len(geography.lsoas) / RESIDENTS_PER_POSTCODE)
        self.postcodes_per_lsoa = min(MAX_POSTCODES_PER_LSOA, max(3, per_lsoa))

    def synthesise(self, rng: random.Random, first_id: int, count: int, numbers: Iterator[str]) -> list[Resident]:
        """`count` residents with ids from `first_id`, their NHS numbers taken from `numbers`."""
        return [self._resident(rng, first_id + offset, next(numbers)) for offset in range(count)]

    def _resident(self, rng: random.Random, person_id: int, nhs_number: str) -> Resident:
        lsoa = self.lsoa_choice.pick(rng)
        age = self.age_choice[lsoa.imd_decile].pick(rng) + rng.randrange(5)
        born = datetime.date.fromordinal(self.as_of.toordinal() - int((age + rng.random()) * 365.2425))
        age = age_on(born, self.as_of)
        band = age_band(age)
        sex = _sex(rng, band)
        # People whose sex is not known still need a first name from somewhere.
        female = sex == Sex.FEMALE.value or (sex == Sex.UNKNOWN.value and chance(rng, 0.5))
        category = names.ethnic_category(rng, age, lsoa.imd_decile)
        heritage = names.heritage(rng, category)
        frailty = rng.lognormvariate(-0.18, 0.6)  # averages 1: the mean of a log-normal is exp(mu + sigma²/2)
        died_on = self._death(rng, born, band, frailty)
        language, interpreter = _language(rng, heritage, age)
        line_1, line_2, postcode = self._address(rng, lsoa.postcodes)
        return Resident(
            id=person_id,
            nhs_number=nhs_number,
            sex=sex,
            female=female,
            date_of_birth=born,
            age=age,
            last_day=died_on or self.as_of,
            died_on=died_on,
            lsoa=lsoa,
            practice=self._practice(rng, lsoa.ward.neighbourhood),
            ethnic_category=category,
            heritage=heritage,
            given_name=heritage.given_name(rng, female, born.year),
            family_name=heritage.family_name(rng),
            gender_identity=ADULT_GENDER_IDENTITY.pick(rng) if age >= 16 else GenderIdentity.SAME_AS_SEX.value,
            address_line_1=line_1,
            address_line_2=line_2,
            postcode=postcode,
            lives_alone=chance(rng, _lives_alone_chance(age, female)),
            preferred_language=language,
            interpreter_needed=interpreter,
            frailty=frailty,
        )

    def _death(self, rng: random.Random, born: datetime.date, band: int, frailty: float) -> datetime.date | None:
        """A day of death in the last year for a few, the frailer and older more often."""
        yesterday = self.as_of - datetime.timedelta(days=1)
        if born >= yesterday or not chance(rng, ANNUAL_MORTALITY[band] * frailty):
            return None
        return day_between(
            rng, max(born + datetime.timedelta(days=1), self.as_of - datetime.timedelta(days=365)), yesterday
        )

    def _practice(self, rng: random.Random, home: NeighbourhoodPlace) -> OrganisationPlace:
        """Mostly a practice near home; some stay with a practice over the neighbourhood boundary."""
        if chance(rng, NEIGHBOURING_PRACTICE):
            neighbours = self.geography.neighbours(home)
            home = neighbours[rng.randrange(len(neighbours))]
        return self.partners.practice_choice[home.id].pick(rng)

    def _address(self, rng: random.Random, postcodes: Sequence[Postcode]) -> tuple[str, str, str]:
        postcode = postcodes[rng.randrange(self.postcodes_per_lsoa)]
        house = f"{postcode.first_house + rng.randrange(HOUSES_PER_POSTCODE)} {postcode.street}"
        if chance(rng, FLAT):
            return f"Flat {rng.randint(1, 24)}", house, postcode.code
        return house, "", postcode.code


def _sex(rng: random.Random, band: int) -> str:
    if chance(rng, 0.0003):
        return Sex.UNKNOWN.value
    return Sex.FEMALE.value if chance(rng, FEMALE_SHARE[band]) else Sex.MALE.value


def _age_choice(decile: int) -> Weighted[int]:
    """Five-year age bands: deprived areas are younger, affluent ones older."""
    affluence = (decile - 5.5) / 4.5
    return Weighted(
        (start, share * (1 + 0.3 * affluence * max(-1.0, min(1.0, (start + 2.5 - 45) / 30))))
        for start, share in zip(range(0, 105, 5), AGE_PYRAMID, strict=True)
    )


def _lives_alone_chance(age: int, female: bool) -> float:
    if age < 18:
        return 0.0
    if age < 65:
        return 0.06 if age < 25 else 0.13 if age < 45 else 0.17
    if age < 75:
        return 0.26
    # Women more often outlive a partner.
    return (0.38 if female else 0.26) if age < 85 else (0.5 if female else 0.34)


def _language(rng: random.Random, heritage: names.Heritage, age: int) -> tuple[str, bool]:
    """Preferred language and whether an interpreter is needed; older migrants more often prefer their first one."""
    age_factor = 0.3 if age < 16 else 0.7 if age < 40 else 1.0 if age < 65 else 1.5
    if not heritage.languages or not chance(rng, min(0.85, heritage.non_english * age_factor)):
        return "English", False
    language = heritage.languages[int(rng.random() ** 1.5 * len(heritage.languages))]
    return language, age >= 16 and chance(rng, 0.65 if age >= 65 else 0.35)


def person_rows(residents: Sequence[Resident]) -> Iterator[Row]:
    """Rows for the person table."""
    for r in residents:
        ward = r.lsoa.ward
        practice_neighbourhood = r.practice.neighbourhood
        assert practice_neighbourhood is not None  # every GP practice belongs to a neighbourhood
        yield (
            r.id, r.nhs_number, r.given_name, r.family_name, r.date_of_birth, r.died_on, r.sex,
            r.gender_identity, r.ethnic_category, r.address_line_1, r.address_line_2, TOWN, r.postcode, r.lsoa.id,
            ward.id, r.practice.id, practice_neighbourhood.id, ward.neighbourhood.id, r.lives_alone,
            r.preferred_language, r.interpreter_needed, r.communication_needs, r.repeat_medication_count,
        )  # fmt: skip
