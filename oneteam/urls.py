"""Top-level URLs. Every page needs a signed-in member of staff unless its view is marked otherwise."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from oneteam.operations.health import healthz
from oneteam.people import urls as people_urls
from oneteam.workspace import views as workspace_views


def home(request: HttpRequest) -> HttpResponse:
    return redirect("people:search")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("oneteam.access.urls")),
    # The person summary keeps its `people:summary` name, but is composed by the workspace app, which sits
    # above the capability apps (people must not import referrals or MDT to build it).
    path(
        "people/",
        include(
            (
                [
                    *people_urls.urlpatterns,
                    path("<int:person_id>/", workspace_views.person_summary, name="summary"),
                ],
                people_urls.app_name,
            )
        ),
    ),
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
