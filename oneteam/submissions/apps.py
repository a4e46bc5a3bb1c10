from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "oneteam.submissions"
    verbose_name = "Form submissions"
