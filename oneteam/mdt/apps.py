from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "oneteam.mdt"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "MDT meetings and huddles"
