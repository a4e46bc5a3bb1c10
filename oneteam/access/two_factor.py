"""Time-based one-time passwords (TOTP, RFC 6238) and recovery codes. Pure: no database.

An authenticator app and OneTeam share a random secret. Every 30 seconds both
compute a 6-digit code from the secret and the number of 30-second steps since
1970 (HMAC-SHA-1, as RFC 4226 describes), so a code proves the person holds the
phone the secret was given to. SHA-1, 6 digits and 30 seconds are what every
common authenticator app supports.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

import segno

ISSUER = "OneTeam"
STEP_SECONDS = 30
DIGITS = 6
# Accept the step before and after the current one, for phones whose clocks drift
# and for people who type a code just as it changes.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed in.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_HALF_LENGTH = 5


def new_secret() -> str:
    """A new random shared secret: 160 bits (RFC 4226's recommended length) in base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def grouped(secret: str) -> str:
    """The secret in groups of 4 characters, the way people type it into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def _key(secret: str) -> bytes:
    # Apps print the secret without base32 padding and people type it in any case.
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """The HMAC-based one-time password for `counter` (RFC 4226, section 5.3)."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    (truncated,) = struct.unpack(">I", digest[offset : offset + 4])
    return str((truncated & 0x7FFFFFFF) % 10**digits).zfill(digits)


def time_step(at: float) -> int:
    """The number of whole 30-second steps between 1970 and `at` (seconds since 1970)."""
    return int(at // STEP_SECONDS)


def code_at(secret: str, at: float) -> str:
    """The code an authenticator app holding `secret` shows at time `at` (seconds since 1970)."""
    return hotp(_key(secret), time_step(at))


def matching_step(secret: str, code: str, *, at: float, after_step: int) -> int | None:
    """The time step whose code is `code`, within `DRIFT_STEPS` of `at` and later than `after_step`; else None.

    Refusing steps up to `after_step` (the last one accepted) means a code that was
    seen over someone's shoulder, or replayed, cannot be used again.
    """
    key = _key(secret)
    current = time_step(at)
    for step in range(max(current - DRIFT_STEPS, after_step + 1), current + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code (the de facto Key Uri Format)."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri: str) -> str:
    """The link as a QR code in an inline SVG element, black on white so phone cameras read it on any background."""
    qr = segno.make(uri, error="m")
    return qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR code for your authenticator app")


def new_recovery_codes() -> list[str]:
    """Ten single-use recovery codes like `k7m2p-x9c4r` (about 50 bits each)."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_HALF_LENGTH)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def normalise_code(typed: str) -> str:
    """A code as typed, without the spaces and dashes people add or copy, in lower case."""
    return "".join(character for character in typed.lower() if character not in " -")
