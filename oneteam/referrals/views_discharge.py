"""The page where the team accepts or declines a discharge handover from hospital."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.access.services import authorise_referral
from oneteam.jinja2 import error_summary
from oneteam.web import cannot, save_once, signed_in_staff

from .forms import DischargeDeclineForm
from .models import DischargeHandover
from .services import ReferralRefused, discharge


def _handover(handover_id: int) -> DischargeHandover:
    return get_object_or_404(
        DischargeHandover.objects.select_related(
            "person", "team", "accepted_by", "follow_up", "event__system__organisation"
        ),
        pk=handover_id,
    )


def _page(request: HttpRequest, handover: DischargeHandover, form: DischargeDeclineForm) -> HttpResponse:
    """The handover for the team it was sent to: who, from which hospital, by when, and what the team said."""
    staff = signed_in_staff(request)
    if not discharge.may_answer(staff, handover):
        return cannot(request)
    # Sent to their team, but roles without direct care never see who it is about (audited either way).
    decision = authorise_referral(
        staff=staff, person=handover.person, holds=False, offered=True, detail={"discharge_handover": handover.pk}
    )
    if not decision.allowed:
        return cannot(request)
    errors = error_summary(form)
    context = {
        "handover": handover,
        "hospital": discharge.hospital_name(handover),
        "declines": list(handover.declines.select_related("declined_by")),
        "decision": decision,
        "overdue": discharge.overdue(handover),
        "form": form,
        "errors": errors,
        "active_nav": "inbox",
    }
    return render(request, "referrals/public/discharge_handover.jinja", context, status=400 if errors else 200)


@reads_personal_data
@require_GET
def discharge_handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    """A discharge handover, with buttons to accept or decline it while nobody has accepted it."""
    return _page(request, _handover(handover_id), DischargeDeclineForm())


@require_POST
def accept_discharge(request: HttpRequest, handover_id: int) -> HttpResponse:
    """Accept a discharge handover: you hold the follow-up. Someone beaten to it is told who accepted it."""
    handover = _handover(handover_id)
    try:
        follow_up = discharge.accept_discharge(actor=signed_in_staff(request), handover=handover)
    except ReferralRefused as refused:
        messages.error(request, str(refused))
        return redirect("referrals_public:discharge_handover", handover_id=handover.pk)
    messages.success(request, "You accepted this discharge handover. The follow-up is in your inbox.")
    return redirect("referrals:referral", referral_id=follow_up.pk)


@reads_personal_data
@require_POST
def decline_discharge(request: HttpRequest, handover_id: int) -> HttpResponse:
    """Decline with a reason; the handover stays in the team's queue for someone else."""
    handover = _handover(handover_id)
    form = DischargeDeclineForm(request.POST)
    if form.is_valid():

        def save() -> str:
            discharge.decline_discharge(
                actor=signed_in_staff(request), handover=handover, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"You declined this handover. It is back in the {handover.team.name} queue.")
            return reverse("workspace:inbox")

        try:
            return save_once(request, save)
        except ReferralRefused as refused:
            form.add_error("reason", str(refused))
    return _page(request, handover, form)
