"""Fixtures for the FHIR tests: a neighbourhood with a GP practice, a hospital, and API clients with tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from oneteam.access.models import Purpose
from oneteam.fhir.models import ApiClient
from oneteam.fhir.services.clients import create_api_client
from oneteam.organisations.models import LSOA, Neighbourhood, Organisation, Profession, Sector
from oneteam.organisations.tests.factories import (
    make_lsoa,
    make_neighbourhood,
    make_organisation,
    make_practice,
    make_team,
)


@dataclass
class Place:
    """A neighbourhood with what a person needs: an area to live in and a practice; and a hospital nearby."""

    neighbourhood: Neighbourhood
    lsoa: LSOA
    practice: Organisation
    hospital: Organisation


@pytest.fixture
def place() -> Place:
    neighbourhood = make_neighbourhood()
    return Place(
        neighbourhood,
        make_lsoa(neighbourhood),
        make_practice(neighbourhood),
        make_organisation(Sector.ACUTE_HOSPITAL),
    )


@dataclass
class Api:
    """An API client and a test client that sends its token."""

    client: ApiClient
    http: Client


@pytest.fixture
def api_for() -> Callable[..., Api]:
    """An API client of a GP practice's system in `neighbourhood` (a GP for direct care unless told otherwise)."""

    def make(
        neighbourhood: Neighbourhood,
        *,
        profession: Profession = Profession.GP,
        purpose: Purpose = Purpose.DIRECT_CARE,
        may_import: bool = True,
    ) -> Api:
        client, token = create_api_client(
            actor=None,
            name="Practice system",
            organisation=make_practice(neighbourhood),
            purpose=purpose,
            profession=profession,
            teams=[make_team(neighbourhood)],
            may_import=may_import,
        )
        return Api(client, Client(HTTP_AUTHORIZATION=f"Bearer {token}"))

    return make


@pytest.fixture
def api(place: Place, api_for: Callable[..., Api]) -> Api:
    return api_for(place.neighbourhood)
