"""A case note saved with a double click is one note (ADR 0024)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from oneteam.notes.models import Note
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.tests.factories import make_person
from oneteam.submissions.tests.twice import send_twice

from .test_notes import in_care_team, signed_in

pytestmark = pytest.mark.django_db


def test_a_note_sent_twice_is_one_note() -> None:
    home = make_neighbourhood()
    person = make_person(home)
    today = timezone.localdate()
    data = {"when_day": today.day, "when_month": today.month, "when_year": today.year, "text": "Rang her daughter"}
    send_twice(signed_in(in_care_team(home, person)), reverse("notes:notes", args=[person.pk]), data)
    assert Note.objects.filter(person=person).count() == 1
