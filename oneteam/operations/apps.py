from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "oneteam.operations"
    verbose_name = "Running OneTeam"
