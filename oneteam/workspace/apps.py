from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "oneteam.workspace"
    verbose_name = "Workspace (pages that gather several capabilities)"
