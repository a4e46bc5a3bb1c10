"""What the measures say about themselves reads as plain English."""

from oneteam.outcomes.measures import MEASURES


def test_each_measure_meaning_uses_the_right_article() -> None:
    meanings = {measure.key: measure.meaning for measure in MEASURES}
    assert meanings["first_contact_urgent"].startswith("Hours from an urgent referral")
    assert meanings["first_contact_routine"].startswith("Hours from a routine referral")
    assert not any(" a urgent" in meaning or " a a" in meaning.lower() for meaning in meanings.values())
