from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "oneteam.organisations"
    default_auto_field = "django.db.models.BigAutoField"
