"""Issue 20, item 6: no 500 from input, anywhere.

Named regressions first, then a property-based walk (hypothesis) over every
route: GET and POST with hostile values (huge and unicode numbers, year 1 and
9999, unknown ids, forged signed tokens, deep JSON) as several roles. The test
client raises any exception a view lets out, so a 500 fails the test. The
number of examples is bounded to keep the run well under a minute.
"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.factories import make_front_door

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
UNICODE_NUMBERS = ["²", "١٢٣", "𝟙𝟚", "Ⅻ", "½"]
NUMBERS = ["0", "-1", "1", str(2**63), HUGE, *UNICODE_NUMBERS]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "0000-00-00"]
DEEP_JSON = "[" * 5000 + "]" * 5000


def forged_tokens() -> list[str]:
    """Tokens signed with the real key, in the right salt, that the application never made."""
    salt = "oneteam.outcomes.experience"
    shapes: list[object] = [[1, 2], "text", {"invitation": 10**30, "secret": 5}, {"invitation": "1"}, {}]
    return [signing.dumps(shape, salt=salt, compress=True) for shape in shapes] + ["not-a-token", "a:b:c"]


def hostile_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([*NUMBERS, *DATES, *forged_tokens(), DEEP_JSON, "", "\x00", "%", "../../etc"]),
        st.text(max_size=40),
    )


# The query and form names the pages read; each example sets some of them to hostile values.
FIELD_NAMES = [
    "page", "day", "q", "name", "nhs_number", "date_of_birth", "person", "staff", "team", "neighbourhood",
    "practice", "category", "purpose", "status", "format", "next", "sort", "from", "to", "week", "id", "code",
    "username", "password", "attendees", "owner", "due_on", "reason", "kind", "priority", "min_priority",
    "identifier", "_count", "_offset", "birthdate", "urgency", "service", "location", "version", "content",
]  # fmt: skip


def routes() -> list[tuple[str, str]]:
    """Every URL pattern as (name, pattern text), including those of included apps."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry,
                    prefix + str(entry.pattern),
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern):
                found.append((f"{namespace}{entry.name}", prefix + str(entry.pattern)))

    walk(get_resolver(), "", "")
    return found


ROUTES = routes()
PATH_INTS = ["1", "2", str(2**31), str(2**63), HUGE]


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, str], str]:
    """(method, path, fields, role): a route with its parameters filled in, and hostile fields."""
    _name, pattern = draw(st.sampled_from(ROUTES))
    path = re.sub(r"<int:\w+>", lambda _m: draw(st.sampled_from(PATH_INTS)), pattern)
    path = re.sub(r"<(?:str|slug:)?\w+>", lambda _m: quote(draw(hostile_values()), safe="") or "x", path)
    fields = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), hostile_values(), max_size=4))
    return draw(st.sampled_from(["GET", "POST"])), "/" + path, fields, draw(st.sampled_from(sorted(ROLES)))


ROLES = {
    "district nurse": Profession.DISTRICT_NURSE,
    "GP": Profession.GP,
    "information governance officer": Profession.INFORMATION_GOVERNANCE_OFFICER,
    "administrator": Profession.ADMINISTRATOR,
}


@pytest.fixture
def clients() -> dict[str, Client]:
    neighbourhood = make_neighbourhood()
    make_person(neighbourhood)
    signed_in = {}
    for role, profession in ROLES.items():
        staff: Staff = make_staff(neighbourhood, profession=profession)
        client = Client()
        client.force_login(staff)
        signed_in[role] = client
    signed_in["nobody"] = Client()
    return signed_in


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is never a fluke of the draw
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests())
def test_no_route_answers_500_to_hostile_input(
    clients: dict[str, Client], request: tuple[str, str, dict[str, str], str]
) -> None:
    method, path, fields, role = request
    client = clients[role]
    response = client.get(path, fields) if method == "GET" else client.post(path, fields)
    assert response.status_code < 500, f"{method} {path} {fields!r} as {role}: {response.status_code}"


def test_hostile_json_bodies_to_the_apis_are_refused_plainly(clients: dict[str, Client]) -> None:
    for path in ("/fhir/", "/api/hospital/encounters", "/fhir/Patient"):
        for body in (DEEP_JSON, json.dumps({"resourceType": "Bundle", "entry": [{"resource": {"id": HUGE}}]}), "{"):
            response = clients["nobody"].post(path, body, content_type="application/fhir+json")
            assert response.status_code < 500, (path, body[:40])


def test_the_day_list_at_the_ends_of_the_calendar(clients: dict[str, Client]) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        response = clients["district nurse"].get("/care/visits/", {"day": day})
        assert response.status_code == 200
        assert datetime.date.today().isoformat() not in day


def test_attendance_with_an_enormous_id_is_a_problem_next_to_the_field() -> None:
    home = make_neighbourhood()
    front_door = make_front_door(home)
    chair = make_staff(home, profession=Profession.CARE_COORDINATOR)
    chair.teams.add(front_door)
    item = make_item(make_meeting(home, chair), make_person(home))
    client = Client()
    client.force_login(chair)
    for enormous in (HUGE, str(2**63), "²"):
        response = client.post(f"/mdt/items/{item.pk}/attendance/", {"attendees": enormous})
        assert response.status_code == 400, enormous
        assert "nhsuk-error-message" in response.content.decode()


def test_a_signed_but_malformed_experience_link(clients: dict[str, Client]) -> None:
    for token in forged_tokens():
        response = clients["nobody"].get(f"/your-care/{token}/")
        assert response.status_code < 500, token
        response = clients["nobody"].post(f"/your-care/{token}/", {"q1": "5"})
        assert response.status_code < 500, token
