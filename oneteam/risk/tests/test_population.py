"""Over a generated synthetic city: every explanation lists exactly the deficits its score counts."""

from __future__ import annotations

import pytest

from oneteam.people.models import Condition, Person
from oneteam.risk import efi, explain, priority
from oneteam.risk.codelist import load
from oneteam.risk.models import PersonRisk
from oneteam.risk.queries import _deficits
from oneteam.risk.services import stratify
from oneteam.synthetic.city import generate_city

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def expected_deficits(person: Person, conditions: dict[int, set[str]]) -> set[str]:
    """The deficits worked out in Python, independently of the SQL, from the code list."""
    codelist = load()
    found = {d.key for d in codelist.deficits if d.codes & conditions.get(person.pk, set())}
    if efi.has_polypharmacy(person.repeat_medication_count):
        found.add("polypharmacy")
    if person.lives_alone:
        found.add("social_vulnerability")
    return found


def test_every_rows_listed_deficits_divided_by_36_is_its_score_and_its_points_add_up_to_its_priority() -> None:
    generate_city(residents=1500, seed=5, as_of=AS_OF)
    run = stratify.run(as_of=AS_OF)
    rows = list(PersonRisk.objects.filter(run=run).select_related("person"))
    assert len(rows) == run.people_scored > 1000
    deficits = _deficits(run, rows)
    conditions: dict[int, set[str]] = {}
    for person_id, snomed in Condition.objects.values_list("person_id", "snomed_code"):
        conditions.setdefault(person_id, set()).add(snomed)
    codelist = load()
    checked_with_efi = 0
    for row in rows:
        listed = [deficit.name for deficit in deficits[row.person_id]]
        assert row.priority == priority.total(row, priority.DEFAULT)
        if not efi.eligible(row.person.date_of_birth, AS_OF):
            assert row.deficits is None and not listed
            continue
        checked_with_efi += 1
        assert row.deficits is not None
        assert len(listed) / efi.DEFICITS == efi.score(row.deficits)
        assert row.category == efi.category(len(listed)).value
        expected = sorted(codelist.name_of(key) for key in expected_deficits(row.person, conditions))
        assert sorted(listed) == expected
        words = explain.sentence(row, listed)
        assert f"({len(listed)} of 36)" in words
        assert all(name in words for name in listed)
    assert checked_with_efi > 100
    assert {row.category for row in rows} >= {"fit", "mild", "moderate"}
