"""Fixtures for MDT tests; the neighbourhood and its front door are the shared ones (tests/fixtures.py)."""

from __future__ import annotations

import pytest

from oneteam.organisations.models import Staff


@pytest.fixture
def chair(coordinator: Staff) -> Staff:
    """The care coordinator in the neighbourhood's front-door team, who chairs its MDT."""
    return coordinator
