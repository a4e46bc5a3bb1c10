"""Mental capacity records: decision-specific, the two-stage test with evidence, best interests, who may see them."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import ask
from oneteam.care.models import CapacityAssessment, CapacityOutcome
from oneteam.care.services import capacity_outcome
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]

LACKS = CapacityOutcome.LACKS_CAPACITY
HAS = CapacityOutcome.HAS_CAPACITY


@pytest.mark.parametrize(
    ("impairment", "stage_two", "outcome"),
    [
        (False, (None, None, None, None), HAS),
        (True, (True, True, True, True), HAS),
        (True, (True, False, True, True), LACKS),
        (True, (True, True, True, False), LACKS),
        (False, (False, False, False, False), HAS),  # no impairment: the test cannot find incapacity
    ],
)
def test_the_two_stage_test(impairment: bool, stage_two: tuple[bool | None, ...], outcome: CapacityOutcome) -> None:
    understands, retains, uses_or_weighs, communicates = stage_two
    assert (
        capacity_outcome(
            impairment=impairment,
            understands=understands,
            retains=retains,
            uses_or_weighs=uses_or_weighs,
            communicates=communicates,
        )
        == outcome
    )


FORM = {
    "decision": "Where to live after leaving hospital",
    "assessed_day": "2",
    "assessed_month": "3",
    "assessed_year": "2026",
    "impairment": "yes",
    "impairment_evidence": "Diagnosed vascular dementia",
    "understands": "yes",
    "understands_evidence": "Explained the options back to me",
    "retains": "no",
    "retains_evidence": "Could not recall the options ten minutes later, on two visits",
    "uses_or_weighs": "yes",
    "uses_or_weighs_evidence": "Weighed up stairs against being near family",
    "communicates": "yes",
    "communicates_evidence": "Clear speech",
}


def test_a_social_worker_records_lack_of_capacity_with_a_best_interests_decision(
    client_for: SignIn, person: Person, social_worker: Staff
) -> None:
    client = client_for(social_worker)
    url = reverse("care:add_capacity", args=[person.pk])
    response = client.post(url, FORM)
    assert response.status_code == 400
    assert 'id="id_best_interests_decision-error"' in response.content.decode()
    assert not CapacityAssessment.objects.exists()
    client.post(url, FORM | {"best_interests_decision": "Move to extra-care housing near her daughter"})
    record = CapacityAssessment.objects.get(person=person)
    assert record.outcome == LACKS and not record.retains
    assert record.assessor_profession == Profession.SOCIAL_WORKER
    page = client.get(reverse("care:record", args=[person.pk])).content.decode()
    assert "Lacks capacity to make this decision" in page
    assert "Where to live after leaving hospital" in page


def test_stage_two_needs_answers_and_evidence_once_there_is_an_impairment(
    client_for: SignIn, person: Person, social_worker: Staff
) -> None:
    data = dict(FORM, understands="", retains_evidence="", assessed_day="31", assessed_month="4")
    page = client_for(social_worker).post(reverse("care:add_capacity", args=[person.pk]), data).content.decode()
    assert 'id="id_understands-error"' in page
    assert 'id="id_retains_evidence-error"' in page
    assert "must be a real date" in page
    assert not CapacityAssessment.objects.exists()


def test_capacity_records_follow_the_capacity_category(person: Person, home: Neighbourhood) -> None:
    link_worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    assert not ask(link_worker, person, DataCategory.CAPACITY, Purpose.DIRECT_CARE).allowed
    client = Client()
    client.force_login(link_worker)
    assert client.get(reverse("care:add_capacity", args=[person.pk])).status_code == 403
