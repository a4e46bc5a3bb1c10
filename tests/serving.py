"""The real production server (scripts/serve.sh) started for a test, each in its own folder.

Each server gets its own SQLite file and its own `ONETEAM_VAR_DIR` (so its collected
static files too): servers started by tests on parallel workers never share a file.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

STARTUP_SECONDS = 120


def free_port() -> int:
    """A TCP port on loopback that nothing is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A started server: its address and its log file."""

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


def start_server(folder: Path, **extra: str) -> tuple[subprocess.Popen[bytes], Server]:
    """Start `scripts/serve.sh` with production settings in `folder`; return once gunicorn has booted a worker."""
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "ONETEAM_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'oneteam.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        **extra,
    }
    log = folder / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],  # noqa: S607 - bash from PATH, as `make serve` runs it
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=output,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while "Booting worker" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"serve.sh did not start: {log.read_text()[-2000:]}")
        time.sleep(0.5)
    return process, Server(f"http://127.0.0.1:{port}", log)
