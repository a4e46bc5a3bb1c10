"""`manage.py create_hospital_system NAME ODS_CODE`: let a hospital system send admissions and discharges."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction
from oneteam.access.services import record_event
from oneteam.organisations.models import Organisation
from oneteam.referrals.hospital import token_hash
from oneteam.referrals.models import HospitalSystem


class Command(BaseCommand):
    help = "Register a hospital system and print its new API token, once. Only the token's hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="What staff will see, for example 'City Hospital patient administration'")
        parser.add_argument("ods_code", help="ODS code of the hospital's organisation, which must already exist")

    def handle(self, *args: Any, name: str, ods_code: str, **options: Any) -> None:
        organisation = Organisation.objects.filter(ods_code=ods_code.strip().upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code}.")
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            system = HospitalSystem.objects.create(
                name=name, organisation=organisation, token_hash=token_hash(token), created_at=timezone.now()
            )
            record_event(staff=None, action=AuditAction.CREATE, detail={"hospital_system": system.pk})
        self.stdout.write(f"Created hospital system {system.pk}: {name} ({organisation.name}).")
        self.stdout.write("Its API token is below. It is shown only this once: give it to the hospital now.")
        self.stdout.write(token)
