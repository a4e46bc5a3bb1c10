"""Pages for a person's care (assessments, plan, capacity, visits), the day list, funding and the role guide.

Views parse the request, ask the access policy (through queries.py) before
reading anything about a person, call a service and render. A page about a
person answers "You cannot do this" when the policy refuses the category it
shows or changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from oneteam.access.decorators import profession_required, reads_personal_data
from oneteam.access.models import AuditAction, DataCategory
from oneteam.access.services import record_event
from oneteam.jinja2 import error_summary, nhs_date, nhs_datetime
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person
from oneteam.web import cannot, posted, save_once, signed_in_staff

from . import queries, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    AnswersForm,
    CancelVisitForm,
    CapacityForm,
    ChangeVisitForm,
    DecisionForm,
    GoalForm,
    GoalStatusForm,
    PlanTextForm,
    RoleGuideForm,
    StartAssessmentForm,
    VisitForm,
    VisitOutcomeForm,
)
from .models import (
    ActionStatus,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CarePlan,
    Funding,
    GoalStatus,
    RoleGuide,
    ServiceType,
    Visit,
    VisitOutcome,
)
from .pdf import care_plan_pdf
from .questionnaire import template_spec, write_questionnaire


def _allowed(request: HttpRequest, person_id: int, category: DataCategory) -> Person | None:
    """The person if the policy lets this member of staff see `category` about them (audited), else None."""
    person = queries.person_for_care(person_id)
    decision = queries.authorise(signed_in_staff(request), person, [category])[category]
    return person if decision.allowed else None


def _page(request: HttpRequest, template: str, context: dict[str, Any], forms: list[Any] | None = None) -> HttpResponse:
    errors = [error for form in forms or [] for error in error_summary(form)]
    return render(
        request, template, {"errors": errors, "active_nav": "people", **context}, status=400 if errors else 200
    )


def _care_url(person: Person, anchor: str = "") -> str:
    return reverse("care:record", args=[person.pk]) + (f"#{anchor}" if anchor else "")


# -- The person's care page -----------------------------------------------------------------------------------


@require_GET
@reads_personal_data
def record(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything about the person's care the member of staff may see: assessments, plan, capacity, visits."""
    person = queries.person_for_care(person_id)
    care = queries.care_record(staff=signed_in_staff(request), person=person)
    if not any(decision.allowed for decision in care.decisions.values()):
        return cannot(request)
    return _page(request, "care/record.jinja", {"care": care, "person": person, "today": timezone.localdate()})


