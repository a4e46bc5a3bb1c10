from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "oneteam.synthetic"
    default_auto_field = "django.db.models.BigAutoField"
