import pytest

from oneteam.people.nhs_number import check_digit, format_nhs_number, is_valid, normalise


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("9434765919", True),  # published NHS Digital example
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("9434765918", False),  # wrong check digit
        ("943476591", False),  # nine digits
        ("94347659190", False),  # eleven digits
        ("94347659X9", False),
        ("", False),
        ("1000000010", False),  # stem whose check digit would be 10: no valid NHS number
    ],
)
def test_is_valid(value: str, valid: bool) -> None:
    assert is_valid(value) is valid


def test_check_digit_eleven_becomes_zero() -> None:
    # 9*10 + 9*9 + 9*8 + 0*7 + 0*6 + 0*5 + 0*4 + 0*3 + 5*2 = 253 = 23 * 11, so 11 - 0 = 11, written as 0.
    assert check_digit("999000005") == 0
    assert is_valid("9990000050")


def test_check_digit_ten_means_no_number() -> None:
    assert check_digit("100000001") is None


def test_format_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert normalise(" 943 476-5919 ") == "9434765919"