# -- Assessments --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads_personal_data
def start_assessment(request: HttpRequest, person_id: int) -> HttpResponse:
    """Choose an assessment; a repeat within 90 days of a completed one needs a reason. Nothing is saved here:
    the questions follow, and the assessment is stored only when it is completed.
    """
    person = queries.person_for_care(person_id)
    templates = queries.templates_allowed(signed_in_staff(request), person)
    if not templates:
        return cannot(request)
    form = StartAssessmentForm(
        posted(request),
        templates=AssessmentTemplate.objects.filter(pk__in=[t.pk for t in templates]).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        chosen, reason = form.cleaned_data["template"], form.cleaned_data["repeat_reason"]
        try:
            previous, reason = services.check_repeat(person, chosen, reason)
        except services.CareRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            answers = AnswersForm(None, template=chosen, initial={"repeat_reason": reason})
            return _answers_page(request, person, chosen, answers, repeat_of=previous)
    recent = [(template, services.recent_assessment(person, template)) for template in templates]
    return _page(
        request,
        "care/start_assessment.jinja",
        {"person": person, "form": form, "recent": [(t, a) for t, a in recent if a is not None]},
        [form],
    )


def _answers_page(
    request: HttpRequest,
    person: Person,
    template: AssessmentTemplate,
    form: AnswersForm,
    *,
    repeat_of: Assessment | None = None,
    action: str = "",
) -> HttpResponse:
    action = action or reverse("care:new_assessment", args=[person.pk, template.pk])
    context = {"person": person, "template": template, "form": form, "repeat_of": repeat_of, "action": action}
    return _page(request, "care/answer_assessment.jinja", context, [form])


@require_http_methods(["GET", "POST"])
@reads_personal_data
def new_assessment(request: HttpRequest, person_id: int, template_id: int) -> HttpResponse:
    """The questions of a new assessment; completing them saves and shares it, all at once or not at all."""
    person = queries.person_for_care(person_id)
    chosen = next((t for t in queries.templates_allowed(signed_in_staff(request), person) if t.pk == template_id), None)
    if chosen is None:
        return cannot(request)
    form = AnswersForm(posted(request), template=chosen)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.record_assessment(
                actor=signed_in_staff(request),
                person=person,
                template=chosen,
                answers=form.answers(),
                repeat_reason=form.cleaned_data["repeat_reason"],
            )
            messages.success(request, f"{chosen.title} completed and shared with the team.")
            return _care_url(person, "assessments")

        try:
            return save_once(request, save)
        except services.CareRefused as refused:
            form.add_error(None, refused.message)
    return _answers_page(request, person, chosen, form)


@require_http_methods(["GET", "POST"])
@reads_personal_data
def assessment(request: HttpRequest, person_id: int, assessment_id: int) -> HttpResponse:
    """A completed assessment to read, or one in progress for its assessor to complete."""
    person = queries.person_for_care(person_id)
    found, allowed = queries.assessment_to_open(signed_in_staff(request), person, assessment_id)
    if not allowed:
        return cannot(request)
    if found is None:
        raise Http404("No such assessment")
    if found.status == AssessmentStatus.COMPLETED:
        return _page(
            request, "care/assessment.jinja", {"person": person, "assessment": found, "answers": _answers(found)}
        )
    if found.assessor_id != signed_in_staff(request).pk:
        return cannot(request)
    form = AnswersForm(posted(request), template=found.template, initial={"repeat_reason": found.repeat_reason})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.complete_assessment(actor=signed_in_staff(request), assessment=found, answers=form.answers())
            messages.success(request, f"{found.template.title} completed and shared with the team.")
            return _care_url(person, "assessments")

        try:
            return save_once(request, save)
        except services.CareRefused as refused:
            form.add_error(None, refused.message)
    return _answers_page(request, person, found.template, form, repeat_of=found.repeat_of, action=request.path)


def _answers(found: Assessment) -> list[tuple[str, str]]:
    """Each question with its answer in words."""
    rows = []
    for question in found.template.questions:
        value = found.answers.get(question["link_id"])
        if value is None:
            shown = "Not answered"
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif question["choices"]:
            shown = dict(question["choices"]).get(value, str(value))
        elif question["type"] == "date":
            shown = nhs_date(datetime.date.fromisoformat(value))
        else:
            shown = str(value)
        rows.append((question["text"], shown))
    return rows


@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    """The assessment templates in use, each downloadable as a FHIR Questionnaire."""
    return render(request, "care/templates.jinja", {"templates": queries.current_templates(), "active_nav": "people"})


@require_GET
def questionnaire(request: HttpRequest, template_id: int) -> HttpResponse:
    """One template version as FHIR R4 Questionnaire JSON."""
    template = get_object_or_404(AssessmentTemplate, pk=template_id)
    response = JsonResponse(
        write_questionnaire(template_spec(template)), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{template.code}-v{template.version}.json"'
    return response


# -- The care plan ------------------------------------------------------------------------------------------


def _plan_form_page(
    request: HttpRequest,
    person_id: int,
    *,
    title: str,
    make_form: Callable[[Any, Person, CarePlan | None], Any],
    save: Callable[[Staff, Person, int, Any], str],
    anchor: str,
) -> HttpResponse:
    """Show a care-plan form and save it against the version the member of staff saw.

    If someone else changed the plan meanwhile, nothing is saved yet: the page
    shows their changes and, field by field, their version, yours and what will
    be saved (`_merged`); saving again saves that, and where both changed the
    same field the person saving chooses which version to keep.
    """
    person = _allowed(request, person_id, DataCategory.CARE_PLAN)
    if person is None:
        return cannot(request)
    plan = CarePlan.objects.filter(person=person).first()
    form = make_form(posted(request), person, plan)
    form.initial["version"] = plan.version if plan else 0
    stale, merges = None, list[services.FieldMerge]()
    if request.method == "POST" and form.is_valid():

        def saved() -> str:
            messages.success(request, save(signed_in_staff(request), person, form.cleaned_data["version"], form))
            return _care_url(person, anchor)

        try:
            return save_once(request, saved)
        except services.StalePlan as conflict:
            stale = conflict
            form, merges = _merged(form, make_form(None, person, conflict.plan), conflict.plan)
        except services.CareRefused as refused:
            form.add_error(refused.field, refused.message)
    context = {"person": person, "form": form, "title": title, "stale": stale, "merges": merges, "plan": plan}
    response = _page(request, "care/plan_form.jinja", context, [form])
    if stale is not None:
        response.status_code = 409
    return response


def _merged(yours: Any, theirs: Any, plan: CarePlan) -> tuple[Any, list[services.FieldMerge]]:
    """The form again, against the plan as it is now, holding the merge of your change with theirs.

    It is unbound (nothing to complain about yet); merged fields travel hidden,
    as the page shows them field by field, with a choice where both changed one.
    """
    names = yours.merge_fields
    merges = services.merge_changes(
        # A form posted without what it opened with (an old page) has no base: every difference is a conflict.
        base={name: yours.data.get(f"was_{name}") for name in names},
        theirs={name: str(theirs.initial.get(name) or "") for name in names},
        yours={name: str(yours.cleaned_data[name] or "") for name in names},
    )
    # What was typed, field by field as each widget reads it (a date input's three boxes are one value).
    values = {name: yours[name].data for name in yours.fields}
    values.update({f"was_{name}": str(theirs.initial.get(name) or "") for name in names})
    values.update({merge.name: merge.yours if merge.conflict else merge.saved for merge in merges})
    values.update(version=plan.version, conflicts=",".join(merge.name for merge in merges if merge.conflict))
    theirs.hold_merge(values)
    return theirs, merges


@require_http_methods(["GET", "POST"])
@reads_personal_data
def edit_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    """What matters to the person, crisis and contingency plans, carers."""

    def make(data: Any, person: Person, plan: CarePlan | None) -> PlanTextForm:
        initial = {name: getattr(plan, name) for name in services.PLAN_TEXT_FIELDS} if plan else {}
        return PlanTextForm(data, initial=initial)

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        texts = {name: form.cleaned_data[name] for name in services.PLAN_TEXT_FIELDS}
        services.update_plan_text(actor=staff, person=person, expected_version=version, **texts)
        return "Care plan saved."

    return _plan_form_page(
        request, person_id, title="What matters and what to do in a crisis", make_form=make, save=save, anchor="plan"
    )


@require_http_methods(["GET", "POST"])
@reads_personal_data
def add_goal(request: HttpRequest, person_id: int) -> HttpResponse:
    """A goal in the person's own words."""

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        data = form.cleaned_data
        services.add_goal(
            actor=staff, person=person, expected_version=version, text=data["text"], self_care=data["self_care"]
        )
        return "Goal added."

    return _plan_form_page(
        request,
        person_id,
        title="Add a goal",
        make_form=lambda data, _p, _plan: GoalForm(data),
        save=save,
        anchor="goals",
    )


@require_http_methods(["GET", "POST"])
@reads_personal_data
def add_action(request: HttpRequest, person_id: int) -> HttpResponse:
    """An action with an owner and a due date."""

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        data = form.cleaned_data
        details = services.ActionDetails(
            description=data["description"],
            owner=data["owner"],
            service_type=data["service_type"],
            due_on=data["due"],
            goal=data["goal"],
        )
        services.add_action(actor=staff, person=person, expected_version=version, details=details)
        return "Action added."

    return _plan_form_page(
        request,
        person_id,
        title="Add an action",
        make_form=lambda data, person, plan: ActionForm(data, person=person, plan=plan),
        save=save,
        anchor="actions",
    )


@require_http_methods(["GET", "POST"])
@reads_personal_data
def action_status(request: HttpRequest, person_id: int, action_id: int) -> HttpResponse:
    """Move an action on."""

    def make(data: Any, person: Person, plan: CarePlan | None) -> ActionStatusForm:
        if plan is None:
            raise Http404
        action = get_object_or_404(plan.actions, pk=action_id)
        form = ActionStatusForm(data, initial={"status": action.status})
        form.action = action  # type: ignore[attr-defined]
        form.subject = action.description  # type: ignore[attr-defined]
        return form

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        status = ActionStatus(form.cleaned_data["status"])
        services.set_action_status(
            actor=staff, person=person, expected_version=version, action=form.action, status=status
        )
        return "Action updated."

    return _plan_form_page(request, person_id, title="Update an action", make_form=make, save=save, anchor="actions")


@require_http_methods(["GET", "POST"])
@reads_personal_data
def goal_status(request: HttpRequest, person_id: int, goal_id: int) -> HttpResponse:
    """Mark a goal met, still being worked on, or no longer wanted."""

    def make(data: Any, person: Person, plan: CarePlan | None) -> GoalStatusForm:
        if plan is None:
            raise Http404
        goal = get_object_or_404(plan.goals, pk=goal_id)
        form = GoalStatusForm(data, initial={"status": goal.status})
        form.subject = goal.text  # type: ignore[attr-defined]
        form.goal = goal  # type: ignore[attr-defined]
        return form

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        status = GoalStatus(form.cleaned_data["status"])
        services.set_goal_status(actor=staff, person=person, expected_version=version, goal=form.goal, status=status)
        return "Goal updated."

    return _plan_form_page(request, person_id, title="Update a goal", make_form=make, save=save, anchor="goals")


@require_http_methods(["GET", "POST"])
@reads_personal_data
def add_decision(request: HttpRequest, person_id: int) -> HttpResponse:
    """A decision the person has made, including one others think unwise."""

    def save(staff: Staff, person: Person, version: int, form: Any) -> str:
        data = form.cleaned_data
        services.record_decision(
            actor=staff,
            person=person,
            expected_version=version,
            decision=data["decision"],
            considered_unwise=data["considered_unwise"],
            risks_discussed=data["risks_discussed"],
        )
        return "Decision recorded."

    return _plan_form_page(
        request,
        person_id,
        title="Record the person's decision",
        make_form=lambda data, _p, _plan: DecisionForm(data),
        save=save,
        anchor="decisions",
    )


@require_GET
@reads_personal_data
def plan_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    """The care plan as a PDF for the person; `?print=large` for large print."""
    person = _allowed(request, person_id, DataCategory.CARE_PLAN)
    if person is None:
        return cannot(request)
    plan = CarePlan.objects.filter(person=person).select_related("person").first()
    if plan is None:
        raise Http404
    large = request.GET.get("print") == "large"
    content = care_plan_pdf(plan, large_print=large)
    record_event(
        staff=signed_in_staff(request),
        action=AuditAction.EXPORT,
        person_id=person.pk,
        category=DataCategory.CARE_PLAN,
        detail={"care_plan_pdf": "large print" if large else "standard"},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="care-plan{"-large-print" if large else ""}.pdf"'
    return response


# -- Mental capacity ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads_personal_data
def add_capacity(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record a decision-specific capacity assessment."""
    person = _allowed(request, person_id, DataCategory.CAPACITY)
    if person is None:
        return cannot(request)
    form = CapacityForm(posted(request))
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            services.record_capacity_assessment(actor=signed_in_staff(request), person=person, answers=form.answers())
            messages.success(request, "Capacity assessment recorded.")
            return _care_url(person, "capacity")

        return save_once(request, save)
    return _page(request, "care/capacity_form.jinja", {"person": person, "form": form}, [form])


# -- Visits -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads_personal_data
def visits(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's visit calendar across professions, with safety alerts and warnings, and booking a visit."""
    person = _allowed(request, person_id, DataCategory.CARE_PLAN)
    if person is None:
        return cannot(request)
    form = VisitForm(posted(request), person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            visit = services.book_visit(
                actor=signed_in_staff(request),
                person=person,
                visitor=data["visitor"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                purpose=data["purpose"],
            )
            messages.success(request, f"Visit booked for {nhs_date(visit.starts_at)}.")
            return reverse("care:visits", args=[person.pk])

        return save_once(request, save)
    calendar = queries.person_visits(person)
    context = {
        "person": person,
        "form": form,
        "visits": calendar,
        "warnings": queries.visit_warnings(calendar, queries.max_visits_per_day()),
        "limit": queries.max_visits_per_day(),
        "alerts": queries.person_safety_alerts(signed_in_staff(request), person),
        "now": timezone.now(),
    }
    return _page(request, "care/visits.jinja", context, [form])


def _visit_page(
    request: HttpRequest,
    person_id: int,
    visit_id: int,
    *,
    make_form: Callable[[Any, Person, Visit], Any],
    save: Callable[[Staff, Visit, Any], str],
    template: str,
) -> HttpResponse:
    """A form about one visit, shown with the person's safety alerts; a refusal (say, the visit was cancelled
    meanwhile) comes back next to the form, never as an error page.
    """
    person = _allowed(request, person_id, DataCategory.CARE_PLAN)
    if person is None:
        return cannot(request)
    visit = get_object_or_404(person.visits.select_related("visitor"), pk=visit_id)
    form = make_form(posted(request), person, visit)
    if request.method == "POST" and form.is_valid():
        try:
            message = save(signed_in_staff(request), visit, form)
        except services.CareRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, message)
            return redirect("care:visits", person_id=person.pk)
    context = {
        "person": person,
        "visit": visit,
        "form": form,
        "alerts": queries.person_safety_alerts(signed_in_staff(request), person),
        "now": timezone.now(),
    }
    return _page(request, template, context, [form])


@require_http_methods(["GET", "POST"])
@reads_personal_data
def visit_outcome(request: HttpRequest, person_id: int, visit_id: int) -> HttpResponse:
    """Record what happened at a visit whose time has come."""

    def save(staff: Staff, visit: Visit, form: Any) -> str:
        outcome, note = VisitOutcome(form.cleaned_data["outcome"]), form.cleaned_data["note"]
        services.record_visit_outcome(actor=staff, visit=visit, outcome=outcome, note=note)
        return "Visit outcome recorded."

    return _visit_page(
        request,
        person_id,
        visit_id,
        make_form=lambda data, _person, _visit: VisitOutcomeForm(data),
        save=save,
        template="care/visit_outcome.jinja",
    )


@require_http_methods(["GET", "POST"])
@reads_personal_data
def change_visit(request: HttpRequest, person_id: int, visit_id: int) -> HttpResponse:
    """Move a planned visit to another day or time, or give it to someone else."""

    def make(data: Any, person: Person, visit: Visit) -> ChangeVisitForm:
        local = timezone.localtime(visit.starts_at)
        initial = {
            "visitor": visit.visitor_id,
            "day": local.date(),
            "time": f"{local:%H:%M}",
            "minutes": visit.minutes,
        }
        return ChangeVisitForm(data, person=person, initial=initial)

    def save(staff: Staff, visit: Visit, form: Any) -> str:
        data = form.cleaned_data
        changed = services.change_visit(
            actor=staff, visit=visit, visitor=data["visitor"], starts_at=data["starts_at"], minutes=data["minutes"]
        )
        return f"Visit changed: {changed.visitor.get_full_name()}, {nhs_datetime(changed.starts_at)}."

    return _visit_page(request, person_id, visit_id, make_form=make, save=save, template="care/change_visit.jinja")


@require_http_methods(["GET", "POST"])
@reads_personal_data
def cancel_visit(request: HttpRequest, person_id: int, visit_id: int) -> HttpResponse:
    """Cancel a planned visit, saying why."""

    def save(staff: Staff, visit: Visit, form: Any) -> str:
        services.cancel_visit(actor=staff, visit=visit, reason=form.cleaned_data["reason"])
        return "Visit cancelled."

    return _visit_page(
        request,
        person_id,
        visit_id,
        make_form=lambda data, _person, _visit: CancelVisitForm(data),
        save=save,
        template="care/cancel_visit.jinja",
    )


# The years a day list can show; a day outside them (a typed or hostile address) shows today.
DAY_LIST_YEARS = (1900, 2999)


@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    """The member of staff's visits for a day, in time order (`?day=YYYY-MM-DD`, today by default)."""
    try:
        day = (
            datetime.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else timezone.localdate()
        )
    except ValueError:
        day = timezone.localdate()
    if not DAY_LIST_YEARS[0] <= day.year <= DAY_LIST_YEARS[1]:
        # Days at the ends of the calendar (year 1, year 9999) have no day before or after: show today instead.
        day = timezone.localdate()
    rows = queries.day_list(staff=signed_in_staff(request), day=day)
    context = {
        "day": day,
        "rows": rows,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "active_nav": "visits",
    }
    return render(request, "care/my_day.jinja", context)


# -- Free or means-tested, and the role guide ---------------------------------------------------------------


@require_GET
def funding(request: HttpRequest) -> HttpResponse:
    """Every kind of service, and whether it is free or means-tested, in words to read to the person."""
    services_by_funding = [
        (label, [service for service in ServiceType.objects.all() if service.funding == value])
        for value, label in Funding.choices
    ]
    return render(request, "care/funding.jinja", {"groups": services_by_funding, "active_nav": "people"})


@require_GET
def role_guide(request: HttpRequest) -> HttpResponse:
    """The role guide's contents: one page per profession."""
    return render(request, "care/roles.jinja", {"guides": RoleGuide.objects.all(), "active_nav": "people"})


def _guide(profession: str) -> RoleGuide:
    if profession not in Profession.values:
        raise Http404
    return get_object_or_404(RoleGuide.objects.select_related("updated_by"), profession=profession)


@require_GET
def role(request: HttpRequest, profession: str) -> HttpResponse:
    """What one profession does, its statutory duties, and what to ask it for."""
    guide = _guide(profession)
    may_edit = signed_in_staff(request).profession == Profession.TEAM_LEAD
    return render(request, "care/role.jinja", {"guide": guide, "may_edit": may_edit, "active_nav": "people"})


@require_http_methods(["GET", "POST"])
@profession_required(Profession.TEAM_LEAD)
def edit_role(request: HttpRequest, profession: str) -> HttpResponse:
    """A team lead rewrites a profession's page."""
    guide = _guide(profession)
    initial = {name: getattr(guide, name) for name in ("what_they_do", "statutory_duties", "ask_them_for")}
    form = RoleGuideForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_role_guide(actor=signed_in_staff(request), guide=guide, **form.cleaned_data)
        messages.success(request, "Role guide page saved.")
        return redirect("care:role", profession=profession)
    return _page(request, "care/role_form.jinja", {"guide": guide, "form": form}, [form])
