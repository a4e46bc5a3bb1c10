"""Benchmark: does `/healthz` still answer while slow clients hold connections open?

Not a test. Starts gunicorn with gunicorn.conf.py twice on a scratch SQLite
database, in production settings: once with the old worker model (five
synchronous workers) and once as `make serve` now runs it (threaded workers),
opens N clients that send the start of a request and then nothing (as a slow
or hostile client does), and times `/healthz` meanwhile.

    .venv/bin/python bench/slow_clients.py [--slow 5] [--tries 20]

Prints, for each model, how many health checks answered within 5 seconds, and
their median and slowest times. Figures are in docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health_check(url: str) -> float | None:
    """Seconds `/healthz` took to answer 200, or None if it did not within CHECK_TIMEOUT."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=CHECK_TIMEOUT) as answer:  # noqa: S310 - our loopback server
            return time.perf_counter() - started if answer.status == 200 else None
    except (urllib.error.URLError, OSError):
        return None


def measure(name: str, environment: dict[str, str], slow: int, tries: int) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "oneteam.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while health_check(url) is None:
            if time.monotonic() > deadline:
                sys.exit(f"{name}: the server did not start")
            time.sleep(0.5)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(slow)]
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        time.sleep(1)
        times = [health_check(url) for _ in range(tries)]
        answered = [t for t in times if t is not None]
        figures = (
            f"median {statistics.median(answered) * 1000:.0f} ms, slowest {max(answered) * 1000:.0f} ms"
            if answered
            else "none answered"
        )
        print(f"{name}: {len(answered)}/{tries} health checks answered within {CHECK_TIMEOUT:.0f} s; {figures}")
        for client in clients:
            client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=5, help="slow clients held open")
    parser.add_argument("--tries", type=int, default=20, help="health checks timed")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "ONETEAM_ENVIRONMENT": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "AUDIT_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=environment, check=True
        )
        print(f"{options.slow} slow clients; load average {os.getloadavg()[0]:.1f}")
        measure(
            "before: 5 synchronous workers",
            {**environment, "GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1", "WEB_CONCURRENCY": "5"},
            options.slow,
            options.tries,
        )
        measure(
            "now: 3 workers x 8 threads (make serve's default on 2 cores)", environment, options.slow, options.tries
        )


if __name__ == "__main__":
    main()
