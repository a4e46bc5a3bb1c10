from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "oneteam.outcomes"
    verbose_name = "Measuring what integration does"
