"""UK postcode normalisation (pure functions)."""

from __future__ import annotations

import re

# Outward code (area, district) then inward code (sector digit, two unit letters).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    """Return the postcode in upper case with one space before the inward code, or None if it is not a postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None
