"""The hospital notification endpoint, and the page where the team accepts a discharge handover."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.access.services import authorise_referral
from oneteam.organisations.models import Staff

from . import hospital
from .models import DischargeHandover
from .services import ReferralRefused

_FHIR_JSON = "application/fhir+json"


def _outcome(status: int, issues: list[hospital.Issue]) -> JsonResponse:
    response = JsonResponse(hospital.operation_outcome(issues), status=status, content_type=_FHIR_JSON)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


# Hospital systems sign requests with their API token, not a session, so there is no CSRF to check.
@csrf_exempt
@login_not_required
@require_POST
def encounters(request: HttpRequest) -> HttpResponse:
    """Take a FHIR Encounter announcing an admission or a discharge from an authenticated hospital system."""
    system = hospital.authenticated_system(request.headers.get("Authorization", ""))
    if system is None:
        return _outcome(
            401, [hospital.Issue("Send a valid API token as 'Authorization: Bearer <token>'", code="login")]
        )
    try:
        notice = hospital.parse_encounter(request.body)
        done = hospital.receive_encounter(system=system, notice=notice)
    except hospital.EncounterRefused as refused:
        return _outcome(refused.status, refused.issues)
    return _outcome(200, done)


def _handover(handover_id: int) -> DischargeHandover:
    return get_object_or_404(
        DischargeHandover.objects.select_related("person", "team", "accepted_by", "event__system"), pk=handover_id
    )


@reads_personal_data
@require_GET
def discharge_handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    """A discharge handover for the team it was sent to: who, from where, when it must be accepted by."""
    assert isinstance(request.user, Staff)
    handover = _handover(handover_id)
    if not hospital.may_accept(request.user, handover):
        return render(request, "403.html", status=403)
    # Sent to their team, but roles without direct care never see who it is about (audited either way).
    decision = authorise_referral(
        staff=request.user,
        person=handover.person,
        holds=False,
        offered=True,
        detail={"discharge_handover": handover.pk},
    )
    if not decision.allowed:
        return render(request, "403.html", status=403)
    return render(
        request,
        "referrals/public/discharge_handover.jinja",
        {"handover": handover, "decision": decision, "overdue": hospital.overdue(handover)},
    )


@require_POST
def accept_discharge(request: HttpRequest, handover_id: int) -> HttpResponse:
    """Accept a discharge handover for the team; someone who was beaten to it is told who accepted it."""
    assert isinstance(request.user, Staff)
    handover = _handover(handover_id)
    try:
        hospital.accept_discharge_handover(actor=request.user, handover=handover)
    except ReferralRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "You accepted this discharge handover.")
    return redirect("referrals_public:discharge_handover", handover_id=handover.pk)
