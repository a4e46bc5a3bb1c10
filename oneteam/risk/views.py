"""The risk pages: the cohort list, a person's explanation, referring or proposing from it, fairness, weights."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Neighbourhood
from oneteam.referrals.services import ReferralRefused
from oneteam.web import save_once, signed_in_staff

from . import queries, services
from .efi import Category
from .forms import CohortFilterForm, ProposeForm, WeightsForm


def _back(request: HttpRequest, person_id: int) -> str:
    """Where to go after acting from a row: the list the member of staff came from, or the person's explanation."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("risk:person", args=[person_id])


@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The proactive-care list: the people of the staff member's neighbourhoods, highest priority first."""
    staff = signed_in_staff(request)
    options = queries.list_options(staff)
    form = CohortFilterForm(request.GET, neighbourhoods=options.neighbourhoods, practices=options.practices)
    cohort, errors = None, []
    if form.is_valid():
        cohort = queries.cohort(
            staff=staff, options=options, filters=form.filters(), page_number=request.GET.get("page")
        )
    else:
        errors = error_summary(form)
    query = request.GET.copy()
    query.pop("page", None)
    default, by_neighbourhood = queries.weights_in_force()
    own = [(n.name, by_neighbourhood[n.pk]) for n in options.neighbourhoods if n.pk in by_neighbourhood]
    context = {
        "form": form,
        "options": options,
        "cohort": cohort,
        "errors": errors,
        "query": query.urlencode(),
        "weights": [("Everywhere else" if own else "Points", default), *own],
        "weight_labels": queries.weight_labels(),
        "active_nav": "risk",
    }
    return render(request, "risk/list.jinja", context, status=400 if errors else 200)


def _explanation_page(
    request: HttpRequest, explanation: queries.Explanation, form: ProposeForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or ProposeForm()
    context = {
        "e": explanation,
        "form": form,
        "errors": error_summary(form),
        "weight_labels": queries.weight_labels(),
        "active_nav": "risk",
    }
    return render(request, "risk/person.jinja", context, status=status)


def _cannot(request: HttpRequest, explanation: queries.Explanation) -> HttpResponse:
    return render(request, "risk/refused.jinja", {"e": explanation, "active_nav": "risk"}, status=403)


@require_GET
@reads_personal_data
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Why this person is on the list: every deficit, every fact, and the points each earned."""
    explanation = queries.explanation(staff=signed_in_staff(request), person_id=person_id)
    if not explanation.decision.allowed:
        return _cannot(request, explanation)
    return _explanation_page(request, explanation)


@require_POST
@reads_personal_data
def refer(request: HttpRequest, person_id: int) -> HttpResponse:
    """Refer the person to their neighbourhood's single point of access, in one step from a list row."""
    staff = signed_in_staff(request)
    explanation = queries.explanation(staff=staff, person_id=person_id)
    if not explanation.decision.allowed or explanation.row is None:
        return _cannot(request, explanation)
    try:
        referral = services.refer_to_front_door(actor=staff, person=explanation.person, why=explanation.row.why)
    except ReferralRefused as refused:
        # Already referred (a second click, or a colleague first), or no front door: said, not a server error.
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"{explanation.person} is referred to the single point of access (referral {referral.pk})."
        )
    return redirect(_back(request, person_id))


@require_POST
@reads_personal_data
def propose(request: HttpRequest, person_id: int) -> HttpResponse:
    """Propose the person for their neighbourhood's next MDT, with an optional question."""
    staff = signed_in_staff(request)
    explanation = queries.explanation(staff=staff, person_id=person_id)
    if not explanation.decision.allowed or explanation.row is None:
        return _cannot(request, explanation)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _explanation_page(request, explanation, form, status=400)
    why = explanation.row.why

    def save() -> str:
        question = form.cleaned_data["question"]
        services.propose_for_mdt(actor=staff, person=explanation.person, question=question, why=why)
        messages.success(
            request, f"{explanation.person} is proposed for the next {explanation.person.practice_neighbourhood} MDT."
        )
        return _back(request, person_id)

    try:
        return save_once(request, save)
    except services.RiskRefused as refusal:
        form.add_error("question", str(refusal))
        return _explanation_page(request, explanation, form, status=400)


@require_GET
def fairness(request: HttpRequest) -> HttpResponse:
    """Who the list holds compared with the neighbourhood's people: counts only, small numbers suppressed."""
    staff = signed_in_staff(request)
    choices = queries.fairness_neighbourhoods(staff)
    chosen = next(
        (n for n in choices if str(n.pk) == request.GET.get("neighbourhood")), choices[0] if choices else None
    )
    categories = tuple(c for c in request.GET.getlist("category") if c in {x.value for x in Category})
    result = queries.fairness(staff=staff, neighbourhood=chosen, categories=categories)
    context = {
        "f": result,
        "neighbourhood_items": [
            {"value": n.pk, "text": n.name, "selected": n == result.neighbourhood} for n in choices
        ],
        "category_items": [
            {"value": c.value, "text": c.label, "checked": c.value in result.categories} for c in Category
        ],
        "active_nav": "risk",
    }
    return render(request, "risk/fairness.jinja", context)


@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest) -> HttpResponse:
    """The priority weights in force and their history; team leads change them here."""
    staff = signed_in_staff(request)
    history = queries.weights_history(staff)
    scopes: list[Neighbourhood | None] = [None, *history.neighbourhoods]
    editable = [scope for scope in scopes if services.may_change_weights(staff, scope)]
    form = WeightsForm(request.POST or None, scopes=editable, initial=history.default) if editable else None
    if request.method == "POST":
        if form is None:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                services.change_weights(
                    actor=staff,
                    neighbourhood=form.neighbourhood(),
                    weights=form.weights(),
                    change_note=form.cleaned_data["change_note"],
                )
            except services.RiskRefused as refusal:
                form.add_error("change_note", str(refusal))
            else:
                messages.success(request, "The new weights are saved and every priority has been recomputed.")
                return redirect("risk:weights")
    errors = error_summary(form) if form is not None and form.is_bound else []
    context = {
        "history": history,
        "form": form,
        "errors": errors,
        "weight_labels": queries.weight_labels(),
        "active_nav": "risk",
    }
    return render(request, "risk/weights.jinja", context, status=400 if errors else 200)
