from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "oneteam.notes"
    verbose_name = "Case notes"
