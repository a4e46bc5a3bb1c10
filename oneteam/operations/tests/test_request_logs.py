"""Production logs: one JSON object a line, one line a request, and no paths that could name a person."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.operations.log_format import JsonFormatter
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person


def test_a_record_becomes_one_line_of_json_with_its_fields() -> None:
    record = logging.LogRecord("oneteam.requests", logging.INFO, __file__, 1, "GET %s", ("people/",), None)
    record.fields = {"status": 200, "staff_id": 7}

    line = JsonFormatter().format(record)

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "GET people/"
    assert parsed["level"] == "INFO" and parsed["logger"] == "oneteam.requests"
    assert parsed["status"] == 200 and parsed["staff_id"] == 7
    assert parsed["time"].endswith("+00:00")


@pytest.mark.django_db
def test_each_request_is_logged_by_its_route_not_its_path(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    home = make_neighbourhood()
    nurse = make_staff(home)
    person = make_person(home)
    client.force_login(nurse)
    caplog.set_level(logging.INFO, logger="oneteam.requests")

    response = client.get(reverse("people:summary", args=[person.pk]) + "?from=search")

    (record,) = [record for record in caplog.records if record.name == "oneteam.requests"]
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["route"] == "people/<int:person_id>/"
    assert fields["view"] == "people:summary"
    assert fields["status"] == response.status_code == 200
    assert fields["staff_id"] == nurse.pk
    assert fields["request_id"] == response["X-Request-ID"]
    written = JsonFormatter().format(record)
    assert f"/people/{person.pk}/" not in written and "from=search" not in written


@pytest.mark.django_db
def test_a_request_that_matches_no_route_is_logged_too(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="oneteam.requests")

    client.get("/no-such-page/9434765919/")

    (record,) = [record for record in caplog.records if record.name == "oneteam.requests"]
    assert record.fields["route"] == "(no route)"  # type: ignore[attr-defined]
    assert "9434765919" not in JsonFormatter().format(record)
