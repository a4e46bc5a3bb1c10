"""Template context for the page header: how many things wait in the signed-in member of staff's inbox."""

from __future__ import annotations

from django.http import HttpRequest

from oneteam.organisations.models import Staff

from .queries import inbox_count


def inbox(request: HttpRequest) -> dict[str, object]:
    """`inbox_count` for the header's "Inbox (N)" link: offers to answer, unread notices and overdue referrals."""
    if not isinstance(request.user, Staff):
        return {}
    return {"inbox_count": inbox_count(request.user)}
