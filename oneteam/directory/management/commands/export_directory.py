"""`manage.py export_directory FILE`: write the whole directory as an Open Referral UK (HSDS 3) JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oneteam.directory.importer import export_document


class Command(BaseCommand):
    help = "Write the directory in the format import_directory reads (use - for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write, or - for standard output")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        document = export_document()
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if file == "-":
            self.stdout.write(text)
            return
        Path(file).write_text(text + "\n", encoding="utf-8")
        counts = ", ".join(f"{len(records):,} {table}" for table, records in document.items())
        self.stdout.write(f"Wrote {file}: {counts}.")
