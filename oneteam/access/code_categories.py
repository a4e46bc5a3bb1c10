"""The data category of a coded datum (a condition), from its code.

Which category a condition belongs to decides who may see it, so it comes from
the code, never from where the datum is stored: a mental-health diagnosis is
mental health wherever it is shown. The list is data
(`code_lists/condition_categories.json`), with its source and version, so that
information governance can read and change it without reading code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from .models import DataCategory

CODE_LIST = Path(__file__).parent / "code_lists" / "condition_categories.json"


@dataclass(frozen=True)
class CodeList:
    """A code list: where it comes from, its version, and the category of each listed code."""

    name: str
    version: str
    source: str
    default: DataCategory
    categories: dict[str, DataCategory]


@functools.cache
def condition_code_list() -> CodeList:
    """The condition code list, read once per process."""
    data = json.loads(CODE_LIST.read_text(encoding="utf-8"))
    categories = {
        entry["code"]: DataCategory(category) for category, entries in data["categories"].items() for entry in entries
    }
    return CodeList(data["name"], data["version"], data["source"], DataCategory(data["default"]), categories)


def condition_category(snomed_code: str) -> DataCategory:
    """The data category of a condition with this SNOMED CT code (physical health unless the list says otherwise)."""
    code_list = condition_code_list()
    return code_list.categories.get(snomed_code.strip(), code_list.default)


# The categories a condition can fall in, for pages that ask the policy about each before showing any.
CONDITION_CATEGORIES = (DataCategory.PHYSICAL_HEALTH, DataCategory.MENTAL_HEALTH, DataCategory.SAFEGUARDING)
