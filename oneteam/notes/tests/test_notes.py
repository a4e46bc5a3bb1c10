"""Case notes: written through a service that asks the policy and audits; read as any category is."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, DataCategory
from oneteam.access.services.care_team import join_care_team
from oneteam.notes import services
from oneteam.notes.models import Note
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def signed_in(staff: object) -> Client:
    client = Client()
    client.force_login(staff)  # type: ignore[arg-type]
    return client


def in_care_team(home: Neighbourhood, person: Person, profession: str = Profession.DISTRICT_NURSE) -> Staff:
    staff = make_staff(home, profession=profession)
    join_care_team(actor=None, person=person, staff=staff, role=CareRole.ALLOCATED_PROFESSIONAL)
    return staff


def test_a_nurse_in_the_care_team_writes_a_dated_note_that_is_audited() -> None:
    home = make_neighbourhood()
    person = make_person(home)
    nurse = in_care_team(home, person)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = signed_in(nurse).post(
        reverse("notes:notes", args=[person.pk]),
        {
            "when_day": str(yesterday.day),
            "when_month": str(yesterday.month),
            "when_year": str(yesterday.year),
            "text": "Rang her daughter: she will be there on Friday",
        },
    )
    assert response.status_code == 302
    note = Note.objects.get(person=person)
    assert (note.about_day, note.written_by, note.profession) == (yesterday, nurse, Profession.DISTRICT_NURSE)
    assert AuditEvent.objects.filter(
        staff=nurse, person_id=person.pk, action=AuditAction.CREATE, category=DataCategory.NOTES
    ).exists()
    page = signed_in(nurse).get(reverse("notes:notes", args=[person.pk])).content.decode()
    assert "Rang her daughter: she will be there on Friday" in page
    assert AuditEvent.objects.filter(
        staff=nurse, person_id=person.pk, action=AuditAction.VIEW, category=DataCategory.NOTES
    ).exists()


def test_notes_need_the_care_team_and_a_refusal_writes_nothing() -> None:
    """By default notes are shared with the person's care team only: a colleague outside it can neither read nor add."""
    home = make_neighbourhood()
    person = make_person(home)
    colleague = make_staff(home, profession=Profession.DISTRICT_NURSE)
    assert signed_in(colleague).get(reverse("notes:notes", args=[person.pk])).status_code == 403
    with pytest.raises(services.NoteRefused) as refused:
        services.add_note(actor=colleague, person=person, about_day=timezone.localdate(), text="Hello")
    assert refused.value.message.startswith("Not allowed") and refused.value.field is None
    assert not Note.objects.exists()
    assert AuditEvent.objects.filter(
        staff=colleague, person_id=person.pk, action=AuditAction.DENIED, category=DataCategory.NOTES
    ).exists()


def test_an_empty_note_or_a_future_date_is_refused_next_to_the_field() -> None:
    home = make_neighbourhood()
    person = make_person(home)
    nurse = in_care_team(home, person)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(nurse).post(
        reverse("notes:notes", args=[person.pk]),
        {"when_day": str(tomorrow.day), "when_month": str(tomorrow.month), "when_year": str(tomorrow.year), "text": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_text-error"' in page and "Enter the note" in page
    assert 'id="id_when-error"' in page
    assert "must be" in page and "or earlier" in page
    assert not Note.objects.exists()
