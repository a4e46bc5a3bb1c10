"""Residents' contacts: partners, parents, grown-up children, siblings and neighbours, some of them carers."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from oneteam.people.models import RelatedPerson

from .resident import Contact, Resident
from .sampling import Weighted, chance
from .writer import Row, Table

CONTACT = Table(RelatedPerson, ("id", "person", "name", "relationship", "phone", "is_carer", "is_next_of_kin"))

PARTNER_CHANCE = (0.0, 0.35, 0.7, 0.7, 0.65, 0.5)  # by AGE_BANDS, for people not living alone
CHILDREN_COUNT = Weighted([(0, 35), (1, 35), (2, 22), (3, 8)])
NO_PHONE = 0.05


def add_contacts(residents: Sequence[Resident], rng: random.Random) -> None:
    """Give residents their partners, parents, grown-up children, siblings and neighbours, marking carers."""
    for resident in residents:
        contacts = _family(resident, rng)
        if resident.lives_alone and resident.age >= 65 and chance(rng, 0.35):
            relationship = "Neighbour" if chance(rng, 0.6) else "Friend"
            contacts.append(_contact(rng, resident, relationship, resident.age + rng.randint(-25, 5), kin=False))
        resident.contacts = _mark_carers(resident, contacts, rng)


def _family(resident: Resident, rng: random.Random) -> list[Contact]:
    """Family contacts, the next of kin first."""
    age = resident.age
    family: list[Contact] = []
    if age < 18 or (age < 40 and chance(rng, 0.45)):
        if chance(rng, 0.95):
            family.append(_contact(rng, resident, "Mother", age + rng.randint(20, 40), female=True))
        if chance(rng, 0.6):
            family.append(_contact(rng, resident, "Father", age + rng.randint(22, 45), female=False))
        if age < 18:
            return family
    if not resident.lives_alone and chance(rng, PARTNER_CHANCE[resident.band]):
        same_sex = chance(rng, 0.05)
        partner_female = resident.female if same_sex else not resident.female
        married = age >= 30 and chance(rng, 0.7)
        relationship = ("Wife" if partner_female else "Husband") if married else "Partner"
        family.insert(0, _contact(rng, resident, relationship, age + rng.randint(-6, 6), female=partner_female))
    if age >= 55:
        for _ in range(CHILDREN_COUNT.pick(rng)):
            daughter = chance(rng, 0.5)
            family.append(
                _contact(rng, resident, "Daughter" if daughter else "Son", age - rng.randint(20, 38), female=daughter)
            )
    if chance(rng, 0.1):
        sister = chance(rng, 0.5)
        family.append(
            _contact(rng, resident, "Sister" if sister else "Brother", age + rng.randint(-8, 8), female=sister)
        )
    return family


def _contact(
    rng: random.Random, resident: Resident, relationship: str, age: int, *, female: bool | None = None, kin: bool = True
) -> Contact:
    """A contact of the given age, named like the resident's family (kin often share the family name)."""
    if female is None:
        female = chance(rng, 0.5)
    shares_family_name = kin and chance(rng, 0.45 if relationship in {"Daughter", "Sister"} else 0.8)
    family_name = resident.family_name if shares_family_name else resident.heritage.family_name(rng)
    given_name = resident.heritage.given_name(rng, female, resident.last_day.year - max(age, 18))
    return Contact(f"{given_name} {family_name}", relationship, _phone(rng, age), False, False)


def _mark_carers(resident: Resident, contacts: list[Contact], rng: random.Random) -> list[Contact]:
    """Make the first family member next of kin, and some contacts of people who need support their carers."""
    needs_support = (resident.age >= 18 and resident.needs_support()) or bool(resident.care)
    marked: list[Contact] = []
    carer_found = False
    for index, contact in enumerate(contacts):
        is_kin = index == 0 and contact.relationship not in {"Neighbour", "Friend"}
        carer_chance = 0.6 if index == 0 else 0.3 if carer_found else 0.4
        is_carer = needs_support and chance(rng, carer_chance)
        carer_found = carer_found or is_carer
        marked.append(contact._replace(is_carer=is_carer, is_next_of_kin=is_kin))
    return marked


def _phone(rng: random.Random, age: int) -> str:
    """A number from Ofcom's ranges kept for drama: never a real person's phone."""
    if chance(rng, NO_PHONE):
        return ""
    if chance(rng, 0.45 if age >= 75 else 0.1):
        return f"01632 960{rng.randrange(1000):03d}"
    return f"07700 900{rng.randrange(1000):03d}"


def contact_rows(residents: Sequence[Resident], ids: Iterator[int]) -> Iterator[Row]:
    """Rows for the related-person table."""
    return ((next(ids), r.id, *contact) for r in residents for contact in r.contacts)
