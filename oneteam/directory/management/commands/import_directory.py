"""`manage.py import_directory FILE [--report json]`: import an Open Referral UK directory, all or nothing.

FILE is the API's JSON (one service or organisation, a page, or an array), a folder or .zip of the profile's
CSV files (with or without datapackage.json), or OneTeam's own export; the form is worked out from the file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.directory.services.importer import ImportRejected, ImportResult, import_file


class Command(BaseCommand):
    help = (
        "Check every record of an Open Referral UK (HSDS 3) file or tabular data package and import it in one go. "
        "A file with any problem changes nothing; importing the same file again creates nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--report", choices=["text", "json"], default="text", help="how to print the outcome")

    def handle(self, *args: Any, file: Path, report: str, **options: Any) -> None:
        try:
            result = import_file(file)
        except ImportRejected as rejected:
            if report == "json":
                self.stdout.write(
                    json.dumps(
                        {"file": file.name, "imported": False, "problems": [asdict(p) for p in rejected.problems]},
                        indent=2,
                    )
                )
            else:
                for problem in rejected.problems:
                    self.stderr.write(str(problem))
            raise CommandError(
                f"{file.name} was not imported: {len(rejected.problems)} problem(s). Nothing changed."
            ) from None
        if report == "json":
            self.stdout.write(json.dumps({"file": file.name, "imported": True, **_counts(result)}, indent=2))
            return
        for table in sorted(set(result.created) | set(result.updated) | set(result.unchanged)):
            self.stdout.write(
                f"{table:<22} created {result.created[table]:>6,}  updated {result.updated[table]:>6,}  "
                f"unchanged {result.unchanged[table]:>6,}"
            )
        self.stdout.write(
            f"Imported {file.name}: {sum(result.created.values()):,} created, {sum(result.updated.values()):,} updated."
        )


def _counts(result: ImportResult) -> dict[str, dict[str, int]]:
    return {"created": dict(result.created), "updated": dict(result.updated), "unchanged": dict(result.unchanged)}
