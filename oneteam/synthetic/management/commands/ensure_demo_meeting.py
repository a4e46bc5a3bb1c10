"""`python manage.py ensure_demo_meeting`: next week's demo MDT meeting, for `make run`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneteam.jinja2 import nhs_datetime
from oneteam.synthetic.demo_meeting import ensure_demo_meeting


class Command(BaseCommand):
    help = "Set up next week's demo MDT meeting in North 1 (not in production), unless one is still to come."

    def handle(self, *args: Any, **options: Any) -> None:
        meeting = ensure_demo_meeting()
        items = meeting.items.count()
        self.stdout.write(
            f"Demo MDT meeting: {nhs_datetime(meeting.starts_at)}, chaired by {meeting.chair.username}, "
            f"{items} {'person' if items == 1 else 'people'} on the agenda"
        )
