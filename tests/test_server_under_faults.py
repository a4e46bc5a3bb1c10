"""Issue 20, items 3 and 4: the real server (scripts/serve.sh) under faults.

A worker killed for taking too long, and requests gunicorn cannot parse, must
leave no personal data in any log line, gunicorn's own error log included;
`/healthz` answers 503 when the database does not answer in time; and slow
clients do not stop the health check.
"""

from __future__ import annotations

import contextlib
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.serving import Server, start_server

NAME, NHS_NUMBER = "Zebedee", "9434765919"
SEARCH = f"/fhir/Patient?name={NAME}&identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS_NUMBER}"


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[Server]:
    """The faulty set-up of the issue: one synchronous worker, killed after 2 seconds, whose database
    accepts connections and never answers (a listening socket that says nothing). Migrations run on SQLite."""
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        silent = f"postgres://oneteam@127.0.0.1:{black_hole.getsockname()[1]}/oneteam"
        process, serving = start_server(
            tmp_path,
            MIGRATE_DATABASE_URL=f"sqlite:///{tmp_path / 'oneteam.sqlite3'}",
            DATABASE_URL=silent,
            DATABASE_CONNECT_TIMEOUT_SECONDS="30",
            GUNICORN_WORKER_CLASS="sync",
            GUNICORN_THREADS="1",
            GUNICORN_TIMEOUT="2",
        )
        yield serving
        process.terminate()
        process.wait(timeout=60)


def raw_request(server: Server, request: bytes) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        with contextlib.suppress(OSError):  # gunicorn may close without answering
            connection.recv(1024)


def test_a_timed_out_worker_and_unparsable_requests_leave_no_personal_data_in_the_logs(
    sync_server: Server, tmp_path: Path
) -> None:
    # The worker is killed while it waits for the database; gunicorn answers for it.
    assert sync_server.get(f"/healthz?name={NAME}&nhs_number={NHS_NUMBER}")[0] >= 500
    raw_request(sync_server, f"GET {SEARCH} extra HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    raw_request(sync_server, f"GET {SEARCH} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header{NAME}: x\r\n\r\n".encode())
    time.sleep(1)
    log = sync_server.log.read_text()
    assert "WORKER TIMEOUT" in log, log[-3000:]  # the fault happened
    assert "?(query not logged)" in log or "(request not logged)" in log, log[-3000:]
    assert NAME not in log, log[-3000:]
    assert NHS_NUMBER not in log, log[-3000:]


@pytest.fixture
def threaded_server(tmp_path: Path) -> Iterator[Server]:
    """The server as `make serve` starts it, with one worker process (of threads) to make starving it easy."""
    process, serving = start_server(tmp_path)
    yield serving
    process.terminate()
    process.wait(timeout=60)


def test_five_slow_clients_do_not_stop_the_health_check(threaded_server: Server) -> None:
    host, port = threaded_server.url.removeprefix("http://").split(":")
    slow = [socket.create_connection((host, int(port)), timeout=10) for _ in range(5)]
    try:
        for client in slow:  # each sends the start of a request, and then nothing
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        time.sleep(0.5)
        started = time.monotonic()
        status, _headers, body = threaded_server.get("/healthz")
        assert (status, body) == (200, b'{"status": "ok"}')
        assert time.monotonic() - started < 5
    finally:
        for client in slow:
            client.close()


def test_the_health_check_says_unavailable_in_time_when_the_database_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        process, serving = start_server(
            tmp_path,
            MIGRATE_DATABASE_URL=f"sqlite:///{tmp_path / 'oneteam.sqlite3'}",
            DATABASE_URL=f"postgres://oneteam@127.0.0.1:{black_hole.getsockname()[1]}/oneteam",
            DATABASE_CONNECT_TIMEOUT_SECONDS="2",
        )
        try:
            started = time.monotonic()
            status, _headers, body = serving.get("/healthz")
            assert (status, body) == (503, b'{"status": "unavailable"}')
            # Two seconds to connect, with room for a machine under load; not the minutes a hung check would take.
            assert time.monotonic() - started < 10
        finally:
            process.terminate()
            process.wait(timeout=60)


def failed_sign_in(server: Server, username: str) -> int:
    """A whole failed sign-in as a browser behind the TLS-ending balancer does it (the form, then a wrong
    password); the answer's status. Cookies are secure, so they are carried by hand over this plain loopback."""
    secure_page = server.url.replace("http://", "https://") + "/sign-in/"
    headers = {"X-Forwarded-Proto": "https", "Referer": secure_page}
    # Our own server on loopback; the URLs are built here.
    with urllib.request.urlopen(urllib.request.Request(f"{server.url}/sign-in/", headers=headers), timeout=60) as form:  # noqa: S310
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.read().decode())
        cookies = "; ".join(cookie.split(";")[0] for cookie in form.headers.get_all("Set-Cookie") or [])
    assert token is not None
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": username, "password": "wrong"})
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/sign-in/", data=body.encode(), headers={**headers, "Cookie": cookies}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return answer.code


def test_several_people_signing_in_at_once_on_sqlite_do_not_find_the_database_locked(threaded_server: Server) -> None:
    """Each failed sign-in writes its count and an audit event; SQLite's WAL mode and busy timeout queue them."""
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: failed_sign_in(threaded_server, f"someone.{n}"), range(16)))
    assert statuses == [400] * 16, statuses
    assert "database is locked" not in threaded_server.log.read_text()
