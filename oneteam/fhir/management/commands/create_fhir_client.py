"""`manage.py create_fhir_client NAME ODS_CODE --purpose P --profession P [--team T]... [--may-import]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.access.models import Purpose
from oneteam.fhir.services.clients import create_api_client
from oneteam.organisations.models import Organisation, Profession, Team


class Command(BaseCommand):
    help = (
        "Let a system use the FHIR API for one organisation and purpose, acting in the policy as a member of "
        "staff of that profession in those teams. Prints its token once; only the token's hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="What staff will see, for example 'Riverside GP system'")
        parser.add_argument("ods_code", help="ODS code of the system's organisation, which must already exist")
        parser.add_argument("--purpose", required=True, choices=Purpose.values, help="Why the system reads records")
        parser.add_argument(
            "--profession", required=True, choices=Profession.values, help="Whose sharing rules the system follows"
        )
        parser.add_argument(
            "--team", action="append", default=[], help="A team the system works in (repeat for several)"
        )
        parser.add_argument("--may-import", action="store_true", help="Allow POST /fhir/ imports")

    def handle(self, *args: Any, name: str, ods_code: str, **options: Any) -> None:
        organisation = Organisation.objects.filter(ods_code=ods_code.strip().upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code}.")
        teams = list(Team.objects.filter(name__in=options["team"]))
        missing = set(options["team"]) - {team.name for team in teams}
        if missing:
            raise CommandError(f"No team is called {', '.join(sorted(missing))}.")
        client, token = create_api_client(
            actor=None,
            name=name,
            organisation=organisation,
            purpose=Purpose(options["purpose"]),
            profession=Profession(options["profession"]),
            teams=teams,
            may_import=options["may_import"],
        )
        self.stdout.write(f"Created FHIR API client {client.pk}: {name} ({organisation.name}).")
        self.stdout.write("Its API token is below. It is shown only this once: give it to the system's owner now.")
        self.stdout.write(token)
