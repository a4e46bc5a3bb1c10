"""A save that meets a newer version of the care plan is merged field by field, never reverting anyone."""

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.care import services
from oneteam.care.models import CarePlan, GoalStatus, ServiceType
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from .factories import full_plan

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]
TEXTS = ("what_matters", "crisis_plan", "contingency_plan", "carers")


def test_merge_keeps_each_side_and_marks_only_real_conflicts() -> None:
    base = {"a": "old", "b": "old", "c": "old", "d": "old", "e": "old"}
    theirs = {"a": "theirs", "b": "old", "c": "theirs", "d": "same", "e": "old"}
    yours = {"a": "old", "b": "yours", "c": "yours", "d": "same", "e": "old"}
    merges = {merge.name: merge for merge in services.merge_changes(base=base, theirs=theirs, yours=yours)}
    assert set(merges) == {"a", "b", "c", "d"}  # nobody changed e
    assert merges["a"].saved == "theirs"
    assert merges["b"].saved == "yours"
    assert merges["c"].conflict and merges["c"].saved is None
    assert merges["d"].saved == "same"
    assert services.merge_changes(base={"a": "x\r\ny"}, theirs={"a": "x\ny"}, yours={"a": "x\r\ny"}) == []


class _Fields(HTMLParser):
    """The values a browser would post from a page's form: inputs (not radios) and textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name") or ""
        if tag == "input" and found.get("type") != "radio" and name != "csrfmiddlewaretoken":
            self.values[name] = found.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def fields_of(response: object) -> dict[str, str]:
    parser = _Fields()
    parser.feed(response.content.decode())  # type: ignore[attr-defined]
    return parser.values


def _opened(client: Client, person: Person) -> dict[str, str]:
    """What the plan form posts back unchanged: the version and each text as opened."""
    return fields_of(client.get(reverse("care:edit_plan", args=[person.pk])))


def test_a_stale_save_keeps_their_field_and_yours_and_asks_about_the_one_both_changed(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    full_plan(person, nurse, goals=0, actions=0)
    nurses, theirs = client_for(nurse), client_for(social_worker)
    nurse_form, social_form = _opened(nurses, person), _opened(theirs, person)

    nurses.post(
        reverse("care:edit_plan", args=[person.pk]),
        {**nurse_form, "what_matters": "Seeing my grandson", "crisis_plan": "Ring 111"},
    )
    stale = theirs.post(
        reverse("care:edit_plan", args=[person.pk]),
        {**social_form, "carers": "Son, weekends", "crisis_plan": "Ring my son"},
    )
    assert stale.status_code == 409
    plan = CarePlan.objects.get(person=person)
    assert (plan.carers, plan.what_matters) == ("Daughter, daily", "Seeing my grandson")  # nothing saved yet
    page = stale.content.decode()
    assert "Keep their version: “Ring 111”" in page and "Keep your version: “Ring my son”" in page
    data = fields_of(stale)
    assert data["what_matters"] == "Seeing my grandson"  # only they changed it
    assert data["carers"] == "Son, weekends"  # only you changed it
    assert data["conflicts"] == "crisis_plan"

    # Posting the merge page back as it stands: the choice is required before anything is saved.
    refused = theirs.post(reverse("care:edit_plan", args=[person.pk]), data)
    assert refused.status_code == 400
    assert "Choose which version of crisis plan to save" in refused.content.decode()
    assert CarePlan.objects.get(person=person).version == plan.version

    theirs.post(reverse("care:edit_plan", args=[person.pk]), {**data, "choose_crisis_plan": "theirs"})
    plan = CarePlan.objects.get(person=person)
    assert plan.what_matters == "Seeing my grandson"  # theirs, not reverted
    assert plan.carers == "Son, weekends"  # yours
    assert plan.crisis_plan == "Ring 111"  # the choice


def test_a_stale_goal_status_that_did_not_clash_saves_without_a_choice(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    version = full_plan(person, nurse, goals=1, actions=0)
    goal = CarePlan.objects.get(person=person).goals.get()
    url = reverse("care:goal_status", args=[person.pk, goal.pk])
    services.update_plan_text(actor=nurse, person=person, expected_version=version, what_matters="New words")
    stale = client_for(social_worker).post(
        url, {"version": str(version), "status": GoalStatus.MET, "was_status": GoalStatus.WORKING_ON}
    )
    data = fields_of(stale)
    assert (data["status"], data["conflicts"]) == (GoalStatus.MET, "")
    client_for(social_worker).post(url, data)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MET
    assert CarePlan.objects.get(person=person).what_matters == "New words"


def test_a_stale_addition_keeps_what_was_typed_and_saves_on_confirmation(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    version = full_plan(person, nurse, goals=0, actions=0)
    services.update_plan_text(actor=nurse, person=person, expected_version=version, what_matters="New words")
    client = client_for(social_worker)
    service = str(ServiceType.objects.get(code="day-centre").pk)
    stale = client.post(
        reverse("care:add_action", args=[person.pk]),
        {
            "version": str(version),
            "description": "Arrange a day centre place",
            "owner": str(social_worker.pk),
            "service_type": service,
            "due_day": "1",
            "due_month": "6",
            "due_year": "2030",
        },
    )
    assert stale.status_code == 409
    data = fields_of(stale)
    assert data["description"] == "Arrange a day centre place" and data["version"] == str(version + 1)
    assert "Changed What matters to me" in stale.content.decode()
    page = stale.content.decode()
    # The owner and the kind of service chosen are still chosen (select boxes are not in `fields_of`).
    assert f'value="{social_worker.pk}" selected' in page and f'value="{service}" selected' in page
    data.update(owner=str(social_worker.pk), service_type=service)
    assert client.post(reverse("care:add_action", args=[person.pk]), data).status_code == 302
    plan = CarePlan.objects.get(person=person)
    assert plan.what_matters == "New words" and plan.actions.get().description == "Arrange a day centre place"
