"""MDT pages: meetings, their agendas and timetables, suggestions, running an item, requests, the huddle board.

Views parse the request, call a query (which asks the access policy and audits)
or a service (which decides who may change what), and render. A refusal from a
service is shown next to the field it names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import authorise_read, staff_teams
from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Neighbourhood
from oneteam.people.models import Person
from oneteam.referrals.queries import care_staff
from oneteam.risk.models import MdtProposal
from oneteam.web import cannot, posted, save_once, signed_in_staff

from . import queries, services, suggestions
from .forms import ActionForm, AttendanceForm, ItemForm, ManualItemForm, MeetingForm, OutcomeForm
from .models import AgendaRequest, ItemSource, MdtAction

# How often the huddle board fetches itself again; settings.HUDDLE_REFRESH_SECONDS overrides it.
HUDDLE_REFRESH_SECONDS = 30


def _page(request: HttpRequest, template: str, context: dict[str, Any], forms: list[Any]) -> HttpResponse:
    errors = [error for form in forms for error in error_summary(form)]
    context = {"errors": errors, "active_nav": "mdt", **context}
    return render(request, template, context, status=400 if errors else 200)


@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of the staff member's neighbourhoods, and their teams' huddle boards."""
    staff = signed_in_staff(request)
    teams = [team for team in staff_teams(staff) if team.neighbourhood_id is not None]
    context = {"meetings": queries.upcoming_meetings(staff), "teams": teams, "active_nav": "mdt"}
    return render(request, "mdt/meetings.jinja", context)


