"""Staff pages of the directory: search (near a person or a postcode), report an out-of-date detail, the
maintainers' queue, signposting from a person's record, recording the outcome, and a link worker's caseload.

Views parse the request, call a query or a service, and render. A refusal from a
service is shown next to the field it is about.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.jinja2 import error_summary
from oneteam.web import cannot, posted, save_once, signed_in_staff

from . import places, queries, services
from .forms import EditForm, OutcomeForm, ReportForm, ResolveForm, SearchForm, SignpostForm
from .models import DetailReport, Service, SignpostOutcome
from .search import Point


def _search(
    request: HttpRequest, form: SearchForm, *, home: Point | None = None, home_postcode: str = ""
) -> tuple[queries.Results | None, dict[str, Any]]:
    """Run the form's search: near the person's home if the postcode is theirs, else near the postcode typed."""
    if not form.is_valid():
        return None, {"errors": error_summary(form)}
    postcode = form.cleaned_data["postcode"]
    near = home if postcode and postcode == home_postcode else places.locate(postcode) if postcode else None
    if postcode and near is None:
        form.add_error("postcode", "We cannot find this postcode. Check it, or search without one")
        return None, {"errors": error_summary(form)}
    page = request.GET.get("page", "1").strip() or "1"
    if not (page.isascii() and page.isdigit()) or int(page) < 1:
        # Not a form field, so the problem goes in the summary only.
        return None, {"errors": [{"text": "The page number must be a whole number, like 2", "href": "#maincontent"}]}
    return queries.find(form.filters(near), int(page)), {}


def _service_or_404(service_id: str) -> Service:
    """The directory entry, or 404; no id holds a NUL character, and PostgreSQL refuses to compare with one."""
    if "\x00" in service_id:
        raise Http404("No such service")
    return get_object_or_404(Service.objects.select_related("organization"), pk=service_id)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Search the directory by need, age, day, cost and distance from a postcode."""
    form = SearchForm(request.GET)
    results, extra = _search(request, form)
    context = {"form": form, "results": results, "active_nav": "directory", **extra}
    context["may_maintain"] = services.is_maintainer(signed_in_staff(request))
    return render(request, "directory/search.jinja", context, status=400 if extra else 200)


@require_GET
@reads_personal_data
def search_for_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Search for services for one person: near their home and suitable for their age, ready to signpost."""
    found = queries.for_person(staff=signed_in_staff(request), person_id=person_id)
    if found is None:
        return cannot(request)
    params = request.GET.copy()
    if not params:
        params.update({"age": str(found.age)})
        if found.home is not None:  # someone living outside the area is searched for without a distance
            params.update({"postcode": found.person.postcode, "distance": "5"})
    form = SearchForm(params)
    results, extra = _search(request, form, home=found.home, home_postcode=found.person.postcode)
    context = {"form": form, "results": results, "for_person": found, "active_nav": "directory", **extra}
    return render(request, "directory/search.jinja", context, status=400 if extra else 200)


@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    """Anyone may report that a directory entry is out of date."""
    service = _service_or_404(service_id)
    form = ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.report_out_of_date(
                actor=signed_in_staff(request), service=service, what_is_wrong=form.cleaned_data["what_is_wrong"]
            )
            messages.success(request, f"Thank you. A directory maintainer will check {service.name}.")
            return reverse("directory:search")

        return save_once(request, save)
    errors = error_summary(form)
    context = {"form": form, "service": service, "errors": errors, "active_nav": "directory"}
    return render(request, "directory/report.jinja", context, status=400 if errors else 200)


@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    """Directory maintainers: reported out-of-date details, oldest first."""
    if not services.is_maintainer(signed_in_staff(request)):
        return cannot(request)
    context = {"reports": queries.report_queue(), "form": ResolveForm(), "active_nav": "directory"}
    return render(request, "directory/reports.jinja", context)


@require_POST
def resolve_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """Close a report, saying what was done."""
    form = ResolveForm(request.POST)
    if not form.is_valid():
        context = {"reports": queries.report_queue(), "form": form, "failed": report_id, "active_nav": "directory"}
        return render(request, "directory/reports.jinja", {**context, "errors": error_summary(form)}, status=400)
    try:
        services.resolve_report(actor=signed_in_staff(request), report_id=report_id, note=form.cleaned_data["note"])
    except DetailReport.DoesNotExist:
        raise Http404("No such report") from None
    except services.Refused:
        return cannot(request)
    messages.success(request, "Report closed.")
    return redirect("directory:report_queue")


@require_http_methods(["GET", "POST"])
def edit_entry(request: HttpRequest, service_id: str) -> HttpResponse:
    """Directory maintainers: change an entry's details, and confirm them when checked; with its history."""
    staff = signed_in_staff(request)
    if not services.is_maintainer(staff):
        return cannot(request)
    service = _service_or_404(service_id)
    first_phone = service.phones.order_by("pk").first()
    initial = {name: service.record.get(name, "") for name in services.EDITABLE}
    initial["phone"] = first_phone.number if first_phone else ""
    form = EditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            services.edit_entry(
                actor=staff, service_id=service.pk, values={name: str(data[name]) for name in services.EDITABLE},
                phone=data["phone"], confirmed=data["confirmed"],
            )  # fmt: skip
            messages.success(request, f"{service.name} updated.")
            return reverse("directory:edit_entry", args=[service.pk])

        try:
            return save_once(request, save)
        except services.Refused as refused:
            form.add_error("confirmed", str(refused))
    errors = error_summary(form)
    context = {
        "form": form, "service": service, "errors": errors, "history": service.edits.select_related("edited_by"),
        "labels": {name: str(form.fields[name].label) for name in form.fields}, "active_nav": "directory",
    }  # fmt: skip
    return render(request, "directory/edit.jinja", context, status=400 if errors else 200)


