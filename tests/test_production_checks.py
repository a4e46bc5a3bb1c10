"""Issue 20, item 5: production refuses a weak or default SECRET_KEY or audit key (checked by loading the
settings in a fresh process, as a server would)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

STRONG = secrets.token_urlsafe(64)


def production_settings(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "ONETEAM_ENVIRONMENT": "production",
        "ALLOWED_HOSTS": "oneteam.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "SECRET_KEY": STRONG,
        "AUDIT_KEY": secrets.token_urlsafe(64),
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own settings module, fixed arguments
        [sys.executable, "-c", "import oneteam.settings as s; print(len(s.AUDIT_KEY))"],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in environment.items() if value != "(unset)"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_strong_keys_are_accepted(tmp_path: Path) -> None:
    result = production_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(secrets.token_urlsafe(64)))


@pytest.mark.parametrize(
    ("variables", "complaint"),
    [
        ({"SECRET_KEY": "x"}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "development-only-not-secret"}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "a" * 80}, "SECRET_KEY must be set in production"),
        ({"AUDIT_KEY": "(unset)"}, "AUDIT_KEY (or AUDIT_KEY_FILE) must be set"),
        ({"AUDIT_KEY": "development-only-audit-key-not-secret"}, "AUDIT_KEY (or AUDIT_KEY_FILE) must be set"),
        ({"AUDIT_KEY": STRONG}, "different from SECRET_KEY"),
        ({"AUDIT_KEY": "(unset)", "AUDIT_KEY_FILE": "/no/such/file"}, "AUDIT_KEY_FILE cannot be read"),
        ({"TRUSTED_PROXIES": "the load balancer"}, "TRUSTED_PROXIES: 'the load balancer' is not an IP address"),
    ],
    ids=[
        "short secret",
        "development secret",
        "repetitive secret",
        "no audit key",
        "development audit key",
        "audit key same as secret",
        "unreadable key file",
        "bad proxy",
    ],
)
def test_weak_or_default_keys_are_refused(tmp_path: Path, variables: dict[str, str], complaint: str) -> None:
    result = production_settings(tmp_path, **variables)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_the_audit_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(secrets.token_urlsafe(64) + "\n")
    result = production_settings(tmp_path, AUDIT_KEY="(unset)", AUDIT_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(key_file.read_text().strip()))
