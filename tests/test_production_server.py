"""`make serve` for real: scripts/serve.sh starts gunicorn with production settings from the environment.

The server runs in its own process against its own SQLite file (the test
database is not visible to another process), answers the load balancer's health
check, serves compressed static files with long cache lifetimes, and logs each
request as JSON by route, never by path.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.serving import Server, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    process, serving = start_server(tmp_path_factory.mktemp("serve"), WEB_CONCURRENCY="2")
    try:
        yield serving
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_the_health_check_answers_from_the_database(server: Server) -> None:
    status, _headers, body = server.get("/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_production_settings_are_in_force(server: Server) -> None:
    status, headers, _body = server.get("/people/")
    assert status == 302 and headers["Location"].startswith("/sign-in/")  # nobody reads a record unsigned
    assert "max-age" in headers["Strict-Transport-Security"]
    status, _headers, body = server.get("/no-such-page/")
    assert status == 404 and b"Traceback" not in body  # DEBUG is off


def test_static_files_are_compressed_and_cached(server: Server) -> None:
    status, headers, body = server.get("/static/oneteam.css", **{"Accept-Encoding": "gzip"})
    assert status == 200 and body
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age" in headers["Cache-Control"]


def test_each_request_is_logged_as_json_by_route_not_path(server: Server) -> None:
    server.get("/people/4857773456/")
    assert server.get("/fhir/Patient/4857773456")[0] == 401  # Django itself logs a 4xx with its path, withheld
    time.sleep(0.5)  # the worker writes its line after answering
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "oneteam.requests"]
    assert requests, server.log.read_text()[-2000:]
    assert any("people/<int:person_id>/" in json.dumps(line) for line in requests)
    assert "4857773456" not in server.log.read_text()
