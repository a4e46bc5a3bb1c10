"""The synthetic directory: valid Open Referral UK data, deterministic, spread over the city, some entries stale."""

from __future__ import annotations

import datetime

import pytest

from oneteam.directory import places
from oneteam.directory.models import Charging, Detail, Location, Organization, Service, ServiceAtLocation, TaxonomyTerm
from oneteam.directory.search import possibly_out_of_date
from oneteam.directory.services.importer import export_document
from oneteam.directory.synthetic import directory_document, generate_directory, synthetic_id
from oneteam.organisations.models import LSOA
from oneteam.synthetic.city import city_digest, generate_city

from . import oruk
from .factories import make_service

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 1)


def test_the_synthetic_directory_is_valid_deterministic_and_spread_over_the_city() -> None:
    generate_city(residents=0, seed=7, as_of=AS_OF)
    digest = city_digest()
    first = directory_document(numbers=list(range(1, 301)), seed=7, as_of=AS_OF)
    assert first == directory_document(numbers=list(range(1, 301)), seed=7, as_of=AS_OF)

    result = generate_directory(services=300, seed=7, as_of=AS_OF)  # checked by the importer, or it raises
    assert result.created["service"] == 300
    assert generate_directory(services=300, seed=7, as_of=AS_OF).created["service"] == 0
    assert city_digest() == digest  # the city itself is untouched

    services = list(Service.objects.all())
    stale = sum(possibly_out_of_date(service.assured_date, AS_OF) for service in services)
    assert 0.1 < stale / len(services) < 0.35
    assert {service.charging for service in services} == set(Charging)
    # Every record the API serves and the export writes is valid against the profile's own schemas.
    for table, records in export_document().items():
        validator = oruk.validator(f"{table}.json")
        assert [e for record in records for e in oruk.errors(validator, record)] == [], table
    # Every place can be found again from its postcode, in the neighbourhood it was put in.
    neighbourhoods = set()
    locations = [sal["location"] for service in first["service"] for sal in service["service_at_locations"]]
    for postcode in {location["addresses"][0]["postal_code"] for location in locations}:
        ward_code = places.ward_code_for(postcode)
        assert places.locate(postcode) is not None
        neighbourhoods.add(LSOA.objects.filter(ward__code=ward_code).values_list("ward__neighbourhood", flat=True)[0])
    assert len(neighbourhoods) == 12


def test_adding_more_services_keeps_the_first_ones_as_they_were() -> None:
    generate_city(residents=0, seed=7, as_of=AS_OF)
    generate_directory(services=20, seed=7, as_of=AS_OF)
    before = {service.pk: service.name for service in Service.objects.all()}
    generate_directory(services=30, seed=7, as_of=AS_OF)
    after = {service.pk: service.name for service in Service.objects.all()}
    assert len(after) == 30 and all(after[pk] == name for pk, name in before.items())


def test_without_a_city_there_is_nowhere_to_put_services() -> None:
    with pytest.raises(ValueError, match="run generate_city first"):
        generate_directory(services=5, seed=7, as_of=AS_OF)


def test_the_directory_from_before_uuids_is_replaced_not_doubled() -> None:
    """A demo database made before ids were UUIDs: its synthetic entries go, the new ones come, once."""
    generate_city(residents=0, seed=7, as_of=AS_OF)
    organisation = Organization.objects.create(id="synthetic-org-0001", name="Old friends")
    term = TaxonomyTerm.objects.create(id="need-food", name="Food and meals")
    old = Service.objects.create(id="synthetic-service-00001", organization=organisation, name="Old pantry")
    old.taxonomy_terms.add(term)
    location = Location.objects.create(id="synthetic-location-00001", name="Old hall")
    ServiceAtLocation.objects.create(id="synthetic-sal-00001", service=old, location=location)
    Detail.objects.create(table="address", record_id="synthetic-address-00001", parent_id=location.pk)
    kept = make_service("kept")  # not synthetic: never touched

    generate_directory(services=5, seed=7, as_of=AS_OF)
    assert set(Service.objects.values_list("pk", flat=True)) == {
        kept.pk,
        *(synthetic_id("service", n) for n in range(1, 6)),
    }
    assert not Location.objects.filter(pk__startswith="synthetic-").exists()
    assert not Organization.objects.filter(pk__startswith="synthetic-").exists()
    assert not Detail.objects.filter(record_id__startswith="synthetic-").exists()
    assert not TaxonomyTerm.objects.filter(pk="need-food").exists()
