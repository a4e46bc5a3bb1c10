"""Top-level URLs. Every page needs a signed-in member of staff unless its view is marked otherwise."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from oneteam.operations.health import healthz


def home(request: HttpRequest) -> HttpResponse:
    return redirect("people:search")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("oneteam.access.urls")),
    path("people/", include("oneteam.people.urls")),
    path("referrals/", include("oneteam.referrals.urls")),
    path("outcomes/", include("oneteam.outcomes.urls")),
    path("", include("oneteam.outcomes.urls_public")),
    path("risk/", include("oneteam.risk.urls")),
    path("care/", include("oneteam.care.urls")),
    path("notes/", include("oneteam.notes.urls")),
    path("mdt/", include("oneteam.mdt.urls")),
    path("", include("oneteam.referrals.urls_public")),
    path("", include("oneteam.directory.urls")),
    path("fhir/", include("oneteam.fhir.urls")),
    path("", include("oneteam.workspace.urls")),
]
