"""Information governance audit pages: the audit log by person and by member of staff, and subject access reports.

Only information governance officers may open them. Reading the log about a
person shows who they are, so it is itself an audited access for the purpose
"audit"; a refusal is audited too, so attempts to read the log are visible.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Staff
from oneteam.people.forms import NhsNumberSearchForm
from oneteam.people.models import Person
from oneteam.web import signed_in_staff

from .. import audit_log
from ..decorators import information_governance_only, reads_personal_data, shows_its_own_refusal
from ..models import AuditAction, DataCategory, Purpose
from ..services import record_event

View = Callable[..., HttpResponse]

AUDIT_REASON = "Information governance audit"
REPORT_COLUMNS = [
    "Date and time",
    "Staff member",
    "Role",
    "Organisation",
    "What was accessed",
    "Purpose",
    "Allowed or refused",
]
# A spreadsheet treats a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class StaffSearchForm(forms.Form):
    """Find a member of staff whose audit log to read."""

    q = forms.CharField(
        label="Username or name",
        max_length=150,
        help_text="For example, dn.smith or Sam Tester",
        error_messages={"required": "Enter a username or name"},
    )


@require_http_methods(["GET", "POST"])
@information_governance_only
def find(request: HttpRequest) -> HttpResponse:
    """Choose whose audit log to read: a person by NHS number, or a member of staff by username or name.

    The NHS number is posted, not put in the address, so it stays out of
    browser history and server logs.
    """
    person_form = NhsNumberSearchForm(request.POST if request.method == "POST" else None)
    staff_form = StaffSearchForm(request.GET if "q" in request.GET else None)
    if person_form.is_valid():
        person = Person.objects.filter(nhs_number=person_form.cleaned_data["nhs_number"]).first()
        if person is not None:
            return redirect("access:audit_person", person_id=person.pk)
        person_form.add_error("nhs_number", "No one with this NHS number was found")
    staff_found = audit_log.find_staff(staff_form.cleaned_data["q"]) if staff_form.is_valid() else None
    errors = error_summary(person_form) + error_summary(staff_form)
    return render(
        request,
        "access/audit/find.jinja",
        {
            "person_form": person_form,
            "staff_form": staff_form,
            "staff_found": staff_found,
            "staff_limit": audit_log.STAFF_RESULTS_LIMIT,
            "errors": errors,
            "active_nav": "audit",
        },
        status=400 if errors else 200,
    )


@require_GET
@reads_personal_data
@shows_its_own_refusal  # only IG officers, who see who a trail is about for audit
@information_governance_only
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Every event about one person, newest first, 50 to a page."""
    person = get_object_or_404(Person, pk=person_id)
    # Recorded first, so the page shows this reading too.
    record_event(
        staff=signed_in_staff(request),
        action=AuditAction.VIEW,
        person_id=person.pk,
        category=DataCategory.DEMOGRAPHICS,
        purpose=Purpose.AUDIT,
        allowed=True,
        reason=AUDIT_REASON,
    )
    events = audit_log.events_about_person(person.pk)
    page = Paginator(events, audit_log.EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/audit/person.jinja",
        {"person": person, "page": page, "rows": audit_log.audit_rows(page), "active_nav": "audit"},
    )


@require_GET
@information_governance_only
def staff_log(request: HttpRequest, username: str) -> HttpResponse:
    """Everything one member of staff did or tried to do, newest first, 50 to a page."""
    subject = get_object_or_404(Staff.all_accounts.select_related("organisation"), username=username)
    record_event(
        staff=signed_in_staff(request),
        action=AuditAction.VIEW,
        purpose=Purpose.AUDIT,
        allowed=True,
        reason=f"{AUDIT_REASON} of a member of staff's activity",
        detail={"staff_id": subject.pk},
    )
    events = audit_log.events_by_staff(subject)
    page = Paginator(events, audit_log.EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = audit_log.audit_rows(page)
    people = Person.objects.in_bulk({row.person_id for row in rows if row.person_id is not None})
    return render(
        request,
        "access/audit/staff.jinja",
        {"subject": subject, "page": page, "rows": rows, "people": people, "active_nav": "audit"},
    )


def _record_report(request: HttpRequest, person: Person, report_format: str) -> list[audit_log.AuditRow]:
    """Audit the export of a subject access report, then return its rows (the export among them)."""
    record_event(
        staff=signed_in_staff(request),
        action=AuditAction.EXPORT,
        person_id=person.pk,
        category=DataCategory.DEMOGRAPHICS,
        purpose=Purpose.AUDIT,
        allowed=True,
        reason=f"Subject access report ({report_format})",
        detail={"format": report_format},
    )
    return audit_log.audit_rows(audit_log.events_about_person(person.pk))


@require_GET
@reads_personal_data
@shows_its_own_refusal  # only IG officers, who see who a trail is about for audit
@information_governance_only
def subject_access_report(request: HttpRequest, person_id: int) -> HttpResponse:
    """The "who has accessed my record" report: every access to the person's record, as a page to print."""
    person = get_object_or_404(Person, pk=person_id)
    rows = _record_report(request, person, "printed page")
    return render(
        request,
        "access/audit/subject_access_report.jinja",
        {
            "person": person,
            "rows": rows,
            "columns": REPORT_COLUMNS,
            "produced_at": timezone.localtime(),
            "active_nav": "audit",
        },
    )


@require_GET
@reads_personal_data
@shows_its_own_refusal  # only IG officers, who see who a trail is about for audit
@information_governance_only
def subject_access_csv(request: HttpRequest, person_id: int) -> HttpResponse:
    """The subject access report as a spreadsheet (CSV). The file is named by date, not by person."""
    person = get_object_or_404(Person, pk=person_id)
    rows = _record_report(request, person, "CSV")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="record-accesses-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        cells = [row.staff_name, row.role, row.organisation, row.accessed, row.purpose, row.outcome]
        writer.writerow([f"{row.when:%Y-%m-%d %H:%M}", *(_safe_cell(cell) for cell in cells)])
    return response


def _safe_cell(text: str) -> str:
    """Stop a spreadsheet running a cell as a formula (names come from other systems)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
