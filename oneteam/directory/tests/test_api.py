"""The public Open Referral UK API: HSDS 3 services that validate against the standard, pages, filters, CORS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import LSOA, Ward
from oneteam.organisations.tests.factories import make_neighbourhood

from .factories import make_service

pytestmark = pytest.mark.django_db

SERVICE_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "oruk_service.schema.json").read_text())
PAGE_SCHEMA = {
    "type": "object",
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "additionalProperties": False,
    "properties": {
        "total_items": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "page_number": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": SERVICE_SCHEMA},
    },
}
VALIDATOR = jsonschema.Draft202012Validator(SERVICE_SCHEMA, format_checker=jsonschema.FormatChecker())


def _get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def test_one_service_validates_against_the_open_referral_uk_schema(client: Client) -> None:
    make_service()
    response = _get(client, reverse("directory:api_service", args=["svc-1"]))
    assert response.status_code == 200
    body = response.json()
    VALIDATOR.validate(body)
    assert body["organization"]["name"] == "Parkside Friends"
    assert body["schedules"][0]["byday"] == "TU"
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "OT3 4AB"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Loneliness and isolation"
    # Empty optional fields are left out, not sent as null.
    assert "maximum_age" not in body and "alternate_name" not in body
    assert "null" not in json.dumps(body)


def test_the_schema_would_catch_a_null_or_a_bad_latitude() -> None:
    """The test above means something: the schema refuses what the API must never send."""
    good: dict[str, Any] = {"id": "s", "name": "n", "status": "active", "organization": {"id": "o", "name": "O"}}
    VALIDATOR.validate(good)
    for bad in (
        {**good, "maximum_age": None},
        {
            **good,
            "service_at_locations": [
                {"id": "x", "location": {"id": "l", "location_type": "physical", "latitude": 100}}
            ],
        },
    ):
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(bad)


def test_an_unknown_service_is_404_with_cors(client: Client) -> None:
    response = _get(client, reverse("directory:api_service", args=["nope"]))
    assert response.status_code == 404


def test_the_list_is_an_hsds_page_whose_services_validate(client: Client) -> None:
    for n in range(3):
        make_service(f"svc-{n}", name=f"Lunch club {n}")
    response = _get(client, reverse("directory:api_services"), per_page=2, page=2)
    body = response.json()
    jsonschema.Draft202012Validator(PAGE_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(body)
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (3, 2, 2, 2)
    assert (body["first_page"], body["last_page"], body["empty"]) == (False, True, False)
    assert len(body["contents"]) == 1
    past_the_end = _get(client, reverse("directory:api_services"), per_page=2, page=5).json()
    assert past_the_end["empty"] is True and past_the_end["contents"] == []


def _ids(client: Client, **params: Any) -> list[str]:
    response = _get(client, reverse("directory:api_services"), **params)
    assert response.status_code == 200, response.content
    return [service["id"] for service in response.json()["contents"]]


def test_filters_text_need_age_and_day(client: Client) -> None:
    make_service("lunch")  # Tuesdays, 60+, loneliness
    make_service(
        "youth", name="Youth football", description="Football for teenagers", minimum_age=12, maximum_age=18,
        term="need-carers",
    )  # fmt: skip
    assert _ids(client, text="lonely") == ["lunch"]
    assert _ids(client, search="football") == ["youth"]
    assert _ids(client, taxonomy_term_id="need-loneliness") == ["lunch"]
    assert _ids(client, minimum_age=70) == ["lunch"]
    assert _ids(client, maximum_age=15) == ["youth"]
    assert _ids(client, day="Tuesday") == ["lunch", "youth"]
    assert _ids(client, day="WE") == []


def test_postcode_and_proximity_find_services_near_the_postcode_district(client: Client) -> None:
    home = make_neighbourhood()
    ward = Ward.objects.create(code="E05900003", name="Parkside", neighbourhood=home)
    LSOA.objects.create(code="E01900001", name="A", ward=ward, imd_decile=3, latitude=53.41, longitude=-1.45)
    make_service("far", latitude=53.50)  # 10 km north
    make_service("here", latitude=53.411)
    make_service("near", latitude=53.43)  # 2.2 km north
    assert _ids(client, postcode="OT3 4AB", proximity=1000) == ["here"]
    assert _ids(client, postcode="OT3 4AB", proximity=5000) == ["here", "near"]  # nearest first
    assert _ids(client, postcode="OT3 4AB") == ["here", "near"]  # 5 km unless told
    assert _ids(client, postcode="OT3 4AB", proximity=20000) == ["here", "near", "far"]


def test_bad_parameters_are_refused_with_the_parameter_named(client: Client) -> None:
    for params, parameter in (
        ({"minimum_age": "old"}, "minimum_age"),
        ({"day": "Funday"}, "day"),
        ({"postcode": "ZZ1 1ZZ"}, "postcode"),
        ({"proximity": "100"}, "proximity"),
        ({"per_page": "500"}, "per_page"),
    ):
        response = _get(Client(), reverse("directory:api_services"), **params)
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameter"] == parameter


def test_the_api_needs_no_sign_in_and_only_reads(client: Client) -> None:
    assert client.post(reverse("directory:api_services")).status_code == 405
    preflight = client.options(reverse("directory:api_services"))
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("services", [2, 30])
def test_the_list_query_count_does_not_grow_with_data(
    client: Client, services: int, django_assert_num_queries: Any
) -> None:
    for n in range(services):
        make_service(f"svc-{n}")
    # the page of services with their organisations and the total, then one query each for places, schedules,
    # phones, cost options, taxonomy terms and contacts
    with django_assert_num_queries(7):
        response = client.get(reverse("directory:api_services"), {"per_page": 50})
    assert len(response.json()["contents"]) == services
