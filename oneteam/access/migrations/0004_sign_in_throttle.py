"""Failed sign-ins are slowed down per username and per client address instead of locking the username."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forget_old_counts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Counts and locks of the old scheme are not carried over: everyone starts with a clean slate.
    apps.get_model("access", "SignInAttempt").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0003_sector_other")]

    operations = [
        migrations.RunPython(forget_old_counts, migrations.RunPython.noop),
        migrations.RenameField("signinattempt", "username", "key"),
        migrations.AlterField(
            model_name="signinattempt",
            name="key",
            field=models.CharField(help_text="username:<name> or address:<ip>", max_length=200, unique=True),
        ),
        migrations.RenameField("signinattempt", "locked_until", "next_try_at"),
        migrations.AddField(
            model_name="signinattempt",
            name="last_failed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # New audit actions: asked to wait, and cleared by an administrator.
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed a record"),
                    ("search", "Searched for people"),
                    ("denied", "Was refused access"),
                    ("export", "Exported or printed"),
                    ("create", "Added to a record"),
                    ("update", "Changed a record"),
                    ("break_glass", "Used emergency access"),
                    ("break_glass_reviewed", "Reviewed emergency access"),
                    ("consent_recorded", "Recorded a consent decision"),
                    ("objection_recorded", "Recorded an objection"),
                    ("care_team_changed", "Changed a care team"),
                    ("rules_changed", "Changed information sharing rules"),
                    ("two_factor_enrolled", "Set up two-factor sign-in"),
                    ("two_factor_failed", "Entered a wrong security code"),
                    ("recovery_code_used", "Signed in with a recovery code"),
                    ("sign_in", "Signed in"),
                    ("sign_in_failed", "Failed to sign in"),
                    ("sign_in_locked", "Sign-in refused: asked to wait after failed attempts"),
                    ("sign_in_unlocked", "Cleared failed sign-in attempts"),
                    ("sign_out", "Signed out"),
                    ("timed_out", "Signed out after inactivity"),
                ],
                max_length=30,
            ),
        ),
    ]
