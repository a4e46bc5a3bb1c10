"""`make serve` for real: scripts/serve.sh starts gunicorn with production settings from the environment.

The server runs in its own process against its own SQLite file (the test
database is not visible to another process), answers the load balancer's health
check, serves compressed static files with long cache lifetimes, and logs each
request as JSON by route, never by path.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        """Fetch `path` as the load balancer would (it ends TLS and says so); redirects are not followed."""
        # Our own server on loopback, over http: the URL is built here, never taken from input.
        request = urllib.request.Request(self.url + path, headers={"X-Forwarded-Proto": "https", **headers})  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers), answer.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DATABASE_URL": f"sqlite:///{folder / 'oneteam.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    log = folder / "server.log"
    with log.open("w") as output:
        # bash from PATH, as `make serve` runs it; our own script with fixed arguments.
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],  # noqa: S607
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=output,
        )
    serving = Server(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                serving.get("/healthz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve.sh did not start: {log.read_text()[-2000:]}")
                time.sleep(0.5)
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