# -- Signposting -------------------------------------------------------------------------------------------


@require_GET
@reads_personal_data
def person_signposts(request: HttpRequest, person_id: int) -> HttpResponse:
    """Where the person has been signposted, and what came of it."""
    shown = queries.person_signposts(staff=signed_in_staff(request), person_id=person_id)
    return render(
        request, "directory/person_signposts.jinja", {"shown": shown, "active_nav": "directory"},
        status=200 if shown.decision.allowed else 403,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@reads_personal_data
def signpost(request: HttpRequest, person_id: int, service_id: str) -> HttpResponse:
    """Signpost the person to a service, with a note and a date to follow up."""
    found = queries.for_person(staff=signed_in_staff(request), person_id=person_id)
    if found is None or not found.may_signpost.allowed:
        return cannot(request)
    service = _service_or_404(service_id)
    form = SignpostForm(posted(request))
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.signpost(
                actor=signed_in_staff(request), person=found.person, service=service,
                note=form.cleaned_data["note"], follow_up_on=form.follow_up_on(),
            )  # fmt: skip
            messages.success(request, f"Signposted to {service.name}. The follow-up will appear in your inbox.")
            return reverse("directory:person_signposts", args=[person_id])

        try:
            return save_once(request, save)
        except services.Refused as refused:
            form.add_error("follow_up", str(refused))
    errors = error_summary(form)
    context = {"form": form, "service": service, "person": found.person, "errors": errors, "active_nav": "directory"}
    return render(request, "directory/signpost.jinja", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def record_outcome(request: HttpRequest, signpost_id: int) -> HttpResponse:
    """Record what came of a signposting: attended, did not attend (and why), or not suitable."""
    made, decision = queries.signpost_to_follow_up(staff=signed_in_staff(request), signpost_id=signpost_id)
    if not decision.allowed:
        return cannot(request)
    form = OutcomeForm(posted(request))
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.record_outcome(
                actor=signed_in_staff(request), signpost_id=made.pk,
                outcome=SignpostOutcome(form.cleaned_data["outcome"]), note=form.cleaned_data["note"],
            )  # fmt: skip
            messages.success(request, "Outcome recorded.")
            return reverse("directory:person_signposts", args=[made.person_id])

        try:
            return save_once(request, save)
        except services.Refused as refused:
            form.add_error("outcome", str(refused))
    errors = error_summary(form)
    context = {"form": form, "signpost": made, "errors": errors, "active_nav": "inbox"}
    return render(request, "directory/outcome.jinja", context, status=400 if errors else 200)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The people whose care team you are in, with their signpostings still open."""
    lines = queries.caseload(staff=signed_in_staff(request))
    return render(request, "directory/caseload.jinja", {"lines": lines, "active_nav": "directory"})
