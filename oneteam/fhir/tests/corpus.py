"""Reading the hand-written test corpus (`corpus/`, see its README) and the people it is about."""

from __future__ import annotations

from pathlib import Path

from oneteam.fhir.services.importing import Importer

__all__ = ["CORPUS", "PERSON", "Importer", "load"]

CORPUS = Path(__file__).parent / "corpus"
# The NHS numbers the corpus refers to (NHS test range, correct check digits).
PERSON = "9000000009"


def load(name: str) -> Importer:
    """Import the corpus file `name` with a fresh importer and return it (its report says what happened)."""
    importer = Importer()
    importer.import_path(CORPUS / name)
    return importer
