"""NHS number rules: 10 digits whose last digit is a modulus-11 check digit.

Pure functions with no database access, so they can be tested by table.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]")
# Weights 10 down to 2 for the first nine digits (NHS Data Dictionary).
_WEIGHTS = range(10, 1, -1)


def normalise(value: str) -> str:
    """Remove the spaces and hyphens people type between the groups of digits."""
    return _SEPARATORS.sub("", value or "")


def check_digit(first_nine: str) -> int | None:
    """Return the check digit for nine digits, or None where no valid NHS number can end them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    remainder = 11 - (total % 11)
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def is_valid(value: str) -> bool:
    """True when `value` (spaces and hyphens allowed) is a well-formed NHS number."""
    digits = normalise(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])


def format_nhs_number(value: str) -> str:
    """Show an NHS number in the 3-3-4 format staff recognise, e.g. 999 123 4560."""
    digits = normalise(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value
