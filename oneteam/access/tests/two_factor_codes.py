"""Codes a test types, as the authenticator app of someone holding `secret` would show them."""

from __future__ import annotations

import time

from oneteam.access import two_factor


def current_code(secret: str) -> str:
    """The code the app shows now."""
    return two_factor.code_at(secret, time.time())


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted as clock drift, and never the step just used."""
    return two_factor.code_at(secret, time.time() + two_factor.STEP_SECONDS)


def wrong_code(secret: str) -> str:
    """A well-formed code that no time step near now gives."""
    near = {two_factor.code_at(secret, time.time() + drift * two_factor.STEP_SECONDS) for drift in range(-2, 3)}
    return next(code for code in (str(digit) * 6 for digit in range(10)) if code not in near)
