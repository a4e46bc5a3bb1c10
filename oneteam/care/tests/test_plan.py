"""The shared care plan: goals and actions, its history, no lost updates, and the printable PDF."""

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from oneteam.access.models import AuditAction, AuditEvent, CareRole
from oneteam.access.services import care_team
from oneteam.care import services
from oneteam.care.forms import care_staff_for
from oneteam.care.models import ActionStatus, CarePlan, GoalStatus, PlanAction, ServiceType
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person_outside_the_area

from .factories import full_plan

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def post(client: Client, name: str, person: Person, data: dict[str, str]) -> object:
    return client.post(reverse(f"care:{name}", args=[person.pk]), data)


def test_social_worker_builds_a_plan_with_goals_and_actions_for_two_professions(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    client = client_for(social_worker)
    post(client, "edit_plan", person, {"version": "0", "what_matters": "I want to stay at home with my cat"})
    post(client, "add_goal", person, {"version": "1", "text": "I want to walk to the post office", "self_care": "no"})
    post(client, "add_goal", person, {"version": "2", "text": "I'll do my leg exercises every day", "self_care": "yes"})
    due = timezone.localdate()
    for version, owner, what in ((3, nurse, "Dress leg ulcer"), (4, social_worker, "Arrange a day centre place")):
        post(
            client,
            "add_action",
            person,
            {
                "version": str(version),
                "description": what,
                "owner": str(owner.pk),
                "service_type": str(ServiceType.objects.get(code="district-nursing").pk),
                "due_day": str(due.day),
                "due_month": str(due.month),
                "due_year": str(due.year),
            },
        )
    plan = CarePlan.objects.get(person=person)
    assert plan.version == 5
    assert [goal.text for goal in plan.goals.all()] == [
        "I want to walk to the post office",
        "I'll do my leg exercises every day",
    ]
    assert [goal.self_care for goal in plan.goals.all()] == [False, True]
    assert {action.owner_profession for action in plan.actions.all()} == {"district_nurse", "social_worker"}
    page = client_for(nurse).get(reverse("care:record", args=[person.pk])).content.decode()
    assert "I want to walk to the post office" in page
    assert "Free (NHS)" in page
    assert f"Version 5: {social_worker.get_full_name()} (Social worker)" in page
    assert list(plan.changes.values_list("version", flat=True)) == [5, 4, 3, 2, 1]


def test_a_stale_save_is_refused_and_the_other_change_is_shown(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    full_plan(person, nurse, goals=0, actions=0)
    version = CarePlan.objects.get(person=person).version
    first, second = client_for(nurse), client_for(social_worker)
    # Both open the form at the same version; the nurse saves first.
    assert f'value="{version}"' in first.get(reverse("care:edit_plan", args=[person.pk])).content.decode()
    post(first, "edit_plan", person, {"version": str(version), "what_matters": "I want to see my grandson"})
    response = post(second, "edit_plan", person, {"version": str(version), "what_matters": "I want a bath"})
    assert response.status_code == 409  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Your change has not been saved yet, because someone else changed this care plan" in page
    assert "I want to see my grandson" in page  # their change is shown
    assert "I want a bath" in page  # and what you typed is kept
    assert f'value="{version + 1}"' in page  # saving again is now a deliberate choice
    plan = CarePlan.objects.get(person=person)
    assert plan.what_matters == "I want to see my grandson"
    assert plan.version == version + 1


def test_the_version_check_is_a_conditional_update_in_the_database(person: Person, nurse: Staff) -> None:
    """Even if both requests read the plan first, only the first UPDATE ... WHERE version = n succeeds."""
    services.update_plan_text(actor=nurse, person=person, expected_version=0, what_matters="First")
    CarePlan.objects.filter(person=person).update(version=7)  # someone else, behind our back
    with pytest.raises(services.StalePlan):
        services.add_goal(actor=nurse, person=person, expected_version=1, text="Lost?", self_care=False)
    plan = CarePlan.objects.get(person=person)
    assert not plan.goals.exists() and plan.version == 7 and plan.changes.count() == 1


def test_action_status_and_decisions_are_recorded_with_history(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    version = full_plan(person, nurse)
    action = PlanAction.objects.get(description="Action 0")
    client = client_for(nurse)
    client.post(reverse("care:action_status", args=[person.pk, action.pk]), {"version": str(version), "status": "done"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    response = post(
        client,
        "add_decision",
        person,
        {"version": str(version + 1), "decision": "No carers", "considered_unwise": "yes"},
    )
    assert 'id="id_risks_discussed-error"' in response.content.decode()  # type: ignore[attr-defined]
    page = client.get(reverse("care:record", args=[person.pk])).content.decode()
    assert "Considered unwise: the person&#39;s informed choice" in page
    assert "Marked “Action 0” as done" in page


def test_plan_fields_over_long_give_field_errors_and_change_nothing(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    response = post(client_for(nurse), "edit_plan", person, {"version": "0", "crisis_plan": "x" * 5001})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert 'id="id_crisis_plan-error"' in response.content.decode()  # type: ignore[attr-defined]
    assert not CarePlan.objects.exists()


def test_an_action_due_in_the_past_or_on_an_impossible_date_is_refused(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    base = {
        "version": "0",
        "description": "Visit",
        "owner": str(nurse.pk),
        "service_type": str(ServiceType.objects.get(code="home-care").pk),
    }
    page = post(client_for(nurse), "add_action", person, base | {"due_day": "30", "due_month": "2", "due_year": "2030"})
    assert "The due date must be a real date" in page.content.decode()  # type: ignore[attr-defined]
    page = post(client_for(nurse), "add_action", person, base | {"due_day": "1", "due_month": "1", "due_year": "2020"})
    assert "or later" in page.content.decode()  # type: ignore[attr-defined]
    assert not PlanAction.objects.exists() and not CarePlan.objects.exists()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _body_font_sizes(content: bytes) -> set[float]:
    """The sizes of the regular (not bold) text in the PDF, read from its content streams."""
    sizes = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        stream = page.get_contents()
        assert stream is not None
        sizes |= {float(size) for size in re.findall(rb"/F2 ([0-9.]+) Tf", stream.get_data())}
    return sizes


def test_the_pdf_contains_the_goals_in_plain_words_and_large_print(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    full_plan(person, nurse)
    client = client_for(nurse)
    response = client.get(reverse("care:plan_pdf", args=[person.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "My care plan: Ada Khan" in text
    assert "Goal 0" in text and "Goal 1" in text
    assert "I want to stay in my own home" in text
    large = client.get(reverse("care:plan_pdf", args=[person.pk]) + "?print=large").content
    assert _body_font_sizes(response.content) == {12.0}
    assert _body_font_sizes(large) == {18.0}
    assert "Goal 0" in _pdf_text(large)
    assert AuditEvent.objects.filter(staff=nurse, action=AuditAction.EXPORT, person_id=person.pk).count() == 2


def test_an_outsider_cannot_change_or_print_the_plan(client_for: SignIn, person: Person, nurse: Staff) -> None:
    full_plan(person, nurse)
    outsider = make_staff(make_neighbourhood())
    client = client_for(outsider)
    assert post(client, "add_goal", person, {"version": "6", "text": "x", "self_care": "no"}).status_code == 403  # type: ignore[attr-defined]
    assert client.get(reverse("care:plan_pdf", args=[person.pk])).status_code == 403
    assert CarePlan.objects.get(person=person).goals.count() == 2


def test_a_goal_is_marked_met_with_history(client_for: SignIn, person: Person, nurse: Staff) -> None:
    version = full_plan(person, nurse)
    goal = CarePlan.objects.get(person=person).goals.get(text="Goal 1")
    client = client_for(nurse)
    url = reverse("care:goal_status", args=[person.pk, goal.pk])
    assert "“Goal 1”" in client.get(url).content.decode()
    client.post(url, {"version": str(version), "status": "met"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MET
    assert "Marked the goal “Goal 1” as met" in client.get(reverse("care:record", args=[person.pk])).content.decode()


def test_the_care_team_of_someone_outside_the_area_may_own_their_actions() -> None:
    # No neighbourhood team serves them (ADR 14), so the actions' owners and visitors are their care team.
    harriet = make_person_outside_the_area()
    home = make_neighbourhood()
    key_worker, colleague = make_staff(home), make_staff(home)
    care_team.join_care_team(actor=None, person=harriet, staff=key_worker, role=CareRole.KEY_WORKER)

    assert list(care_staff_for(harriet)) == [key_worker]
    assert colleague not in care_staff_for(harriet)
