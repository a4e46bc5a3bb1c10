"""The seeded building blocks: streams that do not depend on the process, and NHS numbers from the test range."""

from __future__ import annotations

import subprocess
import sys
from itertools import islice
from pathlib import Path

from oneteam.people import nhs_number
from oneteam.synthetic.people import nhs_numbers
from oneteam.synthetic.sampling import Weighted, rng_for


def test_a_seeded_stream_is_the_same_in_every_process() -> None:
    # A new interpreter has a differently salted hash(); the stream must not care.
    code = "from oneteam.synthetic.sampling import rng_for; print(rng_for(5, 'residents', 0).random())"
    other_process = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
        env={"PYTHONHASHSEED": "random"},
    )

    assert float(other_process.stdout) == rng_for(5, "residents", 0).random()
    assert rng_for(5, "residents", 0).random() != rng_for(5, "residents", 1).random()


def test_nhs_numbers_are_unique_valid_and_in_the_test_range() -> None:
    numbers = list(islice(nhs_numbers(seed=1), 20_000))

    assert len(set(numbers)) == len(numbers)
    assert all(nhs_number.is_valid(number) and number.startswith("999") for number in numbers)
    assert numbers != list(islice(nhs_numbers(seed=2), 20_000))


def test_weighted_choice_follows_the_weights() -> None:
    choice = Weighted([("often", 9.0), ("rarely", 1.0), ("never", 0.0)])
    rng = rng_for(1, "test")

    picks = [choice.pick(rng) for _ in range(10_000)]

    assert 8_700 < picks.count("often") < 9_300
    assert "never" not in picks
