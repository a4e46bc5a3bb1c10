"""The FHIR API under /fhir/. Systems authenticate with their token, not a session (see views)."""

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:resource_id>/$everything", views.everything, name="everything"),
    path("<str:resource_type>", views.resource_type, name="resource_type"),
    path("<str:resource_type>/<str:resource_id>", views.instance, name="instance"),
]
