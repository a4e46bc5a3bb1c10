"""Issue 20, item 7: the point-in-time-recovery drill (scripts/pitr_drill.sh) passes, on every PostgreSQL run.

It builds its own scratch clusters with the PostgreSQL binaries, so it needs no access to the test database;
it runs when the suite runs on PostgreSQL, as CI's second pass does.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from tests.serving import free_port


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the drill is for the PostgreSQL run")
def test_point_in_time_recovery_restores_to_the_moment_and_the_audit_log_verifies() -> None:
    environment = {**os.environ, "LIVE_PORT": str(free_port()), "RESTORE_PORT": str(free_port())}
    environment.pop("DATABASE_URL")  # the drill points each step at its own scratch cluster
    result = subprocess.run(
        ["bash", "scripts/pitr_drill.sh"],  # noqa: S607 - bash from PATH; our own script
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "drill passed" in result.stdout
    assert "Audit chain intact: " in result.stdout
