"""Assessment templates to and from FHIR R4 Questionnaire JSON. Pure functions: no database.

A template's data category and its trusted-assessor professions travel as
extensions; each question's help text as a nested `display` item with the
`help` item control, as the FHIR structured-data-capture guide writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from oneteam.access.models import DataCategory
from oneteam.organisations.models import Profession

from .models import AssessmentTemplate, QuestionType

CANONICAL_BASE = "https://oneteam.nhs.example/fhir"
CATEGORY_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/data-category"
TRUSTED_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/trusted-assessor-profession"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
# The longest answer a question may allow, and the default limits when a question sets none.
MAX_ANSWER_LENGTH = 5000
# Question ids become form field names, so they are kept simple and distinct: lower-case words and hyphens.
LINK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_MAX_LENGTH = {QuestionType.STRING: 200, QuestionType.TEXT: 2000}


class QuestionnaireError(Exception):
    """The Questionnaire cannot become a template; `problems` says where and what, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class TemplateSpec:
    """An assessment template as read from a Questionnaire, ready to store."""

    code: str
    version: int
    title: str
    description: str
    category: str
    trusted_professions: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)


def template_spec(template: AssessmentTemplate) -> TemplateSpec:
    """A stored template version as a spec, ready to write as a Questionnaire."""
    return TemplateSpec(
        code=template.code,
        version=template.version,
        title=template.title,
        description=template.description,
        category=template.category,
        trusted_professions=template.trusted_professions,
        questions=template.questions,
    )


def canonical_url(code: str) -> str:
    """The canonical URL of a template's Questionnaire (every version of it shares the URL)."""
    return f"{CANONICAL_BASE}/Questionnaire/{code}"


def _help_text(item: dict[str, Any]) -> str:
    for child in item.get("item", []):
        if child.get("type") == "display":
            return str(child.get("text", ""))
    return ""


def _question(item: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any] | None:
    """One question from a Questionnaire item, or None with the problems added."""
    link_id, kind = item.get("linkId"), item.get("type")
    if not isinstance(link_id, str) or not LINK_ID.match(link_id):
        problems.append(f"{where}: linkId must be letters and digits joined by hyphens, like 'what-matters'")
        return None
    where = f"{where} (linkId {link_id!r})"
    if kind not in QuestionType.values:
        problems.append(f"{where}: type {kind!r} is not one of {', '.join(QuestionType.values)}")
        return None
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: text is missing")
        return None
    choices = []
    for option in item.get("answerOption", []):
        coding = option.get("valueCoding", {})
        if not coding.get("code") or not coding.get("display"):
            problems.append(f"{where}: every answerOption needs a valueCoding with a code and a display")
            return None
        choices.append([str(coding["code"]), str(coding["display"])])
    if kind == QuestionType.CHOICE and not choices:
        problems.append(f"{where}: a choice question needs answerOption entries")
        return None
    max_length = item.get("maxLength", DEFAULT_MAX_LENGTH.get(QuestionType(kind)))
    if max_length is not None and (not isinstance(max_length, int) or not 0 < max_length <= MAX_ANSWER_LENGTH):
        problems.append(f"{where}: maxLength must be a whole number from 1 to {MAX_ANSWER_LENGTH}")
        return None
    return {
        "link_id": link_id,
        "text": text.strip(),
        "type": kind,
        "required": bool(item.get("required", False)),
        "help_text": _help_text(item),
        "choices": choices,
        "max_length": max_length,
    }


def _extension_codes(resource: dict[str, Any], url: str) -> list[str]:
    return [str(ext.get("valueCode", "")) for ext in resource.get("extension", []) if ext.get("url") == url]


def read_questionnaire(resource: Any, source: str = "Questionnaire") -> TemplateSpec:
    """A template from a FHIR Questionnaire resource (parsed JSON). Raises QuestionnaireError naming every problem.

    `source` (usually the file name) starts each problem, so an import says file, record and field.
    """
    if not isinstance(resource, dict) or resource.get("resourceType") != "Questionnaire":
        raise QuestionnaireError([f"{source}: resourceType must be 'Questionnaire'"])
    problems: list[str] = []
    code, title = resource.get("name"), resource.get("title")
    if not isinstance(code, str) or not code.replace("-", "").replace("_", "").isalnum():
        problems.append(f"{source}: name must be a code of letters, digits and hyphens")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{source}: title is missing")
    version = str(resource.get("version", ""))
    if not version.isdigit() or int(version) < 1:
        problems.append(f"{source}: version must be a whole number from 1")
    categories = _extension_codes(resource, CATEGORY_EXTENSION)
    if len(categories) != 1 or categories[0] not in DataCategory.values:
        problems.append(f"{source}: needs exactly one data-category extension naming a data category")
    trusted = _extension_codes(resource, TRUSTED_EXTENSION)
    problems.extend(
        f"{source}: trusted-assessor-profession {code!r} is not a profession"
        for code in trusted
        if code not in Profession.values
    )
    questions = []
    seen: set[str] = set()
    for number, item in enumerate(resource.get("item", []), start=1):
        question = _question(item, f"{source}: item {number}", problems)
        if question is None:
            continue
        if question["link_id"] in seen:
            problems.append(f"{source}: item {number}: linkId {question['link_id']!r} is used twice")
        seen.add(question["link_id"])
        questions.append(question)
    if not questions and not problems:
        problems.append(f"{source}: the Questionnaire has no questions")
    if problems:
        raise QuestionnaireError(problems)
    return TemplateSpec(
        code=str(code),
        version=int(version),
        title=str(title).strip(),
        description=str(resource.get("description", "")),
        category=categories[0],
        trusted_professions=trusted,
        questions=questions,
    )


def _item(question: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question["link_id"],
        "text": question["text"],
        "type": question["type"],
        "required": question["required"],
    }
    if question.get("max_length") and question["type"] in (QuestionType.STRING, QuestionType.TEXT):
        item["maxLength"] = question["max_length"]
    if question["choices"]:
        item["answerOption"] = [{"valueCoding": {"code": code, "display": text}} for code, text in question["choices"]]
    if question["help_text"]:
        item["item"] = [
            {
                "linkId": f"{question['link_id']}-help",
                "type": "display",
                "text": question["help_text"],
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]},
                    }
                ],
            }
        ]
    return item


def write_questionnaire(spec: TemplateSpec) -> dict[str, Any]:
    """The FHIR R4 Questionnaire for a template; `read_questionnaire` reads it back unchanged."""
    extensions = [{"url": CATEGORY_EXTENSION, "valueCode": spec.category}]
    extensions += [{"url": TRUSTED_EXTENSION, "valueCode": code} for code in spec.trusted_professions]
    return {
        "resourceType": "Questionnaire",
        "url": canonical_url(spec.code),
        "name": spec.code,
        "version": str(spec.version),
        "title": spec.title,
        "status": "active",
        "description": spec.description,
        "extension": extensions,
        "item": [_item(question) for question in spec.questions],
    }
