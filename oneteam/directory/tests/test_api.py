"""The public Open Referral UK API: every path of the profile's openapi.json, every answer valid against the
profile's own schemas, its filters and paging as defined, JSON errors for anything it cannot answer, CORS."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneteam.directory.models import Service
from oneteam.directory.services.importer import import_file
from oneteam.organisations.models import LSOA, Ward
from oneteam.organisations.tests.factories import make_neighbourhood

from . import oruk
from .factories import make_service, uid

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
EXAMPLE = json.loads((DATA / "oruk_service.json").read_text())
API = "/openreferral"


def _example() -> None:
    import_file(DATA / "oruk_taxonomy.json")
    import_file(DATA / "oruk_service.json")


def _get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(API + path, params)
    assert response["Content-Type"] == "application/json", response.content[:200]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def _valid(client: Client, template: str, path: str, **params: Any) -> Any:
    response = _get(client, path, **params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert oruk.answer_errors(template, body) == []
    return body


def test_every_path_of_the_profile_answers_valid_against_its_schemas(client: Client) -> None:
    _example()
    make_service("lunch")
    sal = EXAMPLE["service_at_locations"][0]
    term = EXAMPLE["attributes"][0]["taxonomy_term"]
    for template, path in (
        ("/", "/"),
        ("/services", "/services"),
        ("/services/{id}", f"/services/{EXAMPLE['id']}"),
        ("/services/{id}", f"/services/{uid('lunch')}"),
        ("/service_at_locations", "/service_at_locations"),
        ("/service_at_locations/{id}", f"/service_at_locations/{sal['id']}"),
        ("/organizations", "/organizations"),
        ("/organizations/{id}", f"/organizations/{EXAMPLE['organization']['id']}"),
        ("/taxonomies", "/taxonomies"),
        ("/taxonomies/{id}", f"/taxonomies/{term['taxonomy_id']}"),
        ("/taxonomy_terms", "/taxonomy_terms"),
        ("/taxonomy_terms/{id}", f"/taxonomy_terms/{term['id']}"),
    ):
        _valid(client, template, path)
    about = _get(client, "/").json()
    assert about["version"] == "3.0" and about["openapi_url"].endswith("/openreferral/openapi.json")
    assert client.get(API + "/openapi.json").status_code == 200


def test_the_schemas_would_catch_what_the_issue_found() -> None:
    """The test above means something: the official schemas refuse ids that are not UUIDs, an address without
    state_province, an organisation without a description, and a page whose size is not a number."""
    service = json.loads(json.dumps(EXAMPLE))
    assert oruk.answer_errors("/services/{id}", service) == []
    service["id"] = "svc-1"
    del service["service_at_locations"][0]["location"]["addresses"][0]["state_province"]
    del service["organization"]["description"]
    found = oruk.answer_errors("/services/{id}", service)
    assert any("'svc-1' is not a 'uuid'" in e for e in found)
    assert any("'state_province' is a required property" in e for e in found)
    assert any("'description' is a required property" in e for e in found)
    assert oruk.answer_errors("/services", {"size": "50", "contents": []}) != []


def test_one_service_comes_back_field_for_field(client: Client) -> None:
    _example()
    body = _valid(client, "/services/{id}", f"/services/{EXAMPLE['id']}")
    assert _contains(body, EXAMPLE), "every field given is served back unchanged"


def _contains(served: Any, given: Any) -> bool:
    """Whether everything in `given` is in `served` unchanged (served may add the links nesting implies)."""
    if isinstance(given, dict):
        return isinstance(served, dict) and all(k in served and _contains(served[k], v) for k, v in given.items())
    if isinstance(given, list):
        return isinstance(served, list) and len(served) == len(given) and all(map(_contains, served, given))
    return bool(served == given)


def test_a_list_page_says_how_many_items_it_holds(client: Client) -> None:
    for n in range(3):
        make_service(f"svc-{n}", name=f"Lunch club {n}")
    body = _valid(client, "/services", "/services", per_page=2, page=2)
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (3, 2, 2, 1)
    assert (body["first_page"], body["last_page"], body["empty"]) == (False, True, False)
    assert len(body["contents"]) == 1
    past_the_end = _valid(client, "/services", "/services", per_page=2, page=5)
    assert past_the_end["empty"] is True and past_the_end["contents"] == [] and past_the_end["size"] == 0


def _ids(client: Client, path: str = "/services", **params: Any) -> list[str]:
    body = _valid(client, path, path, **params)
    return [item["service"]["id"] if "service" in item else item["id"] for item in body["contents"]]


def test_filters_search_need_taxonomy_age_day_and_times(client: Client) -> None:
    _example()  # Thursdays and Fridays 10:00 to 18:00, counselling, 12 to 100
    make_service("lunch")  # Tuesdays 12:00 to 14:00, 60+, loneliness
    make_service(
        "youth", name="Youth football", description="Football for teenagers", minimum_age=12, maximum_age=18,
        term="need-carers",
    )  # fmt: skip
    example, lunch, youth = EXAMPLE["id"], uid("lunch"), uid("youth")
    assert _ids(client, search="football") == [youth]
    assert _ids(client, taxonomy_term_id=uid("need-loneliness")) == [lunch]
    assert _ids(client, taxonomy_id=EXAMPLE["attributes"][0]["taxonomy_term"]["taxonomy_id"]) == [example]
    assert set(_ids(client, taxonomy_id="OneTeam needs")) == {example, lunch, youth}  # by the taxonomy's name
    assert set(_ids(client, minimum_age=70)) == {example, lunch}  # they take someone aged 70
    assert set(_ids(client, maximum_age=15)) == {example, youth}
    assert set(_ids(client, day="Tuesday")) == {lunch, youth}
    assert _ids(client, day="FR") == [example]
    assert set(_ids(client, start_time="11:00")) == {lunch, youth}  # the example opens at 10:00
    assert _ids(client, end_time="15:00", search="football") == [youth]
    assert _ids(client, "/service_at_locations", day="FR") == [example]


def test_modified_after_finds_what_changed_since(client: Client) -> None:
    _example()  # says it was last modified on 15 March 2023
    make_service("lunch")  # modified now, when it was imported
    assert set(_ids(client, modified_after="2023-01-01T00:00:00Z")) == {EXAMPLE["id"], uid("lunch")}
    assert _ids(client, modified_after="2023-03-16T00:00:00Z") == [uid("lunch")]
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert _ids(client, modified_after=yesterday) == [uid("lunch")]


def test_postcode_and_proximity_find_services_near_the_postcode_district(client: Client) -> None:
    home = make_neighbourhood()
    ward = Ward.objects.create(code="E05900003", name="Parkside", neighbourhood=home)
    LSOA.objects.create(code="E01900001", name="A", ward=ward, imd_decile=3, latitude=53.41, longitude=-1.45)
    make_service("far", latitude=53.50)  # 10 km north
    make_service("here", latitude=53.411)
    make_service("near", latitude=53.43)  # 2.2 km north
    here, near, far = uid("here"), uid("near"), uid("far")
    assert _ids(client, postcode="OT3 4AB", proximity=1000) == [here]
    assert _ids(client, postcode="OT3 4AB", proximity=5000) == [here, near]  # nearest first
    assert _ids(client, postcode="OT3 4AB") == [here, near]  # 5 km unless told
    assert _ids(client, postcode="OT3 4AB", proximity=20000) == [here, near, far]
    assert _ids(client, "/service_at_locations", postcode="OT3 4AB", proximity=1000) == [here]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/services", {"minimum_age": "old"}, "minimum_age"),
        ("/services", {"day": "Funday"}, "day"),
        ("/services", {"postcode": "ZZ1 1ZZ"}, "postcode"),
        ("/services", {"proximity": "100"}, "proximity"),
        ("/services", {"per_page": "500"}, "per_page"),
        ("/services", {"page": "²"}, "page"),
        ("/services", {"page": "99999999999999999999"}, "page"),
        ("/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/services", {"modified_after": "0001-01-01T00:00:00+01:00"}, "modified_after"),
        ("/services", {"start_time": "25:00"}, "start_time"),
        ("/services", {"text": "lunch"}, "text"),
        ("/service_at_locations", {"colour": "blue"}, "colour"),
        ("/taxonomies", {"search": "x"}, "search"),
        ("/taxonomy_terms", {"per_page": "0"}, "per_page"),
        ("/organizations", {"page": "-1"}, "page"),
        ("/", {"format": "ndjson"}, "format"),
        (f"/services/{uid('lunch')}", {"full": "true"}, "full"),
    ],
)
def test_unknown_parameters_and_bad_values_are_400_in_json(
    client: Client, path: str, params: dict[str, str], parameter: str
) -> None:
    response = _get(client, path, **params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == parameter


def test_missing_records_and_paths_are_404_in_json_and_writes_405(client: Client) -> None:
    for path in ("/services/nope", "/organizations/nope", "/taxonomies/x", "/taxonomy_terms/x",
                 "/service_at_locations/x", "/no/such/path", "/services/%00"):  # fmt: skip
        response = _get(client, path)
        assert response.status_code == 404 and response.json()["errors"]
    posted = Client(enforce_csrf_checks=True).post(API + "/services")
    assert posted.status_code == 405 and posted.json()["errors"]
    preflight = client.options(API + "/services")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("services", [2, 30])
def test_the_list_query_count_does_not_grow_with_data(
    client: Client, services: int, django_assert_num_queries: Any
) -> None:
    for n in range(services):
        make_service(f"svc-{n}")
    with django_assert_num_queries(1):  # the page with its organisations and the total, by a window function
        response = client.get(API + "/services", {"per_page": 50})
    assert len(response.json()["contents"]) == services


def test_one_service_costs_a_fixed_number_of_queries(client: Client, django_assert_num_queries: Any) -> None:
    _example()
    # service and organisation, places, schedules, contacts, costs, phones, details, their attributes, terms
    with django_assert_num_queries(9):
        client.get(f"{API}/services/{EXAMPLE['id']}")


_PATHS = ["/", "/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms",
          "/services/{id}", "/service_at_locations/{id}", "/organizations/{id}", "/taxonomy_terms/{id}"]  # fmt: skip
_NAMES = st.sampled_from([
    "search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "start_time",
    "end_time", "day", "modified_after", "postcode", "proximity", "full", "format",
])  # fmt: skip
_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(
        [
            "²",
            "1e9",
            "0",
            "MO",
            "12:00",
            "2026-02-30T00:00:00Z",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "OT3 4AB",
            "\x00",
            "9" * 400,
        ]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(_PATHS), params=st.dictionaries(_NAMES, _VALUES, max_size=4), ident=st.text(max_size=40))
def test_fuzz_the_api_never_answers_500_or_anything_but_json(
    client: Client, path: str, params: dict[str, str], ident: str
) -> None:
    """Any path of the profile with any parameters: 200 valid against the schema, or a JSON 400/404."""
    if not Service.objects.exists():
        _example()
    safe = "".join(c for c in ident if c not in "/?#%").strip()
    concrete = path.replace("{id}", safe or "x")
    response = client.get(API + concrete, params)
    assert response.status_code in (200, 400, 404), (concrete, params, response.status_code)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code == 200:
        assert oruk.answer_errors(path, body) == []
    else:
        assert body["errors"][0]["message"]
