"""What someone who sends a saved form again is told, and where they are sent."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# The first submission is kept; nothing new is saved (a double click, a retry).
ALREADY_SAVED = "This was already saved. You sent the same form more than once, so only the first was kept."


def sent_again(request: HttpRequest, next_url: str) -> HttpResponse:
    """Tell the person the form was already saved and take them where its first submission went."""
    messages.info(request, ALREADY_SAVED)
    return redirect(next_url)
