"""`python manage.py ensure_sharing_agreements`: give every neighbourhood the default agreement if it has none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneteam.access.services.agreements import ensure_default_agreements


class Command(BaseCommand):
    help = "Publish the default information sharing agreement for each neighbourhood that has none."

    def handle(self, *args: Any, **options: Any) -> None:
        given = ensure_default_agreements()
        if given:
            names = ", ".join(neighbourhood.name for neighbourhood in given)
            self.stdout.write(f"Default information sharing agreement published for: {names}")
        else:
            self.stdout.write("Every neighbourhood already has an information sharing agreement.")
