"""Directory pages for staff, under /directory/, and the public Open Referral UK API, under /openreferral/."""

from django.urls import path

from . import views, views_api

app_name = "directory"

urlpatterns = [
    path("openreferral/services", views_api.services, name="api_services"),
    path("openreferral/services/<str:service_id>", views_api.service, name="api_service"),
    path("directory/", views.search_page, name="search"),
    path("directory/people/<int:person_id>/", views.search_for_person, name="search_for_person"),
    path("directory/services/<str:service_id>/report", views.report_detail, name="report_detail"),
    path("directory/reports/", views.report_queue, name="report_queue"),
    path("directory/reports/<int:report_id>/resolve", views.resolve_report, name="resolve_report"),
    path("directory/people/<int:person_id>/signposting/", views.person_signposts, name="person_signposts"),
    path(
        "directory/people/<int:person_id>/signpost/<str:service_id>",
        views.signpost,
        name="signpost",
    ),
    path("directory/signposts/<int:signpost_id>/outcome", views.record_outcome, name="record_outcome"),
    path("directory/caseload/", views.caseload, name="caseload"),
]
