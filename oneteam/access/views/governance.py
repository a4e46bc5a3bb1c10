"""Information governance: reviewing emergency access and keeping the sharing agreements."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Neighbourhood, Staff
from oneteam.web import save_once

from .. import queries
from ..decorators import information_governance_only
from ..default_rules import RULE_CATEGORIES, RULE_PURPOSES
from ..models import BreakGlassAccess, Purpose, ReviewOutcome
from ..services import agreements, break_glass, governance_flags
from ..sharing_forms import LEVEL_CHOICES, AgreementGridForm, ReviewForm, cell_name


def _purpose(request: HttpRequest) -> Purpose:
    value = request.GET.get("purpose", Purpose.DIRECT_CARE)
    return Purpose(value) if value in RULE_PURPOSES else Purpose.DIRECT_CARE


@require_GET
@information_governance_only
def review_queue(request: HttpRequest) -> HttpResponse:
    """Emergency accesses and other flags (matches, relationships, consent reversals) waiting for review."""
    return render(
        request,
        "access/review_queue.jinja",
        {
            "waiting": list(break_glass.awaiting_review()),
            "flags": list(governance_flags.awaiting_review()),
            "active_nav": "governance",
        },
    )


@require_POST
@information_governance_only
def review_flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Mark one flag on the review queue as looked at."""
    assert isinstance(request.user, Staff)
    if not governance_flags.mark_reviewed(reviewer=request.user, flag_id=flag_id):
        raise Http404("There is no such flag waiting for review")
    messages.success(request, "Marked as reviewed.")
    return redirect("access:review_queue")


@require_http_methods(["GET", "POST"])
@information_governance_only
def review(request: HttpRequest, access_id: int) -> HttpResponse:
    """Record the review of one emergency access."""
    assert isinstance(request.user, Staff)
    access = get_object_or_404(BreakGlassAccess.objects.select_related("staff__organisation", "person"), pk=access_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass.review_emergency_access(
                reviewer=request.user,
                access=access,
                outcome=ReviewOutcome(form.cleaned_data["outcome"]),
                note=form.cleaned_data["note"],
            )
        except break_glass.ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Review recorded.")
            return redirect("access:review_queue")
    return render(
        request,
        "access/review.jinja",
        {"access": access, "form": form, "errors": error_summary(form), "active_nav": "governance"},
        status=400 if form.errors else 200,
    )


@require_GET
@information_governance_only
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Every neighbourhood's information sharing agreement and its versions."""
    return render(
        request,
        "access/agreement_list.jinja",
        {"by_neighbourhood": queries.agreements_by_neighbourhood(), "active_nav": "governance"},
    )


@require_GET
@information_governance_only
def agreement_detail(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    """One version of an agreement (the one in force unless a version is given), one purpose at a time."""
    neighbourhood = get_object_or_404(Neighbourhood, code=code)
    grid = queries.agreement_grid(neighbourhood, _purpose(request), version)
    if version is not None and grid.agreement is None:
        return render(request, "404.html", status=404)
    return render(
        request,
        "access/agreement_detail.jinja",
        {
            "neighbourhood": neighbourhood,
            "grid": grid,
            "categories": RULE_CATEGORIES,
            "purposes": RULE_PURPOSES,
            "level_labels": dict(LEVEL_CHOICES),
            "active_nav": "governance",
        },
    )


@require_http_methods(["GET", "POST"])
@information_governance_only
def agreement_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change one purpose of an agreement; saving publishes a new version."""
    assert isinstance(request.user, Staff)
    neighbourhood = get_object_or_404(Neighbourhood, code=code)
    purpose = _purpose(request)
    grid = queries.agreement_grid(neighbourhood, purpose)
    form = AgreementGridForm(request.POST or None, grid=grid.rows)
    if request.method == "POST" and form.is_valid():
        actor = request.user

        def save() -> str:
            published = agreements.change_purpose(
                actor=actor,
                neighbourhood=neighbourhood,
                purpose=purpose,
                cells=form.cells(),
                change_note=form.cleaned_data["change_note"],
            )
            if grid.agreement is not None and published.pk == grid.agreement.pk:
                # A colleague published the same rules first: nothing new to publish.
                already = f"These rules are already in force as version {published.version}. Nothing changed."
                messages.info(request, already)
            else:
                messages.success(request, f"Version {published.version} of the agreement is now in force.")
            return f"{reverse('access:agreement_detail', args=[code])}?purpose={purpose.value}"

        return save_once(request, save)
    return render(
        request,
        "access/agreement_edit.jinja",
        {
            "neighbourhood": neighbourhood,
            "grid": grid,
            "form": form,
            "cell_name": cell_name,
            "categories": RULE_CATEGORIES,
            "purposes": RULE_PURPOSES,
            "errors": error_summary(form),
            "active_nav": "governance",
        },
        status=400 if form.errors else 200,
    )
