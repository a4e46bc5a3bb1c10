"""Stratify's results equal the bench's hand-written plain-SQL yardstick, so neither can drift from the rules."""

from __future__ import annotations

import pytest

from bench import stratify_reference
from oneteam.risk import priority
from oneteam.risk.models import PersonRisk
from oneteam.risk.services import stratify
from oneteam.synthetic.city import generate_city

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_stratify_gives_everyone_the_same_efi_category_and_priority_as_the_plain_sql_reference() -> None:
    generate_city(residents=1500, seed=11, as_of=AS_OF)
    stratify.run(as_of=AS_OF)
    run = stratify.run(as_of=AS_OF)  # a second run, so replacing the previous one is covered too
    ours = set(PersonRisk.objects.filter(run=run).values_list("person_id", "deficits", "category", "priority"))
    assert stratify_reference.create(as_of=AS_OF, weights=priority.DEFAULT) == len(ours) > 1000
    reference = stratify_reference.rows()
    assert ours == reference
    assert {category for _, _, category, _ in ours} >= {"", "fit", "mild", "moderate"}
    assert len({points for *_, points in ours}) > 5
