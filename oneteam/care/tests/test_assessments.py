"""Shared assessments: the trusted assessor, repeats within 90 days, and answers checked field by field."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent, DataCategory
from oneteam.care.models import Assessment, AssessmentStatus
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person

from .factories import completed_assessment, template

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def start(client: Client, person: Person, code: str, reason: str = "") -> object:
    return client.post(
        reverse("care:start_assessment", args=[person.pk]), {"template": template(code).pk, "repeat_reason": reason}
    )


def complete(client: Client, person: Person, code: str, answers: dict[str, str], reason: str = "") -> object:
    """Post a new assessment's answers, as its questions page does."""
    url = reverse("care:new_assessment", args=[person.pk, template(code).pk])
    return client.post(url, answers | {"repeat_reason": reason})


GOOD_HOLISTIC = {
    "q_what_matters": "Getting back to my allotment",
    "q_daily_living": "I need help with my socks",
    "q_living_situation": "alone",
    "q_want_to_change": "Walk to the shop",
}


def test_nurse_completes_a_holistic_assessment_as_a_trusted_assessor(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    client = client_for(nurse)
    response = start(client, person, "holistic-what-matters")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Nothing is saved until you complete the assessment" in response.content.decode()  # type: ignore[attr-defined]
    assert not Assessment.objects.exists()  # starting stores nothing: no "In progress" row for the team to see
    data = GOOD_HOLISTIC | {"q_next_review_day": "1", "q_next_review_month": "6", "q_next_review_year": "2027"}
    complete(client, person, "holistic-what-matters", data)
    assessment = Assessment.objects.get(person=person)
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.trusted_assessor
    assert not assessment.is_repeat
    assert assessment.answers["what-matters"] == "Getting back to my allotment"
    assert assessment.answers["next-review"] == "2027-06-01"
    assert AuditEvent.objects.filter(
        staff=nurse, person_id=person.pk, action=AuditAction.CREATE, category=DataCategory.CARE_PLAN
    ).exists()


def test_a_social_worker_sees_it_shared_with_who_did_it(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    assessment = completed_assessment(person, nurse)
    page = client_for(social_worker).get(reverse("care:record", args=[person.pk])).content.decode()
    assert "Holistic assessment: what matters to me" in page
    assert "Shared" in page and "Trusted assessor" in page
    assert f"{nurse.get_full_name()} (District nurse)" in page
    detail = client_for(social_worker).get(reverse("care:assessment", args=[person.pk, assessment.pk]))
    assert "My garden" in detail.content.decode()


def test_a_profession_not_trusted_for_the_assessment_is_shown_as_such(
    client_for: SignIn, person: Person, home: Neighbourhood
) -> None:
    vcse = make_staff(home, profession=Profession.GP)
    assessment = completed_assessment(person, vcse, code="community-nursing")
    assert not assessment.trusted_assessor
    page = client_for(vcse).get(reverse("care:assessment", args=[person.pk, assessment.pk])).content.decode()
    assert "No: this profession is not a trusted assessor" in page


def test_a_repeat_within_90_days_needs_a_reason_and_is_counted(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    first = completed_assessment(person, nurse, days_ago=89)
    client = client_for(social_worker)
    response = start(client, person, "holistic-what-matters")
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert 'id="id_repeat_reason-error"' in page
    assert "completed this assessment less than 90 days ago" in page
    assert Assessment.objects.filter(person=person).count() == 1
    page = start(client, person, "holistic-what-matters", reason="Her needs changed after a fall")
    assert 'value="Her needs changed after a fall"' in page.content.decode()  # type: ignore[attr-defined]
    # The reason is checked again when the answers are saved: without it, nothing is saved.
    refused = complete(client, person, "holistic-what-matters", GOOD_HOLISTIC)
    assert "completed this assessment less than 90 days ago" in refused.content.decode()  # type: ignore[attr-defined]
    assert Assessment.objects.filter(person=person).count() == 1
    complete(client, person, "holistic-what-matters", GOOD_HOLISTIC, reason="Her needs changed after a fall")
    repeat = Assessment.objects.exclude(pk=first.pk).get(person=person)
    assert repeat.is_repeat and repeat.repeat_of == first
    assert repeat.repeat_reason == "Her needs changed after a fall"


def test_after_90_days_no_reason_is_needed(client_for: SignIn, person: Person, nurse: Staff) -> None:
    completed_assessment(person, nurse, days_ago=91)
    complete(client_for(nurse), person, "holistic-what-matters", GOOD_HOLISTIC)
    assert Assessment.objects.filter(person=person).count() == 2
    assert not Assessment.objects.filter(person=person, is_repeat=True).exists()


def test_required_impossible_dates_and_over_long_answers_give_field_errors_and_save_nothing(
    client_for: SignIn, person: Person, nurse: Staff
) -> None:
    client = client_for(nurse)
    data = GOOD_HOLISTIC | {
        "q_what_matters": "",
        "q_worries": "x" * 2001,
        "q_next_review_day": "31",
        "q_next_review_month": "2",
        "q_next_review_year": "2027",
    }
    response = complete(client, person, "holistic-what-matters", data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert 'id="id_q_what_matters-error"' in page and "Answer “What matters to you?”" in page
    assert 'id="id_q_worries-error"' in page and "must be 2,000 characters or fewer" in page
    assert "must be a real date" in page
    assert "I need help with my socks" in page  # what was typed is kept
    assert not Assessment.objects.exists()


def test_integer_and_choice_answers_are_checked(client_for: SignIn, person: Person, nurse: Staff) -> None:
    data = {"q_falls_last_year": "two", "q_fall_injury": "maybe", "q_risk_level": "enormous", "q_gait_balance": "ok"}
    page = complete(client_for(nurse), person, "falls-risk", data).content.decode()  # type: ignore[attr-defined]
    assert "must be a whole number" in page
    assert "Select an answer to “Falls risk”" in page
    assert "Answer “What is being done to reduce the risk?”" in page


def test_only_the_assessor_completes_an_assessment_started_before_assessments_were_saved_whole(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    assessment = completed_assessment(person, nurse, status=AssessmentStatus.IN_PROGRESS, completed_at=None)
    url = reverse("care:assessment", args=[person.pk, assessment.pk])
    assert client_for(social_worker).post(url, GOOD_HOLISTIC).status_code == 403
    assert "Holistic" not in client_for(social_worker).get(reverse("care:record", args=[person.pk])).content.decode()


def test_assessments_follow_their_data_category(
    client_for: SignIn, person: Person, nurse: Staff, home: Neighbourhood
) -> None:
    """A VCSE link worker in the team may not see social-care assessments (default agreement)."""
    care_act = completed_assessment(
        person, make_staff(home, profession=Profession.SOCIAL_WORKER), code="care-act-needs"
    )
    link_worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    response = client_for(link_worker).get(reverse("care:assessment", args=[person.pk, care_act.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(staff=link_worker, action=AuditAction.DENIED, person_id=person.pk).exists()


def test_an_outsider_cannot_start_one(client_for: SignIn, person: Person) -> None:
    outsider = make_staff(make_neighbourhood())
    assert start(client_for(outsider), person, "holistic-what-matters").status_code == 403  # type: ignore[attr-defined]
    assert complete(client_for(outsider), person, "holistic-what-matters", GOOD_HOLISTIC).status_code == 403  # type: ignore[attr-defined]
    assert not Assessment.objects.exists()
