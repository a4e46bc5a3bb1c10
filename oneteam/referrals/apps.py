from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "oneteam.referrals"
    default_auto_field = "django.db.models.BigAutoField"
