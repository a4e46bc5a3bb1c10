"""Load the shipped assessment templates, service types and the role guide's first wording."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from oneteam.care.seed import load_reference_data

    load_reference_data(
        apps.get_model("care", "AssessmentTemplate"),
        apps.get_model("care", "ServiceType"),
        apps.get_model("care", "RoleGuide"),
    )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
