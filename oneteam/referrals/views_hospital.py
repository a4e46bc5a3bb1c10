"""The hospital notification endpoint (the discharge handover pages are in `views_discharge`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import hospital

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
