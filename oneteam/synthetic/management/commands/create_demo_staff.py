"""`python manage.py create_demo_staff`: the demo sign-ins printed by `make run`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneteam.synthetic.demo import DEMO_PASSWORD, DEMO_TEAM, ensure_demo_staff


class Command(BaseCommand):
    help = "Create one demo staff account per profession (not in production) and print the sign-in details."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = ensure_demo_staff()
        width = max(len(account.username) for account in accounts)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("OneTeam is starting at http://127.0.0.1:8000"))
        self.stdout.write(f"Demo sign-ins ({DEMO_TEAM}), all with the password: {DEMO_PASSWORD}")
        for account in accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {account.profession}")
        self.stdout.write("")
