"""A person's access page: who can see the record and why, their wishes, and emergency access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from oneteam.jinja2 import error_summary
from oneteam.people.models import Person
from oneteam.web import cannot, save_once, signed_in_staff

from .. import queries
from ..decorators import reads_personal_data, shows_its_own_refusal
from ..models import ConsentStatus, DataCategory, Objection, Purpose
from ..services import authorise_read, break_glass, consent
from ..sharing_forms import ConsentForm, EmergencyAccessForm, ObjectionForm


@require_http_methods(["GET"])
@reads_personal_data
def who_can_see(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who can see this record and why: your own access, the care team, the agreement, the person's wishes."""
    overview = queries.sharing_overview(staff=signed_in_staff(request), person_id=person_id)
    return render(request, "access/who_can_see.jinja", {"overview": overview, "active_nav": "people"})


def _person_whose_record_you_may_see(request: HttpRequest, person_id: int) -> Person | None:
    """The person, if the policy lets this member of staff see their record (the check is audited) and they
    are in the care team that records the person's wishes.
    """
    staff = signed_in_staff(request)
    person = queries.person_for_access_pages(person_id)
    decisions = authorise_read(
        staff=staff, person=person, categories=[DataCategory.DEMOGRAPHICS], purpose=Purpose.DIRECT_CARE
    )
    if not decisions[DataCategory.DEMOGRAPHICS].allowed or not consent.may_record_wishes(staff, person):
        return None
    return person


@require_http_methods(["GET", "POST"])
@reads_personal_data
def record_consent(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record the person's decision about sharing their record with the neighbourhood team."""
    person = _person_whose_record_you_may_see(request, person_id)
    if person is None:
        return cannot(request)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = person

        def save() -> str:
            consent.record_consent(
                actor=signed_in_staff(request),
                person=subject,
                status=ConsentStatus(data["status"]),
                categories=[DataCategory(c) for c in data["categories"]],
                note=data["note"],
                statement=consent.Statement(data["stated_by"], data["stated_on"], data["stated_how"]),
            )
            messages.success(request, "Consent decision recorded. It applies straight away.")
            return reverse("access:who_can_see", args=[person_id])

        try:
            return save_once(request, save)
        except consent.ConsentRefused as refused:
            form.add_error(refused.field, refused.message)
    return render(
        request,
        "access/consent_form.jinja",
        {"person": person, "form": form, "errors": error_summary(form)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@reads_personal_data
def record_objection(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record that the person does not want one part of their record shared."""
    person = _person_whose_record_you_may_see(request, person_id)
    if person is None:
        return cannot(request)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = person

        def save() -> str:
            consent.record_objection(
                actor=signed_in_staff(request),
                person=subject,
                category=DataCategory(form.cleaned_data["category"]),
                sector=form.cleaned_data["sector"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Objection recorded. It applies straight away.")
            return reverse("access:who_can_see", args=[person_id])

        return save_once(request, save)
    return render(
        request,
        "access/objection_form.jinja",
        {"person": person, "form": form, "errors": error_summary(form)},
        status=400 if form.errors else 200,
    )


@require_POST
@reads_personal_data
def withdraw_objection(request: HttpRequest, person_id: int, objection_id: int) -> HttpResponse:
    """The person no longer objects."""
    if _person_whose_record_you_may_see(request, person_id) is None:
        return cannot(request)
    objection = get_object_or_404(Objection.objects.select_related("person"), pk=objection_id, person_id=person_id)
    consent.withdraw_objection(actor=signed_in_staff(request), objection=objection)
    messages.success(request, "Objection withdrawn.")
    return redirect("access:who_can_see", person_id=person_id)


@require_http_methods(["GET", "POST"])
@reads_personal_data
@shows_its_own_refusal
def emergency_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """Break-glass: open the whole record for a limited time, giving a reason that is reviewed."""
    staff = signed_in_staff(request)
    person = queries.person_for_access_pages(person_id)
    # Asked (and audited) first: the page names the person only to someone who may see who they are.
    demographics = authorise_read(
        staff=staff, person=person, categories=[DataCategory.DEMOGRAPHICS], purpose=Purpose.DIRECT_CARE
    )[DataCategory.DEMOGRAPHICS]
    if not break_glass.may_use_emergency_access(staff):
        return cannot(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            break_glass.open_emergency_access(staff=staff, person=person, reason=form.cleaned_data["reason"])
            return reverse("people:summary", args=[person_id])

        try:
            return save_once(request, save)
        except break_glass.EmergencyAccessRefused as refused:
            form.add_error("reason", str(refused))
    return render(
        request,
        "access/emergency_access.jinja",
        {
            "person": person,
            "named": demographics.allowed,
            "form": form,
            "errors": error_summary(form),
            "hours": settings.BREAK_GLASS_HOURS,
        },
        status=400 if form.errors else 200,
    )
