import pytest

from oneteam.people.postcodes import normalise_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ot1 2ab", "OT1 2AB"),
        ("OT12AB", "OT1 2AB"),
        (" sw1a 1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("OT10 9ZZ", "OT10 9ZZ"),
    ],
)
def test_normalises_real_postcodes(typed: str, stored: str) -> None:
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["", "OT1", "12345", "OT1 2A", "OTT1 2AB X"])
def test_rejects_what_is_not_a_postcode(typed: str) -> None:
    assert normalise_postcode(typed) is None
