"""Care in the FHIR API: CarePlan, Task and QuestionnaireResponse about a person; Questionnaire about no one."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneteam.access.models import AuditEvent
from oneteam.care import services
from oneteam.care.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CarePlan,
    GoalStatus,
    PlanAction,
    ServiceType,
)
from oneteam.care.questionnaire import canonical_url
from oneteam.care.seed import ensure_reference_data
from oneteam.care.tests.factories import completed_assessment, full_plan, template
from oneteam.fhir import codes
from oneteam.fhir.registry import PERSON_RESOURCES
from oneteam.mdt import services as mdt_services
from oneteam.mdt.models import MdtAction
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person

from . import checks
from .conftest import Api, Place

pytestmark = pytest.mark.django_db

COMMUNITY_NURSING = {"presenting-need": "Leg ulcer", "skin-integrity": "Intact", "nutrition-must": 2}
CARE_ACT = {
    "needs-arise-from": True,
    "outcomes-unable": "Preparing meals",
    "wellbeing-impact": False,
    "wellbeing-evidence": "Says she copes",
    "eligibility": "eligible",
    "financial-assessment": "declined",
}


@pytest.fixture(autouse=True)
def reference_data(db: None) -> None:
    """The shipped templates and service types: a transactional test elsewhere may have flushed them."""
    ensure_reference_data()


@dataclass
class Care:
    """A person with a care plan, an MDT action and two completed assessments in different categories."""

    person: Person
    nurse: Staff
    plan_action: PlanAction
    mdt_action: MdtAction
    physical: Assessment
    social: Assessment


def _care(place: Place) -> Care:
    person = make_person(place.neighbourhood)
    nurse = make_staff(place.neighbourhood)
    version = full_plan(person, nurse, goals=2, actions=1)
    goal = person.care_plan.goals.first()
    assert goal is not None
    services.set_goal_status(actor=nurse, person=person, expected_version=version, goal=goal, status=GoalStatus.MET)
    details = services.ActionDetails(
        description="Fit a grab rail",
        owner=nurse,
        service_type=ServiceType.objects.get(code="district-nursing"),
        due_on=datetime.date(2026, 12, 1),
        goal=goal,
    )
    plan_action = services.add_action(actor=nurse, person=person, expected_version=version + 1, details=details)
    item = make_item(make_meeting(place.neighbourhood, nurse), person)
    mdt_action = mdt_services.add_action(
        actor=nurse, item=item, description="Ask the GP to review medicines", owner=nurse, due_on=datetime.date.today()
    )
    mdt_services.complete_action(actor=nurse, action=mdt_action)
    # An assessment still in progress is not shared with the team, so never served.
    completed_assessment(person, nurse, status=AssessmentStatus.IN_PROGRESS, completed_at=None)
    return Care(
        person,
        nurse,
        plan_action,
        mdt_action,
        physical=completed_assessment(person, nurse, code="community-nursing", answers=COMMUNITY_NURSING),
        social=completed_assessment(person, nurse, code="care-act-needs", answers=CARE_ACT),
    )


def _by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {resource["id"]: resource for resource in resources}


def test_care_plan_has_its_goals_actions_author_and_version(place: Place, api: Api) -> None:
    care = _care(place)

    [plan] = checks.entries(api.http.get("/fhir/CarePlan", {"patient": care.person.pk}))

    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["subject"]["identifier"]["value"] == care.person.nhs_number
    assert plan["author"]["identifier"]["value"] == care.nurse.username
    assert plan["meta"]["versionId"] == str(CarePlan.objects.get(person=care.person).version)
    goals = _by_id(plan["contained"])
    assert [reference["reference"] for reference in plan["goal"]] == [f"#{goal_id}" for goal_id in goals]
    assert sorted(goal["lifecycleStatus"] for goal in goals.values()) == ["active", "completed"]
    activities = [activity["reference"]["reference"] for activity in plan["activity"]]
    assert f"Task/plan-{care.plan_action.pk}" in activities and f"Task/mdt-{care.mdt_action.pk}" in activities
    tasks = {f"Task/{task['id']}" for task in checks.entries(api.http.get("/fhir/Task", {"patient": care.person.pk}))}
    assert set(activities) == tasks
    assert {"text": "What matters to me: I want to stay in my own home"} in plan["note"]
    assert checks.body(api.http.get(f"/fhir/CarePlan/{plan['id']}")) == plan


def test_tasks_tell_plan_actions_from_mdt_actions_by_id(place: Place, api: Api) -> None:
    care = _care(place)

    plan_task = checks.body(api.http.get(f"/fhir/Task/plan-{care.plan_action.pk}"))
    mdt_task = checks.body(api.http.get(f"/fhir/Task/mdt-{care.mdt_action.pk}"))

    assert (plan_task["intent"], plan_task["status"], plan_task["description"]) == ("plan", "ready", "Fit a grab rail")
    assert plan_task["restriction"]["period"]["end"] == "2026-12-01"
    assert plan_task["basedOn"] == [{"reference": f"CarePlan/{care.person.care_plan.pk}"}]
    assert plan_task["reasonCode"] == {"text": "Goal 0"}
    assert plan_task["owner"]["identifier"]["value"] == care.nurse.username
    assert (mdt_task["intent"], mdt_task["status"]) == ("order", "completed")
    assert mdt_task["for"]["identifier"]["value"] == care.person.nhs_number
    assert "end" in mdt_task["executionPeriod"]
    for wrong in (str(care.plan_action.pk), f"plan-0{care.plan_action.pk}", f"mdt-{care.plan_action.pk}x", "visit-1"):
        assert api.http.get(f"/fhir/Task/{wrong}").status_code == 404, wrong


def test_questionnaire_response_answers_its_template_version(place: Place, api: Api) -> None:
    care = _care(place)

    found = _by_id(checks.entries(api.http.get("/fhir/QuestionnaireResponse", {"patient": care.person.pk})))

    assert set(found) == {str(care.physical.pk), str(care.social.pk)}
    social = found[str(care.social.pk)]
    assert social["questionnaire"] == f"{canonical_url('care-act-needs')}|1"
    assert (social["status"], social["author"]["identifier"]["value"]) == ("completed", care.nurse.username)
    answers = {item["linkId"]: item["answer"][0] for item in social["item"]}
    assert answers["needs-arise-from"] == {"valueBoolean": True}
    words = dict(template("care-act-needs").questions[4]["choices"])["eligible"]
    assert answers["eligibility"] == {"valueCoding": {"code": "eligible", "display": words}}
    assert "person-view" not in answers
    nursing = {item["linkId"]: item["answer"][0] for item in found[str(care.physical.pk)]["item"]}
    assert nursing["nutrition-must"] == {"valueInteger": 2}
    assert checks.body(api.http.get(f"/fhir/QuestionnaireResponse/{care.social.pk}")) == social


def test_a_client_sees_only_the_assessment_categories_the_policy_allows(
    place: Place, api_for: Callable[..., Api]
) -> None:
    """As on the care page, an assessment is in its template's category: a social worker in the team sees social
    care assessments, but physical health only for people whose care team they are on."""
    care = _care(place)
    social_worker = api_for(place.neighbourhood, profession=Profession.SOCIAL_WORKER)

    found = checks.entries(social_worker.http.get("/fhir/QuestionnaireResponse", {"patient": care.person.pk}))
    refused = social_worker.http.get(f"/fhir/QuestionnaireResponse/{care.physical.pk}")

    assert [resource["id"] for resource in found] == [str(care.social.pk)]
    assert refused.status_code == 403
    denied = AuditEvent.objects.filter(staff=social_worker.client.staff, person_id=care.person.pk, action="denied")
    assert set(denied.values_list("category", flat=True)) == {"physical_health"}


@pytest.mark.parametrize("resource_type", ["CarePlan", "Task", "QuestionnaireResponse"])
def test_a_client_whose_scope_does_not_cover_the_person_is_refused_and_audited(
    place: Place, api_for: Callable[..., Api], resource_type: str
) -> None:
    care = _care(place)
    elsewhere = api_for(make_neighbourhood())
    [first, *_] = PERSON_RESOURCES[resource_type].by_people([care.person.pk])

    for path in (f"/fhir/{resource_type}?patient={care.person.pk}", f"/fhir/{resource_type}/{first['id']}"):
        refused_before = AuditEvent.objects.filter(person_id=care.person.pk, action="denied").count()
        response = elsewhere.http.get(path)

        assert response.status_code == 403, path
        assert checks.body(response)["issue"][0]["code"] == "forbidden"
        assert AuditEvent.objects.filter(person_id=care.person.pk, action="denied").count() > refused_before
        assert (checks.last_event().staff, checks.last_event().detail["status"]) == (elsewhere.client.staff, 403)


def test_everything_includes_the_care_plan_tasks_and_assessments(place: Place, api: Api) -> None:
    care = _care(place)

    found = checks.entries(api.http.get(f"/fhir/Patient/{care.person.pk}/$everything"))

    types = [resource["resourceType"] for resource in found]
    assert (types.count("CarePlan"), types.count("Task"), types.count("QuestionnaireResponse")) == (1, 3, 2)


def test_care_resources_cost_the_same_queries_however_many_people_and_records(
    place: Place, api: Api, django_assert_num_queries: Any
) -> None:
    """by_people is one set of queries for any number of people, and $everything stays flat."""
    one = _care(place)
    with CaptureQueriesContext(connection) as few:
        api.http.get(f"/fhir/Patient/{one.person.pk}/$everything")
    kinds = [PERSON_RESOURCES[name] for name in ("CarePlan", "Task", "QuestionnaireResponse")]
    with CaptureQueriesContext(connection) as for_one:
        for kind in kinds:
            kind.by_people([one.person.pk])
    more = [_care(place) for _ in range(3)]
    plan = CarePlan.objects.get(person=one.person)
    services.add_goal(actor=one.nurse, person=one.person, expected_version=plan.version, text="Walk", self_care=True)
    completed_assessment(one.person, one.nurse, code="falls-risk", answers={"falls-last-year": 1})

    with django_assert_num_queries(len(for_one.captured_queries)):
        for kind in kinds:
            kind.by_people([care.person.pk for care in (one, *more)])
    with django_assert_num_queries(len(few.captured_queries)):
        api.http.get(f"/fhir/Patient/{one.person.pk}/$everything")


def test_questionnaires_are_open_to_any_client_and_audited(place: Place, api_for: Callable[..., Api]) -> None:
    """Templates hold no one's record: a client that may see no one may still read them."""
    outsider = api_for(make_neighbourhood(), profession=Profession.ADMINISTRATOR)
    current = template("falls-risk")
    newer = AssessmentTemplate.objects.create(
        code=current.code,
        version=2,
        title=current.title,
        category=current.category,
        questions=current.questions,
        published_at=timezone.now(),
    )

    read = checks.body(outsider.http.get(f"/fhir/Questionnaire/{current.pk}"))
    by_url = checks.entries(outsider.http.get("/fhir/Questionnaire", {"url": canonical_url("falls-risk")}))
    active = checks.entries(outsider.http.get("/fhir/Questionnaire", {"name": "falls", "status": "active"}))

    assert (read["name"], read["version"], read["status"]) == ("falls-risk", "1", "retired")
    assert read["url"] == canonical_url("falls-risk")
    assert [q["id"] for q in by_url] == [str(current.pk), str(newer.pk)]
    assert [(q["id"], q["status"]) for q in active] == [(str(newer.pk), "active")]
    assert checks.entries(outsider.http.get("/fhir/Questionnaire", {"status": "draft"})) == []
    assert checks.entries(outsider.http.get("/fhir/Questionnaire", {"url": "https://elsewhere.example/x"})) == []
    events = AuditEvent.objects.filter(staff=outsider.client.staff).order_by("id")
    assert [(e.action, e.detail["fhir"]) for e in events] == [
        ("view", "Questionnaire read"),
        *[("search", "Questionnaire search")] * 4,
    ]
    assert outsider.http.get("/fhir/Questionnaire", {"title": "Falls"}).status_code == 400
    assert outsider.http.get("/fhir/Questionnaire/999999").status_code == 404
    assert Client().get(f"/fhir/Questionnaire/{current.pk}").status_code == 401


