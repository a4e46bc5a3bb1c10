"""The reference data OneTeam ships with: assessment templates, service types and the role guide's first wording.

Loaded by a data migration (with the migration's historical models) and by
`manage.py load_care_reference_data`; loading twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from .models import AssessmentTemplate, RoleGuide, ServiceType
from .questionnaire import QuestionnaireError, TemplateSpec, read_questionnaire

DATA = Path(__file__).resolve().parent / "data"
QUESTIONNAIRES = DATA / "questionnaires"


def read_questionnaire_file(path: Path) -> TemplateSpec:
    """A template from a Questionnaire JSON file; problems name the file. Raises QuestionnaireError."""
    try:
        resource = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise QuestionnaireError([f"{path.name}: cannot be read as JSON ({error})"]) from None
    return read_questionnaire(resource, source=path.name)


def store_template(template_model: Any, spec: TemplateSpec) -> tuple[Any, bool]:
    """Store a template version; (template, created). The same version again is a no-op, a different one an error.

    `template_model` is AssessmentTemplate, or its historical version in a migration.
    """
    fields = {
        "title": spec.title,
        "description": spec.description,
        "category": spec.category,
        "trusted_professions": spec.trusted_professions,
        "questions": spec.questions,
    }
    existing = template_model.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if any(getattr(existing, name) != value for name, value in fields.items()):
            raise QuestionnaireError(
                [
                    f"{spec.code}: version {spec.version} already exists with different content; "
                    "publish it as a new version"
                ]
            )
        return existing, False
    return template_model.objects.create(
        code=spec.code, version=spec.version, published_at=timezone.now(), **fields
    ), True


def load_reference_data(template_model: Any, service_type_model: Any, role_guide_model: Any) -> None:
    """Load the shipped templates, service types and role guide wording, keeping any a team lead has edited."""
    for path in sorted(QUESTIONNAIRES.glob("*.json")):
        store_template(template_model, read_questionnaire_file(path))
    for service in json.loads((DATA / "service_types.json").read_text(encoding="utf-8")):
        service_type_model.objects.get_or_create(code=service.pop("code"), defaults=service)
    for guide in json.loads((DATA / "role_guide.json").read_text(encoding="utf-8")):
        role_guide_model.objects.get_or_create(
            profession=guide.pop("profession"), defaults={**guide, "updated_at": timezone.now()}
        )


def ensure_reference_data() -> None:
    """Load the reference data with the current models (for tests and `manage.py load_care_reference_data`)."""
    load_reference_data(AssessmentTemplate, ServiceType, RoleGuide)
