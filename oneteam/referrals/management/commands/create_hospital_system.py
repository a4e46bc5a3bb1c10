"""`manage.py create_hospital_system NAME ODS_CODE`: let a hospital system send admissions and discharges."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.organisations.models import Organisation
from oneteam.referrals.services import register_hospital_system


class Command(BaseCommand):
    help = "Register a hospital system and print its new API token, once. Only the token's hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="What staff will see, for example 'City Hospital patient administration'")
        parser.add_argument("ods_code", help="ODS code of the hospital's organisation, which must already exist")

    def handle(self, *args: Any, name: str, ods_code: str, **options: Any) -> None:
        organisation = Organisation.objects.filter(ods_code=ods_code.strip().upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code}.")
        system, token = register_hospital_system(actor=None, name=name, organisation=organisation)
        self.stdout.write(f"Created hospital system {system.pk}: {name} ({organisation.name}).")
        self.stdout.write("Its API token is below. It is shown only this once: give it to the hospital now.")
        self.stdout.write(token)
