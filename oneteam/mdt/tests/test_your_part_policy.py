"""An invited member's part of the meeting shows each person as the policy allows them for MDT discussion: who the
item is about only if they may see the person's demographics, what will be discussed only if they may see the care
plan; every person on the page is audited by what was shown or held back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose
from oneteam.access.services.agreements import default_levels, publish_agreement
from oneteam.mdt.models import AgendaItem
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]
QUESTION = "Is the leg ulcer healing?"


def without_district_nurses(home: Neighbourhood, category: DataCategory) -> None:
    """Publish the default agreement less the district nurses' rule for `category` in MDT discussion."""
    levels = default_levels()
    del levels[(Profession.DISTRICT_NURSE, "", category, Purpose.MDT_DISCUSSION)]
    publish_agreement(actor=None, neighbourhood=home, levels=levels, change_note=f"No {category} for nurses' MDTs")


def nurse_part(client_for: SignIn, home: Neighbourhood, chair: Staff) -> tuple[str, AgendaItem, Staff]:
    """An item that needs a district nurse; her part of the meeting as she sees it, once the agreement is set."""
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    person = make_person(home, given_name="Ada", family_name="Khan")
    item = make_item(make_meeting(home, chair), person, professions=(Profession.DISTRICT_NURSE,), question=QUESTION)
    return reverse("mdt:meeting", args=[item.meeting_id]), item, nurse


def test_a_member_who_may_not_see_who_it_is_sees_only_what_will_be_discussed(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    url, item, nurse = nurse_part(client_for, home, chair)
    without_district_nurses(home, DataCategory.DEMOGRAPHICS)

    part = client_for(nurse).get(url).content.decode().split("Your part of the meeting")[1]

    assert "Khan" not in part and "KHAN" not in part and "Ada" not in part
    assert item.person.nhs_number[:3] not in part.replace(" ", "")
    assert "an item for discussion" in part and "You cannot see who this item is about" in part
    assert QUESTION in part
    events = AuditEvent.objects.filter(staff=nurse, person_id=item.person_id, detail__mdt_item=item.pk)
    assert {(e.category, e.action, e.allowed) for e in events} == {
        (DataCategory.DEMOGRAPHICS, AuditAction.DENIED, False),
        (DataCategory.CARE_PLAN, AuditAction.VIEW, True),
    }
    assert {e.purpose for e in events} == {Purpose.MDT_DISCUSSION}


def test_a_member_who_may_see_who_but_not_the_plan_sees_the_name_and_not_the_question(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    url, item, nurse = nurse_part(client_for, home, chair)
    without_district_nurses(home, DataCategory.CARE_PLAN)

    part = client_for(nurse).get(url).content.decode().split("Your part of the meeting")[1]

    assert "Ada KHAN" in part
    assert QUESTION not in part and "You cannot see what will be discussed" in part
    events = AuditEvent.objects.filter(staff=nurse, person_id=item.person_id, detail__mdt_item=item.pk)
    assert {(e.category, e.allowed) for e in events} == {
        (DataCategory.DEMOGRAPHICS, True),
        (DataCategory.CARE_PLAN, False),
    }


def test_the_chair_cannot_run_an_item_about_someone_they_may_not_see(
    client_for: SignIn, home: Neighbourhood, chair: Staff
) -> None:
    person = make_person(home)
    item = make_item(make_meeting(home, chair), person)
    levels = default_levels()
    del levels[(Profession.CARE_COORDINATOR, "", DataCategory.DEMOGRAPHICS, Purpose.MDT_DISCUSSION)]
    publish_agreement(actor=None, neighbourhood=home, levels=levels, change_note="No names for coordinators' MDTs")

    response = client_for(chair).get(reverse("mdt:item", args=[item.pk]))

    assert response.status_code == 403
    assert person.family_name.upper() not in response.content.decode()
    assert AuditEvent.objects.filter(
        staff=chair, person_id=person.pk, category=DataCategory.DEMOGRAPHICS, allowed=False
    ).exists()
