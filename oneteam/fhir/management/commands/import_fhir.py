"""`manage.py import_fhir PATH... [--report json]`: import FHIR Bundles and resources (.json, .xml) and NDJSON."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.fhir.services.importing import FILE_SUFFIXES, NDJSON_SUFFIXES, ORDER, Importer
from oneteam.operations.progress import progress


def _files(paths: list[str]) -> list[Path]:
    """The files to import, folders opened, NDJSON in dependency order (Organization.ndjson before Patient.ndjson …)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in FILE_SUFFIXES)
            if not inside:
                raise CommandError(f"{name} holds no FHIR files ({', '.join(FILE_SUFFIXES)}).")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{name} is not a file or folder.")

    def rank(path: Path) -> int:
        stem = path.name.split(".")[0]
        return ORDER.index(stem) if stem in ORDER else len(ORDER)

    return sorted(found, key=rank)


def _line_count(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for _line in lines)


class Command(BaseCommand):
    help = (
        "Import FHIR R4 Bundles (transaction, batch, collection) and NDJSON files. Each Bundle or NDJSON file is "
        "taken whole or not at all; importing the same file again creates nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", help="Bundles or resources (.json, .xml), NDJSON (.ndjson), or folders of them"
        )
        parser.add_argument("--report", choices=["json"], help="Print the report as JSON")

    def handle(self, *args: Any, paths: list[str], report: str | None, **options: Any) -> None:
        importer = Importer(username="import_fhir (command line)")
        # NDJSON files next to one another in the order go together, so one is read while the one before is stored.
        for ndjson, group in groupby(_files(paths), key=lambda path: path.suffix in NDJSON_SUFFIXES):
            files = list(group)
            if not ndjson:
                for path in files:
                    importer.import_path(path)
                continue
            total = sum(_line_count(path) for path in files)
            # A bar on a terminal; whole progress lines in logs and cron mail.
            with progress(total=total, unit="resource", desc=", ".join(path.name for path in files)) as bar:
                importer.import_ndjson_files(files, on_progress=bar.update)
        result = importer.report
        if report == "json":
            self.stdout.write(json.dumps(result.as_json(), indent=2))
        else:
            for resource_type, count in sorted(result.imported.items()):
                self.stdout.write(f"{resource_type}: {count} imported ({result.created[resource_type]} new)")
            for resource_type, count in sorted(result.skipped.items()):
                self.stdout.write(f"{resource_type}: {count} skipped (OneTeam does not keep them)")
            for error in result.errors:
                where = f"entry {error.entry}" if error.entry is not None else "the whole file"
                self.stdout.write(f"{error.file}, {where} ({error.resource_type or 'no type'}): {error.message}")
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} error(s): nothing was imported from the Bundles or files they name."
            )
