"""The experience questionnaire: key workers make links; people answer without signing in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.access.views.sign_in import render_form
from oneteam.organisations.models import Staff

from . import experience, services
from .forms import ExperienceForm


@require_GET
def links(request: HttpRequest) -> HttpResponse:
    """The people the key worker supports, each with a button to make a questionnaire link."""
    assert isinstance(request.user, Staff)
    return render(
        request,
        "outcomes/experience_links.jinja",
        {
            "episodes": experience.episodes_to_ask(request.user),
            "days": experience.EXPIRES_AFTER.days,
            "active_nav": "inbox",
        },
    )


@require_POST
def make_link(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Make a single-use link for one person; only their key worker may."""
    assert isinstance(request.user, Staff)
    episode = experience.episode_to_ask(request.user, episode_id)
    if episode is None:
        raise Http404("You are not the key worker for this person")
    token = services.invite_to_questionnaire(staff=request.user, episode=episode)
    address = request.build_absolute_uri(reverse("outcomes_public:questionnaire", args=[token]))
    return render(
        request,
        "outcomes/experience_link_made.jinja",
        {"episode": episode, "address": address, "days": experience.EXPIRES_AFTER.days, "active_nav": "inbox"},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """Five statements to agree or disagree with; the link works once."""
    try:
        experience.open_invitation(token)
    except experience.LinkNotUsable as unusable:
        return render(request, "outcomes/public/link_not_usable.jinja", {"reason": str(unusable)}, status=410)
    form = ExperienceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_experience_answers(
                token=token, scores=form.scores(), with_staff=form.cleaned_data["with_staff"]
            )
        except experience.LinkNotUsable as unusable:
            return render(request, "outcomes/public/link_not_usable.jinja", {"reason": str(unusable)}, status=410)
        return redirect("outcomes_public:thank_you")
    return render_form(request, "outcomes/public/questionnaire.jinja", form, questions=experience.QUESTIONS)


@login_not_required
@require_GET
def thank_you(request: HttpRequest) -> HttpResponse:
    """Confirmation, with nothing about the person on it."""
    return render(request, "outcomes/public/thank_you.jinja")
