"""`manage.py export_directory FILE [--format json|csv]`: write the whole directory as Open Referral UK data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oneteam.directory.services.importer import export_document, export_package


class Command(BaseCommand):
    help = (
        "Write the directory: --format json (default) as OneTeam's export, an array per table (use - for "
        "standard output); --format csv as the profile's tabular data package, one CSV per table and "
        "datapackage.json, into the folder FILE. import_directory reads both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write: a file, - for standard output, or a folder for csv")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, file: str, format: str, **options: Any) -> None:
        if format == "csv":
            counts = export_package(Path(file))
        else:
            document = export_document()
            text = json.dumps(document, indent=2, ensure_ascii=False)
            if file == "-":
                self.stdout.write(text)
                return
            Path(file).write_text(text + "\n", encoding="utf-8")
            counts = {table: len(records) for table, records in document.items()}
        self.stdout.write(f"Wrote {file}: {', '.join(f'{n:,} {table}' for table, n in counts.items())}.")
