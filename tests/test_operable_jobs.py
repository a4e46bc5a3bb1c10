"""Issue 20, item 7: long commands print progress as whole lines when not on a terminal (cron logs)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from oneteam.access.tests.test_audit_chain import make_chain

pytestmark = pytest.mark.django_db


def test_progress_is_written_as_whole_lines_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    make_chain(3)
    call_command("verify_audit")
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("Checking: 100%") for line in lines), lines
    assert not any("\r" in line for line in lines)
