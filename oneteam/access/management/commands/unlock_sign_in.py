"""`manage.py unlock_sign_in USERNAME`: let someone who has been slowed down by failed sign-ins try again now."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oneteam.access.services.signing_in import unlock_sign_in


class Command(BaseCommand):
    help = "Clear the failed sign-in count of a username (and of a client address with --address). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--address", default="", help="also clear this client IP address's count")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["address"]
        if address:
            try:
                address = str(ipaddress.ip_address(address))
            except ValueError as error:
                raise CommandError(f"--address {address!r} is not an IP address") from error
        cleared = unlock_sign_in(staff=None, username=options["username"], address=address)
        self.stdout.write(f"Cleared {cleared} failed sign-in count(s) for {options['username'].strip().lower()}.")
