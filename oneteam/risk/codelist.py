"""The versioned eFI code lists kept as data files in `codelists/`.

Each file names its version, says where every list came from, and defines the
36 deficits: a list of SNOMED CT concepts, a number of repeat medicines
(polypharmacy) or a flag on the person record. `load` refuses a file that does
not define exactly 36 deficits or that gives one code to two deficits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from oneteam.access.code_categories import condition_category
from oneteam.access.models import DataCategory

from .efi import DEFICITS

FOLDER = Path(__file__).resolve().parent / "codelists"
CURRENT_VERSION = "efi-v1"
# Flags on the person record a code list may treat as a deficit.
RECORD_FLAGS = frozenset({"lives_alone"})


@dataclass(frozen=True)
class Deficit:
    """One of the 36 eFI deficits and how it is recognised."""

    key: str
    name: str
    codes: frozenset[str]
    repeat_medicines_at_least: int | None = None
    record_flag: str | None = None

    @property
    def categories(self) -> frozenset[DataCategory]:
        """The data categories of the deficit's codes, from the condition code list (physical health if it has no
        codes). Naming the deficit says the person has one of its codes, so a viewer must be allowed them all.
        """
        return frozenset(condition_category(code) for code in self.codes) or frozenset({DataCategory.PHYSICAL_HEALTH})

    @property
    def physical_health(self) -> bool:
        """Whether naming the deficit shows physical health only (what lists, exports and referral texts name)."""
        return self.categories == {DataCategory.PHYSICAL_HEALTH}


@dataclass(frozen=True)
class CodeList:
    version: str
    deficits: tuple[Deficit, ...]

    def name_of(self, key: str) -> str:
        """The deficit's name in words, as lists and exports show it."""
        return self.by_key[key].name

    @property
    def by_key(self) -> dict[str, Deficit]:
        return {deficit.key: deficit for deficit in self.deficits}

    def code_rows(self) -> list[tuple[str, str]]:
        """(deficit key, SNOMED CT code) for every code in the list."""
        return [(deficit.key, code) for deficit in self.deficits for code in sorted(deficit.codes)]


class CodeListError(ValueError):
    """The code-list file is not a valid eFI definition; the message says what is wrong."""


@cache
def load(version: str = CURRENT_VERSION) -> CodeList:
    """Read and check the code list of this version."""
    path = FOLDER / f"{version}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("version") != version:
        raise CodeListError(f"{path.name} says it is version {document.get('version')!r}, not {version!r}")
    deficits = tuple(
        Deficit(
            key=entry["key"],
            name=entry["name"],
            codes=frozenset(code["code"] for code in entry["codes"]),
            repeat_medicines_at_least=entry.get("repeat_medicines_at_least"),
            record_flag=entry.get("record_flag"),
        )
        for entry in document["deficits"]
    )
    _check(path.name, deficits)
    return CodeList(version=version, deficits=deficits)


def _check(name: str, deficits: tuple[Deficit, ...]) -> None:
    if len(deficits) != DEFICITS or len({d.key for d in deficits}) != DEFICITS:
        raise CodeListError(f"{name} must define {DEFICITS} different deficits, not {len(deficits)}")
    seen: dict[str, str] = {}
    for deficit in deficits:
        # Keys are written into SQL as literals, so they are held to lower-case words.
        if not re.fullmatch(r"[a-z_]+", deficit.key):
            raise CodeListError(f"{name}: deficit key {deficit.key!r} must be lower-case letters and underscores")
        if not (deficit.codes or deficit.repeat_medicines_at_least):
            raise CodeListError(f"{name}: deficit {deficit.key} has no codes and no other rule")
        if deficit.record_flag is not None and deficit.record_flag not in RECORD_FLAGS:
            raise CodeListError(f"{name}: deficit {deficit.key} uses an unknown record flag {deficit.record_flag}")
        for code in deficit.codes:
            if code in seen:
                raise CodeListError(f"{name}: code {code} is in both {seen[code]} and {deficit.key}")
            seen[code] = deficit.key
