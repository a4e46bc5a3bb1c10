"""Directory pages for staff, under /directory/, and the public Open Referral UK API, under /openreferral/."""

from django.urls import path, re_path

from . import views, views_api

app_name = "directory"

urlpatterns = [
    path("openreferral/", views_api.about, name="api_root"),
    path("openreferral/openapi.json", views_api.openapi, name="api_openapi"),
    path("openreferral/services", views_api.services, name="api_services"),
    path("openreferral/services/<str:record_id>", views_api.service, name="api_service"),
    path("openreferral/service_at_locations", views_api.service_at_locations, name="api_service_at_locations"),
    path(
        "openreferral/service_at_locations/<str:record_id>",
        views_api.service_at_location,
        name="api_service_at_location",
    ),
    path("openreferral/organizations", views_api.organizations, name="api_organizations"),
    path("openreferral/organizations/<str:record_id>", views_api.organization, name="api_organization"),
    path("openreferral/taxonomies", views_api.taxonomies, name="api_taxonomies"),
    path("openreferral/taxonomies/<str:record_id>", views_api.taxonomy, name="api_taxonomy"),
    path("openreferral/taxonomy_terms", views_api.taxonomy_terms, name="api_taxonomy_terms"),
    path("openreferral/taxonomy_terms/<str:record_id>", views_api.taxonomy_term, name="api_taxonomy_term"),
    re_path(r"^openreferral/(?P<rest>.*)$", views_api.not_found, name="api_not_found"),
    path("directory/", views.search_page, name="search"),
    path("directory/people/<int:person_id>/", views.search_for_person, name="search_for_person"),
    path("directory/services/<str:service_id>/report", views.report_detail, name="report_detail"),
    path("directory/services/<str:service_id>/edit", views.edit_entry, name="edit_entry"),
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
