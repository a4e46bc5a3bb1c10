from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "oneteam.access"
    default_auto_field = "django.db.models.BigAutoField"
