"""Load the shipped assessment templates, service types and role guide wording (the migration does this too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneteam.care.seed import ensure_reference_data


class Command(BaseCommand):
    help = "Load the shipped assessment templates, service types and role guide. Loading twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_reference_data()
        self.stdout.write("Care reference data is loaded.")
