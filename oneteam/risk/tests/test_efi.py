"""The eFI rules and the code list, by table (no database)."""

from __future__ import annotations

import datetime

import pytest

from oneteam.risk import efi
from oneteam.risk.codelist import CodeListError, _check, load
from oneteam.risk.efi import Category
from oneteam.synthetic import codes


@pytest.mark.parametrize(
    ("deficits", "expected"),
    [
        (0, Category.FIT),
        (4, Category.FIT),
        (5, Category.MILD),
        (8, Category.MILD),
        (9, Category.MODERATE),
        (12, Category.MODERATE),
        (13, Category.SEVERE),
        (36, Category.SEVERE),
    ],
)
def test_each_number_of_deficits_lands_in_the_published_category(deficits: int, expected: Category) -> None:
    assert efi.category(deficits) == expected
    assert efi.score(deficits) == deficits / 36


@pytest.mark.parametrize("impossible", [-1, 37])
def test_a_count_outside_0_to_36_is_refused(impossible: int) -> None:
    with pytest.raises(ValueError, match="0 to 36"):
        efi.category(impossible)


@pytest.mark.parametrize(("medicines", "counts"), [(0, False), (4, False), (5, True), (12, True)])
def test_polypharmacy_counts_from_5_repeat_medicines_not_4(medicines: int, counts: bool) -> None:
    assert efi.has_polypharmacy(medicines) is counts


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (datetime.date(1961, 12, 2), True),  # 65 today
        (datetime.date(1961, 12, 3), False),  # 65 tomorrow
        (datetime.date(1930, 1, 1), True),
        (datetime.date(2000, 1, 1), False),
    ],
)
def test_only_people_aged_65_or_over_have_an_efi(born: datetime.date, eligible: bool) -> None:
    assert efi.eligible(born, datetime.date(2026, 12, 2)) is eligible


def test_a_leap_day_as_of_date_still_has_a_cutoff() -> None:
    assert efi.sixty_fifth_birthday_cutoff(datetime.date(2028, 2, 29)) == datetime.date(1963, 2, 28)


def test_the_code_list_defines_the_36_deficits_with_polypharmacy_at_5() -> None:
    codelist = load("efi-v1")
    assert len(codelist.deficits) == 36
    assert codelist.by_key["polypharmacy"].repeat_medicines_at_least == efi.POLYPHARMACY_MEDICINES
    assert codelist.by_key["falls"].codes >= {codes.FALLS.code}


def test_the_code_list_covers_the_synthetic_citys_frailty_conditions_and_not_others() -> None:
    listed = {code for deficit in load("efi-v1").deficits for code in deficit.codes}
    for concept in (codes.HEART_FAILURE, codes.DEMENTIA, codes.COPD, codes.URINARY_INCONTINENCE, codes.HEARING_LOSS):
        assert concept.code in listed, concept.term
    for concept in (codes.PREDIABETES, codes.ACNE, codes.FRAILTY, codes.OSTEOPENIA):
        assert concept.code not in listed, concept.term


def test_a_code_list_giving_one_code_to_two_deficits_is_refused() -> None:
    deficits = list(load("efi-v1").deficits)
    clash = deficits[1].__class__(key=deficits[1].key, name="x", codes=deficits[0].codes)
    with pytest.raises(CodeListError, match="is in both"):
        _check("bad.json", (deficits[0], clash, *deficits[2:]))


def test_a_code_list_without_36_deficits_is_refused() -> None:
    with pytest.raises(CodeListError, match="36 different deficits"):
        _check("short.json", load("efi-v1").deficits[:35])
