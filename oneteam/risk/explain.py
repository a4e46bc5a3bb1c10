"""A person's risk in plain words: the frailty index with every deficit named, then each admission-risk fact."""

from __future__ import annotations

from collections.abc import Sequence

from .efi import DEFICITS, Category
from .priority import MOST_DEPRIVED_DECILE, Facts


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def frailty_words(category: str, deficit_names: Sequence[str], not_named: int = 0) -> str:
    """'Moderate frailty (10 of 36): falls, heart failure, …' or, under 65, that there is no index.

    `not_named` deficits are counted but not named (their category is not physical health).
    """
    if not category:
        return "Under 65, so no frailty index"
    label = f"{Category(category).label} ({len(deficit_names) + not_named} of {DEFICITS})"
    names = [*deficit_names, *([f"{_plural(not_named, 'other')} not named here"] if not_named else [])]
    return f"{label}: {', '.join(names)}" if names else label


def fact_words(facts: Facts) -> list[str]:
    """Each admission-risk fact that applies, in words."""
    words = []
    if facts.emergency_admissions:
        nights = f" ({_plural(facts.bed_days, 'night')} in hospital)" if facts.bed_days else ""
        words.append(f"{_plural(facts.emergency_admissions, 'emergency admission')} in 12 months{nights}")
    if facts.recent_fall:
        words.append("a fall in the last 12 months")
    if facts.lives_alone:
        words.append("lives alone")
    if facts.has_carer:
        words.append("relies on an unpaid carer")
    if facts.imd_decile <= MOST_DEPRIVED_DECILE:
        words.append(f"lives in one of the most deprived 20% of areas (decile {facts.imd_decile})")
    if not facts.known_to_team:
        words.append("not yet known to the team")
    return words


def sentence(facts: Facts, deficit_names: Sequence[str], not_named: int = 0) -> str:
    """The whole explanation as one line, as a list row shows it."""
    return "; ".join([frailty_words(facts.category, deficit_names, not_named), *fact_words(facts)])