@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    """Set up a meeting for one of the staff member's neighbourhoods."""
    staff = signed_in_staff(request)
    neighbourhood_ids = {team.neighbourhood_id for team in staff_teams(staff) if team.neighbourhood_id}
    neighbourhoods = list(Neighbourhood.objects.filter(pk__in=neighbourhood_ids))
    chairs = [member for n in neighbourhoods for member in care_staff(n)]
    form = MeetingForm(posted(request), neighbourhoods=neighbourhoods, chairs=chairs, initial={"chair": staff.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            meeting = services.schedule_meeting(
                actor=staff,
                neighbourhood=data["neighbourhood"],
                starts_at=form.starts_at(),
                chair=data["chair"],
                place=data["place"],
                online_link=data["online_link"],
                ad_hoc=data["kind"] == "ad_hoc",
            )
            messages.success(request, "Meeting set up. Add the people to discuss.")
            return reverse("mdt:meeting", args=[meeting.pk])

        try:
            return save_once(request, save)
        except services.MdtRefused as refused:
            form.add_error(refused.field, refused.message)
    return _page(request, "mdt/schedule.jinja", {"form": form}, [form])


@require_GET
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting: the chair sees the whole agenda; everyone else sees only their part and when to join.

    `?view=all` shows anyone the whole timetable, each item still shown only as the policy allows.
    """
    staff = signed_in_staff(request)
    found = queries.meeting_for(staff, meeting_id)
    agenda = queries.agenda(staff=staff, meeting=found)
    whole = agenda.is_chair or request.GET.get("view") == "all"
    context = {"agenda": agenda, "slots": agenda.slots if whole else agenda.relevant_slots(), "whole": whole}
    return render(request, "mdt/meeting.jinja", {**context, "active_nav": "mdt"})


@require_GET
def print_agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The printable agenda: the same privacy as on screen, audited as a print."""
    staff = signed_in_staff(request)
    agenda = queries.agenda(staff=staff, meeting=queries.meeting_for(staff, meeting_id), action=AuditAction.EXPORT)
    return render(request, "mdt/print.jinja", {"agenda": agenda, "active_nav": "mdt"})


@require_GET
def suggested(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """What OneTeam suggests for the agenda, with the reason for each."""
    staff = signed_in_staff(request)
    found = queries.meeting_for(staff, meeting_id)
    found_suggestions = suggestions.suggest(staff=staff, meeting=found)
    return render(
        request, "mdt/suggestions.jinja", {"meeting": found, "suggestions": found_suggestions, "active_nav": "mdt"}
    )


@require_http_methods(["GET", "POST"])
def add_item(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Add an item: from a suggestion (`?suggestion=key`, prefilled) or by hand (found by NHS number)."""
    staff = signed_in_staff(request)
    found = queries.meeting_for(staff, meeting_id)
    key = request.GET.get("suggestion", "")
    suggestion = suggestions.find(staff=staff, meeting=found, key=key) if key else None
    if key and suggestion is None:
        raise Http404("That suggestion is no longer open")
    initial: dict[str, Any] = {}
    if suggestion is not None:
        initial = {
            "question": suggestion.question,
            "professions": list(suggestion.professions),
            "expected_minutes": suggestion.minutes,
        }
    form_class = ItemForm if suggestion else ManualItemForm
    form = form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = suggestion.person if suggestion else Person.objects.filter(nhs_number=data["nhs_number"]).first()
        field = "person" if suggestion else "nhs_number"
        if person is None:
            form.add_error("nhs_number", "No one with this NHS number was found. Check it and try again")
        else:
            chosen = person

            def save() -> str:
                services.add_item(
                    actor=staff,
                    meeting=found,
                    person=chosen,
                    question=data["question"],
                    professions=data["professions"],
                    expected_minutes=data["expected_minutes"],
                    source=suggestion.source if suggestion else ItemSource.MANUAL,
                    reason=suggestion.reason if suggestion else "",
                    request=_request_of(suggestion),
                    returned_action=_action_of(suggestion),
                    risk_proposal=_proposal_of(suggestion),
                )
                messages.success(request, f"{chosen} added to the agenda.")
                return reverse("mdt:meeting", args=[found.pk])

            try:
                return save_once(request, save)
            except services.MdtRefused as refused:
                form.add_error(field if refused.field == "person" else refused.field, refused.message)
    context = {"meeting": found, "form": form, "suggestion": suggestion}
    return _page(request, "mdt/add_item.jinja", context, [form])


def _proposal_of(suggestion: suggestions.Suggestion | None) -> MdtProposal | None:
    if suggestion is None or not suggestion.key.startswith("proposal:"):
        return None
    return MdtProposal.objects.get(pk=int(suggestion.key.split(":")[1]))


def _request_of(suggestion: suggestions.Suggestion | None) -> AgendaRequest | None:
    if suggestion is None or suggestion.source != ItemSource.REQUEST:
        return None
    return AgendaRequest.objects.get(pk=int(suggestion.key.split(":")[1]))


def _action_of(suggestion: suggestions.Suggestion | None) -> MdtAction | None:
    if suggestion is None or suggestion.source != ItemSource.OVERDUE_ACTION:
        return None
    return MdtAction.objects.get(pk=int(suggestion.key.split(":")[1]))


def _item_context(page: queries.ItemPage, **forms: Any) -> dict[str, Any]:
    neighbourhood = page.item.meeting.neighbourhood
    defaults = {
        "attendance_form": AttendanceForm(candidates=page.candidates),
        "outcome_form": OutcomeForm(
            initial={
                "summary": page.item.summary,
                "decision": page.item.decision,
                "actual_minutes": page.item.actual_minutes or page.item.expected_minutes,
            }
        ),
        "action_form": ActionForm(owners=care_staff(neighbourhood)),
    }
    defaults.update(forms)
    return {"page": page, **defaults}


@require_GET
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """Run one agenda item (the chair): who took part, the summary, the decision, the actions."""
    page = queries.item_page(staff=signed_in_staff(request), item_id=item_id)
    if page is None:
        return cannot(request)
    return _page(request, "mdt/item.jinja", _item_context(page), [])


@require_POST
def item_step(request: HttpRequest, item_id: int, name: str) -> HttpResponse:
    """Record attendance, the outcome or an action for an item; a problem is shown next to its field."""
    staff = signed_in_staff(request)
    page = queries.item_page(staff=staff, item_id=item_id)
    if page is None:
        return cannot(request)
    form: Any
    if name == "attendance":
        form = AttendanceForm(request.POST, candidates=page.candidates)
    elif name == "outcome":
        form = OutcomeForm(request.POST)
    else:
        form = ActionForm(request.POST, owners=care_staff(page.item.meeting.neighbourhood))
    if form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            if name == "attendance":
                services.record_attendance(actor=staff, item=page.item, attendees=data["attendees"])
                message = "Attendance recorded."
            elif name == "outcome":
                services.record_outcome(
                    actor=staff,
                    item=page.item,
                    summary=data["summary"],
                    decision=data["decision"],
                    actual_minutes=data["actual_minutes"],
                )
                message = "Decision recorded."
            else:
                action = services.add_action(
                    actor=staff,
                    item=page.item,
                    description=data["description"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
                message = f"Action added for {action.owner}."
            messages.success(request, message)
            return reverse("mdt:item", args=[item_id])

        try:
            return save_once(request, save)
        except services.MdtRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    return _page(request, "mdt/item.jinja", _item_context(page, **{f"{name}_form": form}), [form])


@require_POST
def complete_action(request: HttpRequest, action_id: int) -> HttpResponse:
    """The owner marks an MDT action done."""
    action = get_object_or_404(MdtAction.objects.select_related("item__meeting", "person"), pk=action_id)
    try:
        services.complete_action(actor=signed_in_staff(request), action=action)
    except services.MdtRefused:
        return cannot(request)
    messages.success(request, "Action marked as done.")
    next_url = request.POST.get("next", "")
    # Only our own pages may be returned to.
    return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else "workspace:inbox")


@require_http_methods(["GET", "POST"])
@reads_personal_data
def request_discussion(request: HttpRequest, person_id: int) -> HttpResponse:
    """From the person's record: ask for them to be discussed at the next MDT."""
    staff = signed_in_staff(request)
    person = get_object_or_404(Person, pk=person_id)
    decisions = authorise_read(
        staff=staff, person=person, categories=[DataCategory.CARE_PLAN], purpose=Purpose.DIRECT_CARE
    )
    if not decisions[DataCategory.CARE_PLAN].allowed:
        return cannot(request)
    form = ItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            services.request_discussion(
                actor=staff,
                person=person,
                question=data["question"],
                professions=data["professions"],
                expected_minutes=data["expected_minutes"],
            )
            messages.success(request, "Request sent. The meeting's chair will see it as a suggestion for the agenda.")
            return reverse("people:summary", args=[person.pk])

        try:
            return save_once(request, save)
        except services.MdtRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    return _page(request, "mdt/request.jinja", {"person": person, "form": form, "active_nav": "people"}, [form])


@require_GET
def huddle(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's daily huddle board, for a wall screen; it refreshes itself in place."""
    board = queries.huddle_board(staff=signed_in_staff(request), team_id=team_id)
    if board is None:
        return cannot(request)
    context = {
        "board": board,
        "refresh_seconds": getattr(settings, "HUDDLE_REFRESH_SECONDS", HUDDLE_REFRESH_SECONDS),
        "active_nav": "mdt",
    }
    return render(request, "mdt/huddle.jinja", context)


@require_GET
def huddle_board(request: HttpRequest, team_id: int) -> HttpResponse:
    """Just the board, for htmx to swap in place."""
    board = queries.huddle_board(staff=signed_in_staff(request), team_id=team_id)
    if board is None:
        return cannot(request)
    return render(request, "mdt/_board.jinja", {"board": board})