def test_metadata_names_the_care_resources(db: None) -> None:
    statement = checks.body(Client().get("/fhir/metadata"))

    served = {entry["type"]: entry for entry in statement["rest"][0]["resource"]}
    for resource_type in ("CarePlan", "Task", "QuestionnaireResponse", "Questionnaire"):
        assert served[resource_type]["profile"] == codes.profile(resource_type)
        assert {"read", "search-type"} <= {i["code"] for i in served[resource_type]["interaction"]}
    assert [p["name"] for p in served["Task"]["searchParam"]] == ["patient", "_count", "_offset"]
    assert [p["name"] for p in served["Questionnaire"]["searchParam"]] == ["name", "url", "status", "_count", "_offset"]


def test_the_bulk_export_writes_care_types_when_asked(place: Place, api_for: Callable[..., Api], tmp_path: Any) -> None:
    care = _care(place)
    api = api_for(place.neighbourhood)
    call_command(
        "export_fhir", "--client", str(api.client.pk), "--out", str(tmp_path),
        "--type", "CarePlan", "--type", "Task", "--type", "QuestionnaireResponse",
    )  # fmt: skip
    written = {
        path.stem: [checks.valid(json.loads(line)) for line in path.read_text().splitlines()]
        for path in tmp_path.glob("*.ndjson")
    }
    assert [plan["subject"]["reference"] for plan in written["CarePlan"]] == [f"Patient/{care.person.pk}"]
    plan_actions = {f"plan-{pk}" for pk in care.person.care_plan.actions.values_list("pk", flat=True)}
    assert f"plan-{care.plan_action.pk}" in plan_actions
    assert {task["id"] for task in written["Task"]} == plan_actions | {f"mdt-{care.mdt_action.pk}"}
    assert {response["id"] for response in written["QuestionnaireResponse"]} == {
        str(care.physical.pk),
        str(care.social.pk),
    }
    assert "Patient" not in written  # only the types asked for
