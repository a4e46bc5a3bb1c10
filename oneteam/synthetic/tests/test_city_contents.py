"""What the synthetic city contains: its shape, its people and their records."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db.models import Count, F
from pytest_django import DjangoDbBlocker

from oneteam.organisations.models import LSOA, Locality, Neighbourhood, Organisation, Sector, Staff, Team, Ward
from oneteam.people import nhs_number
from oneteam.people.models import Condition, HospitalAdmission, Person
from oneteam.people.postcodes import normalise_postcode
from oneteam.synthetic.city import clear_city, generate_city

AS_OF = datetime.date(2026, 11, 23)
RESIDENTS = 2000

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def city(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """One city shared by these read-only tests, so the module generates it once."""
    with django_db_blocker.unblock():
        generate_city(residents=RESIDENTS, seed=11, as_of=AS_OF)
        yield
        clear_city()


def years_ago(years: int) -> datetime.date:
    return AS_OF.replace(year=AS_OF.year - years)


def test_nhs_numbers_are_valid_unique_and_from_the_test_range() -> None:
    numbers = list(Person.objects.values_list("nhs_number", flat=True))

    assert len(numbers) == len(set(numbers)) == RESIDENTS
    assert all(nhs_number.is_valid(number) and "9990000000" <= number <= "9999999999" for number in numbers)


def test_every_neighbourhood_has_residents_and_some_cross_the_health_and_care_boundary() -> None:
    living_in = Person.objects.values("ward_neighbourhood").annotate(people=Count("id"))
    registered_across_the_boundary = Person.objects.exclude(practice_neighbourhood=F("ward_neighbourhood")).count()

    assert len(living_in) == 12
    assert 0.05 * RESIDENTS < registered_across_the_boundary < 0.25 * RESIDENTS


def test_people_have_more_long_term_conditions_as_they_age() -> None:
    def mean_conditions(born_after: datetime.date, born_by: datetime.date) -> float:
        people = Person.objects.filter(date_of_birth__gt=born_after, date_of_birth__lte=born_by)
        return Condition.objects.filter(person__in=people).count() / people.count()

    over_75 = mean_conditions(datetime.date(1900, 1, 1), years_ago(75))
    aged_18_to_39 = mean_conditions(years_ago(40), years_ago(18))

    assert over_75 > 2 * aged_18_to_39


def test_postcodes_are_already_normalised_and_each_finds_a_handful_of_people() -> None:
    postcodes = Person.objects.values("postcode").annotate(people=Count("id"))

    assert all(normalise_postcode(row["postcode"]) == row["postcode"] for row in postcodes)
    assert all(row["postcode"].startswith("OT") for row in postcodes)
    assert max(row["people"] for row in postcodes) < 60


def test_events_happen_by_the_as_of_date_and_stays_end_after_they_start() -> None:
    admissions = HospitalAdmission.objects.all()

    assert not admissions.filter(admitted_on__gt=AS_OF).exists()
    assert not admissions.filter(admitted_on__lt=years_ago(3) - datetime.timedelta(days=1)).exists()
    assert not admissions.filter(discharged_on__lt=F("admitted_on")).exists()
    assert admissions.filter(discharged_on__isnull=True).count() < 0.05 * admissions.count()
    assert not Person.objects.filter(date_of_death__gte=AS_OF).exists()
    assert not Condition.objects.filter(recorded_on__gt=AS_OF).exists()


def test_the_organisation_map_is_the_whole_city() -> None:
    practices = Organisation.objects.filter(sector=Sector.GP_PRACTICE)

    assert list(Locality.objects.values_list("name", flat=True)) == ["Central", "North", "South"]
    assert list(Neighbourhood.objects.filter(locality__name="South").values_list("code", "name")) == [
        ("S1", "South 1"),
        ("S2", "South 2"),
        ("S3", "South 3"),
        ("S4", "South 4"),
    ]
    assert Ward.objects.count() == 30
    assert LSOA.objects.count() == 330
    assert set(LSOA.objects.values_list("imd_decile", flat=True)) == set(range(1, 11))
    assert 85 <= practices.count() <= 95
    assert practices.values("neighbourhood").distinct().count() == 12


def test_each_neighbourhood_team_has_about_eighty_staff_who_cannot_sign_in_yet() -> None:
    north_1 = Team.objects.get(name="North 1 integrated neighbourhood team")
    members = Staff.objects.filter(teams=north_1)

    assert north_1.neighbourhood is not None and north_1.neighbourhood.code == "N1"
    assert Team.objects.get(name="Hospital discharge team").neighbourhood is None
    assert members.count() == 80
    assert not any(member.has_usable_password() for member in members)
    assert members.filter(profession="gp", organisation__neighbourhood=north_1.neighbourhood).count() == 4
