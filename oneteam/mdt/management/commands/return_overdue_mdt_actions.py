"""`manage.py return_overdue_mdt_actions`: put people with overdue MDT actions on their neighbourhood's next meeting.

Run it daily (with the other scheduled commands). A meeting set up later takes
overdue actions when it is created; this catches actions that fall overdue after
the next meeting was already planned.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from oneteam.mdt.models import Meeting
from oneteam.mdt.services import return_overdue_actions
from oneteam.operations.progress import progress


class Command(BaseCommand):
    help = "Put each person with overdue MDT actions on the agenda of their neighbourhood's next meeting."

    def handle(self, *args: Any, **options: Any) -> None:
        upcoming = Meeting.objects.filter(starts_at__gt=timezone.now()).order_by("neighbourhood_id", "starts_at", "pk")
        next_meetings: dict[int, Meeting] = {}
        for meeting in upcoming.select_related("chair"):
            next_meetings.setdefault(meeting.neighbourhood_id, meeting)
        returned = 0
        for meeting in progress(next_meetings.values(), desc="neighbourhoods", unit="meeting"):
            returned += len(return_overdue_actions(meeting=meeting))
        self.stdout.write(
            f"Checked the next meeting of {len(next_meetings)} neighbourhood(s); "
            f"{returned} person(s) with overdue MDT actions put back on an agenda."
        )
