"""Search as FHIR R4 defines it: pages with Bundle.link self/next/previous, `_count` after the access policy, a true
total, `_count` on every search including $everything, JSON only (XML asked for is a 406), an honest
CapabilityStatement."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Condition
from oneteam.people.tests.factories import make_person

from . import checks
from .conftest import Api, Place

pytestmark = pytest.mark.django_db


def _links(bundle: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Each link's relation and its query parameters."""
    return {link["relation"]: parse_qs(urlparse(link["url"]).query) for link in bundle["link"]}


def test_count_is_applied_after_the_access_policy_and_total_counts_only_who_may_be_seen(place: Place, api: Api) -> None:
    # Seven in scope, three elsewhere whom the system may not see; the others sort first by given name.
    for index in range(3):
        make_person(make_neighbourhood(), family_name="Shah", given_name=f"A{index}")
    seen = [make_person(place.neighbourhood, family_name="Shah", given_name=f"B{index}") for index in range(7)]

    first = checks.body(api.http.get("/fhir/Patient", {"family": "Sha", "_count": "5"}))

    assert first["total"] == 7
    assert [entry["resource"]["id"] for entry in first["entry"]] == [str(p.pk) for p in seen[:5]]
    links = _links(first)
    assert set(links) == {"self", "next"}
    assert (links["next"]["_offset"], links["next"]["_count"], links["next"]["family"]) == (["5"], ["5"], ["Sha"])

    following = api.http.get(urlparse(first["link"][1]["url"]).path, links["next"])
    second = checks.body(following)

    assert second["total"] == 7
    assert [entry["resource"]["id"] for entry in second["entry"]] == [str(p.pk) for p in seen[5:]]
    assert set(_links(second)) == {"self", "previous"}
    assert _links(second)["previous"]["_offset"] == ["0"]


def test_count_pages_a_search_by_patient(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood)
    for code in ("84114007", "49436004", "73211009"):
        Condition.objects.create(person=person, snomed_code=code, term=code, recorded_on="2024-01-01")

    bundle = checks.body(api.http.get("/fhir/Condition", {"patient": str(person.pk), "_count": "2"}))

    assert (bundle["total"], len(bundle["entry"])) == (3, 2)
    assert set(_links(bundle)) == {"self", "next"}


def test_count_pages_everything(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood)
    for code in ("84114007", "49436004", "73211009"):
        Condition.objects.create(person=person, snomed_code=code, term=code, recorded_on="2024-01-01")
    whole = checks.body(api.http.get(f"/fhir/Patient/{person.pk}/$everything"))

    paged = checks.body(api.http.get(f"/fhir/Patient/{person.pk}/$everything", {"_count": "2"}))

    assert len(whole["entry"]) == whole["total"] > 2
    assert (paged["total"], len(paged["entry"])) == (whole["total"], 2)
    assert _links(paged)["next"]["_offset"] == ["2"]


@pytest.mark.parametrize("count", ["0", "101", "ten"])
def test_a_count_out_of_range_is_400(place: Place, api: Api, count: str) -> None:
    person = make_person(place.neighbourhood)

    response = api.http.get("/fhir/Condition", {"patient": str(person.pk), "_count": count})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ({"_format": "xml"}, {}),
        ({"_format": "application/fhir+xml"}, {}),
        ({}, {"Accept": "application/fhir+xml"}),
    ],
)
def test_xml_asked_for_is_406_not_json_with_200(
    place: Place, api: Api, query: dict[str, str], headers: dict[str, str]
) -> None:
    person = make_person(place.neighbourhood)

    response = api.http.get(f"/fhir/Patient/{person.pk}", query, headers=headers)
    metadata = Client().get("/fhir/metadata", query, headers=headers)

    assert (response.status_code, metadata.status_code) == (406, 406)
    assert checks.body(response)["issue"][0]["code"] == "not-supported"


def test_json_asked_for_in_any_of_its_names_is_served(place: Place, api: Api) -> None:
    person = make_person(place.neighbourhood)

    for query, headers in (({"_format": "json"}, {}), ({}, {"Accept": "application/fhir+json, */*;q=0.1"})):
        assert api.http.get(f"/fhir/Patient/{person.pk}", query, headers=headers).status_code == 200


def test_the_capability_statement_lists_what_works_and_no_empty_interactions() -> None:
    statement = checks.body(Client().get("/fhir/metadata"))

    assert statement["format"] == ["json"]
    for resource in statement["rest"][0]["resource"]:
        assert resource.get("interaction", None) != [], resource["type"]
        searched = {parameter["name"] for parameter in resource.get("searchParam", [])}
        if "interaction" in resource:
            assert {"_count", "_offset"} <= searched, resource["type"]
    # Every type the import takes can be read back.
    assert {"RelatedPerson", "MedicationRequest"} <= {r["type"] for r in statement["rest"][0]["resource"]}
