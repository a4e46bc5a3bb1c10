"""Production settings pass Django's own deployment checklist, warnings included."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_manage_py_check_deploy_is_clean_in_production() -> None:
    environment = {
        # Only what a real server is given, so nothing from the developer's shell changes the answer.
        "PATH": os.environ.get("PATH", ""),
        "ONETEAM_ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDIT_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "oneteam.example.org",
        "DATABASE_URL": "sqlite:///var/deploycheck.sqlite3",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
