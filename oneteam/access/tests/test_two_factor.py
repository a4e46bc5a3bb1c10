"""The TOTP algorithm and recovery codes, checked against the RFCs' own test values."""

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from oneteam.access import two_factor

# RFC 6238 appendix B uses this ASCII key for SHA-1 and 8-digit codes.
RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc_6238_appendix_b_sha1_vectors(at: int, expected: str) -> None:
    assert two_factor.hotp(RFC_KEY, two_factor.time_step(at), digits=8) == expected
    # A 6-digit code is the same number taken modulo 10^6: the last 6 digits.
    assert two_factor.code_at(RFC_SECRET, at) == expected[-6:]


def test_rfc_4226_appendix_d_hotp_values() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [two_factor.hotp(RFC_KEY, counter) for counter in range(10)] == expected


def test_a_code_is_accepted_one_step_either_side_for_clock_drift() -> None:
    now = 1_800_000_015.0
    step = two_factor.time_step(now)
    for drift in (-1, 0, 1):
        code = two_factor.hotp(RFC_KEY, step + drift)
        assert two_factor.matching_step(RFC_SECRET, code, at=now, after_step=0) == step + drift
    for drift in (-2, 2):
        code = two_factor.hotp(RFC_KEY, step + drift)
        assert two_factor.matching_step(RFC_SECRET, code, at=now, after_step=0) is None


def test_a_step_already_used_or_older_is_refused() -> None:
    now = 1_800_000_015.0
    step = two_factor.time_step(now)
    assert two_factor.matching_step(RFC_SECRET, two_factor.hotp(RFC_KEY, step), at=now, after_step=step) is None
    assert two_factor.matching_step(RFC_SECRET, two_factor.hotp(RFC_KEY, step - 1), at=now, after_step=step) is None
    next_code = two_factor.hotp(RFC_KEY, step + 1)
    assert two_factor.matching_step(RFC_SECRET, next_code, at=now, after_step=step) == step + 1


def test_new_secrets_are_160_random_bits_in_base32() -> None:
    secret = two_factor.new_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert len(base64.b32decode(secret)) == 20
    assert secret != two_factor.new_secret()


def test_the_secret_is_shown_in_groups_of_four_and_still_works_as_typed() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    shown = two_factor.grouped(secret)
    assert shown == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    assert two_factor.code_at(shown.lower(), 59) == two_factor.code_at(secret, 59)


def test_provisioning_uri_names_the_service_and_the_account() -> None:
    uri = two_factor.provisioning_uri("JBSWY3DPEHPK3PXP", "ig.officer")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/OneTeam%3Aig.officer")
    assert parse_qs(parts.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["OneTeam"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }


def test_qr_code_is_an_svg_the_content_security_policy_allows() -> None:
    svg = two_factor.qr_code_svg(two_factor.provisioning_uri("JBSWY3DPEHPK3PXP", "ig.officer"))
    assert svg.startswith("<svg")
    assert "<title>QR code for your authenticator app</title>" in svg
    # An inline style attribute would need 'unsafe-inline' in style-src.
    assert "style=" not in svg


def test_recovery_codes_are_ten_different_readable_codes() -> None:
    codes = two_factor.new_recovery_codes()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}", code) for code in codes)


def test_typed_codes_are_normalised() -> None:
    assert two_factor.normalise_code(" 123 456 ") == "123456"
    assert two_factor.normalise_code("ABCDE-fghjk") == "abcdefghjk"
