from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "oneteam.risk"
    default_auto_field = "django.db.models.BigAutoField"
