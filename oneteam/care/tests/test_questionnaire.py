"""Assessment templates as data: FHIR Questionnaire import and export, and what a bad file says."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from oneteam.care.models import AssessmentTemplate
from oneteam.care.questionnaire import QuestionnaireError, read_questionnaire, write_questionnaire
from oneteam.care.seed import QUESTIONNAIRES, read_questionnaire_file, store_template
from oneteam.organisations.models import Staff

pytestmark = pytest.mark.django_db

SHIPPED = {
    "holistic-what-matters": "care_plan",
    "care-act-needs": "social_care_assessment",
    "community-nursing": "physical_health",
    "falls-risk": "physical_health",
    "carers-assessment": "social_care_assessment",
}


def test_the_five_shipped_templates_are_loaded_with_their_categories() -> None:
    loaded = dict(AssessmentTemplate.objects.values_list("code", "category"))
    assert loaded == SHIPPED


def test_care_act_template_has_the_eligibility_outcomes() -> None:
    template = AssessmentTemplate.objects.get(code="care-act-needs")
    eligibility = next(q for q in template.questions if q["link_id"] == "eligibility")
    assert eligibility["required"] and eligibility["type"] == "choice"
    assert [code for code, _text in eligibility["choices"]] == ["eligible", "not-eligible", "partly-eligible"]


@pytest.mark.parametrize("path", sorted(QUESTIONNAIRES.glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_file_round_trips(path: Path) -> None:
    resource = json.loads(path.read_text())
    assert write_questionnaire(read_questionnaire(resource)) == resource


def test_a_bad_questionnaire_names_the_file_item_and_field() -> None:
    resource = json.loads((QUESTIONNAIRES / "falls-risk.json").read_text())
    resource["item"][1]["type"] = "colour"
    resource["item"][2].pop("text")
    resource["item"][6]["answerOption"] = []
    with pytest.raises(QuestionnaireError) as refused:
        read_questionnaire(resource, source="falls.json")
    assert refused.value.problems == [
        "falls.json: item 2 (linkId 'fall-injury'): type 'colour' is not one of "
        "string, text, boolean, date, choice, integer",
        "falls.json: item 3 (linkId 'fear-of-falling'): text is missing",
        "falls.json: item 7 (linkId 'risk-level'): a choice question needs answerOption entries",
    ]


def test_importing_the_same_file_twice_creates_nothing_new(tmp_path: Path) -> None:
    resource = json.loads((QUESTIONNAIRES / "falls-risk.json").read_text())
    resource["version"] = "2"
    path = tmp_path / "falls-v2.json"
    path.write_text(json.dumps(resource))
    call_command("import_questionnaire", str(path))
    call_command("import_questionnaire", str(path))
    assert AssessmentTemplate.objects.filter(code="falls-risk").count() == 2


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    good = json.loads((QUESTIONNAIRES / "falls-risk.json").read_text())
    good["version"] = "3"
    bad = dict(good, name="carers-assessment", title="")
    (tmp_path / "a.json").write_text(json.dumps(good))
    (tmp_path / "b.json").write_text(json.dumps(bad))
    before = AssessmentTemplate.objects.count()
    with pytest.raises(CommandError, match=r"b\.json: title is missing"):
        call_command("import_questionnaire", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert AssessmentTemplate.objects.count() == before


def test_changing_a_published_version_is_refused() -> None:
    spec = read_questionnaire_file(QUESTIONNAIRES / "falls-risk.json")
    spec.title = "Something else"
    resource = write_questionnaire(spec)
    with pytest.raises(QuestionnaireError, match="version 1 already exists with different content"):
        store_template(AssessmentTemplate, read_questionnaire(resource))


def test_templates_page_and_export(client_for: object, nurse: Staff) -> None:
    client: Client = client_for(nurse)  # type: ignore[operator]
    page = client.get(reverse("care:templates")).content.decode()
    assert "Care Act needs assessment" in page
    template = AssessmentTemplate.objects.get(code="care-act-needs")
    exported = client.get(reverse("care:questionnaire", args=[template.pk])).json()
    assert exported == json.loads((QUESTIONNAIRES / "care-act-needs.json").read_text())


def test_question_ids_must_be_simple_so_form_fields_cannot_collide() -> None:
    resource = json.loads((QUESTIONNAIRES / "falls-risk.json").read_text())
    resource["item"][0]["linkId"] = "falls_last year"
    with pytest.raises(QuestionnaireError, match="item 1: linkId must be letters and digits joined by hyphens"):
        read_questionnaire(resource, source="falls.json")
