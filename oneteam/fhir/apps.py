from django.apps import AppConfig


class FhirConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oneteam.fhir"
    label = "fhir"
    verbose_name = "FHIR interoperability"
