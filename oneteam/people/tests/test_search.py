import datetime

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Neighbourhood
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

pytestmark = pytest.mark.django_db
SEARCH = reverse("people:search")


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def signed_in(client: Client, home: Neighbourhood) -> Client:
    client.force_login(make_staff(home))
    return client


def test_finds_by_nhs_number_typed_with_spaces(signed_in: Client, home: Neighbourhood) -> None:
    person = make_person(home, given_name="Ada", family_name="Khan")
    spaced = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"
    page = signed_in.post(SEARCH, {"by": "nhs_number", "nhs_number": spaced}).content.decode()
    assert "1 person found" in page
    assert reverse("people:summary", args=[person.pk]) in page
    assert spaced in page  # shown 3-3-4


def test_invalid_nhs_number_is_named_next_to_the_field(signed_in: Client) -> None:
    response = signed_in.post(SEARCH, {"by": "nhs_number", "nhs_number": "943 476 5918"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_nhs_number-error"' in page
    assert "This is not a valid NHS number" in page
    assert "There is a problem" in page
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_finds_by_name_and_date_of_birth_ignoring_case(signed_in: Client, home: Neighbourhood) -> None:
    make_person(home, given_name="Ada", family_name="Khan", date_of_birth=datetime.date(1940, 1, 2))
    make_person(home, given_name="Ben", family_name="Khan", date_of_birth=datetime.date(1950, 1, 2))
    query = {"by": "name", "family_name": "KHAN", "dob_day": "2", "dob_month": "1", "dob_year": "1940"}
    page = signed_in.post(SEARCH, query).content.decode()
    assert "1 person found" in page
    assert "KHAN, Ada" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the person&#39;s date of birth"),
        ("31", "2", "1940", "Date of birth must be a real date"),
        ("1", "1", "2999", "Date of birth must be in the past"),
    ],
)
def test_bad_dates_of_birth_are_explained(signed_in: Client, day: str, month: str, year: str, message: str) -> None:
    query = {"by": "name", "family_name": "Khan", "dob_day": day, "dob_month": month, "dob_year": year}
    response = signed_in.post(SEARCH, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_finds_by_postcode_however_typed(signed_in: Client, home: Neighbourhood) -> None:
    make_person(home, postcode="OT4 7HX")
    make_person(home, postcode="OT4 7HY")
    page = signed_in.post(SEARCH, {"by": "postcode", "postcode": "ot47hx"}).content.decode()
    assert "1 person found" in page


def test_bad_postcode_is_explained(signed_in: Client) -> None:
    page = signed_in.post(SEARCH, {"by": "postcode", "postcode": "not a postcode"}).content.decode()
    assert "Enter a real postcode, like OT1 2AB" in page


def test_anyone_can_be_found_by_nhs_number_with_minimal_details(signed_in: Client) -> None:
    elsewhere = make_neighbourhood()
    stranger = make_person(elsewhere, postcode="OT8 1AA")
    page = signed_in.post(SEARCH, {"by": "nhs_number", "nhs_number": stranger.nhs_number}).content.decode()
    assert "1 person found" in page
    assert elsewhere.name in page
    assert "OT8 1AA" not in page


def test_postcode_search_is_limited_to_the_team_neighbourhoods(signed_in: Client, home: Neighbourhood) -> None:
    make_person(home, postcode="OT8 1AA")
    make_person(make_neighbourhood(), postcode="OT8 1AA")
    page = signed_in.post(SEARCH, {"by": "postcode", "postcode": "OT8 1AA"}).content.decode()
    assert "1 person found" in page


def test_search_is_audited_without_the_search_terms(signed_in: Client, home: Neighbourhood) -> None:
    person = make_person(home)
    signed_in.post(SEARCH, {"by": "nhs_number", "nhs_number": person.nhs_number})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.detail == {"method": "nhs_number", "results": 1}
    assert person.nhs_number not in str(event.detail) + event.reason


@pytest.mark.parametrize("people", [2, 40])
def test_search_page_query_count_does_not_grow_with_data(
    signed_in: Client, home: Neighbourhood, people: int, django_assert_num_queries: object
) -> None:
    for _ in range(people):
        make_person(home, postcode="OT9 9ZZ")
    signed_in.get(SEARCH)  # first request of a session records its activity time
    # session, staff, staff's teams, the search, then the audit append, then the header's inbox count
    with django_assert_num_queries(4 + audit_append_queries() + INBOX_COUNT_QUERIES):  # type: ignore[operator]
        response = signed_in.post(SEARCH, {"by": "postcode", "postcode": "OT9 9ZZ"})
    assert f"{people} people found" in response.content.decode()
