"""The person's case notes: read them, and write a new one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oneteam.access.decorators import reads_personal_data
from oneteam.care.queries import person_for_care
from oneteam.jinja2 import error_summary
from oneteam.web import cannot, posted, save_once, signed_in_staff

from . import queries, services
from .forms import NoteForm


@require_http_methods(["GET", "POST"])
@reads_personal_data
def notes(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's notes, newest first, and a form to add one; only for staff the policy lets read notes."""
    staff = signed_in_staff(request)
    person = person_for_care(person_id)
    decision, found = queries.person_notes(staff=staff, person=person)
    if not decision.allowed:
        return cannot(request)
    form = NoteForm(posted(request))
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.add_note(
                actor=staff, person=person, about_day=form.cleaned_data["when"], text=form.cleaned_data["text"]
            )
            messages.success(request, "Note added.")
            return reverse("notes:notes", args=[person.pk])

        try:
            return save_once(request, save)
        except services.NoteRefused as refused:
            if refused.field is None:  # the policy said no (its reason names the person: not for the page)
                return cannot(request)
            form.add_error(refused.field, refused.message)
    errors = error_summary(form)
    context = {"person": person, "notes": found, "form": form, "errors": errors, "active_nav": "people"}
    return render(request, "notes/notes.jinja", context, status=400 if errors else 200)
