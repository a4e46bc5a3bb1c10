"""`manage.py export_fhir --client ID --out DIR`: NDJSON per resource type for what one API client may see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.fhir.export import export_ndjson, people_in_scope
from oneteam.fhir.models import ApiClient
from oneteam.fhir.registry import EXCHANGE_TYPES, SERVED_TYPES
from oneteam.operations.progress import progress


class Command(BaseCommand):
    help = (
        "Write <Type>.ndjson files (FHIR bulk-data style) of everything an API client's organisation and purpose "
        "permit; every person's record is put to the access policy and the reads are audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", type=int, required=True, help="Id of the FHIR API client whose scope to export")
        parser.add_argument("--out", required=True, help="Folder to write the NDJSON files into")
        parser.add_argument(
            "--type",
            action="append",
            choices=SERVED_TYPES,
            help=(
                "Only these resource types (repeat for several). Without it: the types import_fhir reads back, "
                f"{', '.join(EXCHANGE_TYPES)}"
            ),
        )

    def handle(self, *args: Any, client: int, out: str, **options: Any) -> None:
        api_client = ApiClient.objects.select_related("staff").filter(pk=client).first()
        if api_client is None:
            raise CommandError(f"There is no FHIR API client {client}.")
        total = len(people_in_scope(api_client))
        with progress(total=total, unit="person", desc="Exporting") as bar:
            counts = export_ndjson(
                api_client, Path(out), types=options["type"] or EXCHANGE_TYPES, on_progress=bar.update
            )
        for resource_type, count in sorted(counts.items()):
            self.stdout.write(f"{resource_type}: {count} written to {Path(out) / (resource_type + '.ndjson')}")
