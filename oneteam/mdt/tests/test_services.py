"""Agenda rules, attendance and the care-team relationship it creates, actions and their return when overdue."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership, DataCategory, Purpose
from oneteam.access.services import ask
from oneteam.mdt import services
from oneteam.mdt.models import ActionStatus, ItemSource, Meeting
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_an_item_needs_a_question_and_a_profession(home: Neighbourhood, chair: Staff) -> None:
    meeting = make_meeting(home, chair)
    person = make_person(home)
    with pytest.raises(services.MdtRefused) as no_question:
        services.add_item(
            actor=chair, meeting=meeting, person=person, question=" ", professions=["gp"], expected_minutes=5
        )
    assert no_question.value.field == "question"
    with pytest.raises(services.MdtRefused) as no_profession:
        services.add_item(
            actor=chair, meeting=meeting, person=person, question="Why?", professions=[], expected_minutes=5
        )
    assert no_profession.value.field == "professions"
    assert not meeting.items.exists()


def test_the_same_person_cannot_have_two_slots_at_once(home: Neighbourhood, chair: Staff) -> None:
    person = make_person(home)
    meeting = make_meeting(home, chair)
    make_item(meeting, person, minutes=30)
    with pytest.raises(services.MdtRefused, match="already on this agenda") as twice:
        make_item(meeting, person)
    assert twice.value.field == "person"
    # Another meeting, chaired by someone else, starting 20 minutes into the first one's 30 minutes.
    other_chair = make_staff(home, profession=Profession.COMMUNITY_MATRON)
    clash = services.schedule_meeting(
        actor=other_chair,
        neighbourhood=home,
        starts_at=meeting.starts_at + datetime.timedelta(minutes=20),
        chair=other_chair,
        online_link="https://meet.example.org/mdt",
    )
    with pytest.raises(services.MdtRefused, match="another MDT meeting at that time") as overlapping:
        make_item(clash, person)
    assert overlapping.value.field == "person"
    # An hour later there is no overlap.
    later = make_meeting(home, other_chair, hour=14)
    assert make_item(later, person).pk


def test_a_chair_cannot_chair_two_meetings_at_once(home: Neighbourhood, chair: Staff) -> None:
    meeting = make_meeting(home, chair)
    make_item(meeting, make_person(home), minutes=20)
    with pytest.raises(services.MdtRefused) as refused:
        services.schedule_meeting(
            actor=chair,
            neighbourhood=home,
            starts_at=meeting.starts_at + datetime.timedelta(minutes=10),
            chair=chair,
            place="Room 2",
        )
    assert refused.value.field == "chair"


def test_someone_who_may_not_see_the_persons_care_plan_cannot_propose_them(home: Neighbourhood, chair: Staff) -> None:
    meeting = make_meeting(home, chair)
    link_worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)  # care plan: care team only
    with pytest.raises(services.MdtRefused, match="Not allowed") as refused:
        services.add_item(
            actor=link_worker,
            meeting=meeting,
            person=make_person(home),
            question="Why?",
            professions=["gp"],
            expected_minutes=5,
        )
    assert refused.value.field == "person"


def test_attending_an_item_makes_the_attendee_part_of_the_care_team_for_mdt_discussion_only(
    home: Neighbourhood, chair: Staff
) -> None:
    person = make_person(home)
    item = make_item(make_meeting(home, chair), person)
    gp = make_staff(None, profession=Profession.GP)
    assert not ask(gp, person, DataCategory.CARE_PLAN, Purpose.MDT_DISCUSSION).allowed
    services.record_attendance(actor=chair, item=item, attendees=[gp])
    gp = Staff.objects.get(pk=gp.pk)  # a new request forgets what the policy remembered
    assert ask(gp, person, DataCategory.CARE_PLAN, Purpose.MDT_DISCUSSION).allowed
    assert not ask(gp, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed
    membership = CareTeamMembership.objects.get(person=person, staff=gp)
    assert membership.role == CareRole.MDT_ATTENDEE
    assert membership.ended_at == item.meeting.starts_at + services.ATTENDEE_ACCESS
    assert item.attendance.get().profession == Profession.GP
    assert AuditEvent.objects.filter(
        action=AuditAction.CARE_TEAM_CHANGED, person_id=person.pk, detail__joined=gp.pk
    ).exists()
    # Recording the same attendee again changes nothing.
    assert services.record_attendance(actor=chair, item=item, attendees=[gp]) == []


def test_only_the_chair_records_the_minutes(home: Neighbourhood, chair: Staff) -> None:
    item = make_item(make_meeting(home, chair), make_person(home))
    with pytest.raises(services.MdtRefused):
        services.record_outcome(actor=make_staff(home), item=item, summary="", decision="Refer", actual_minutes=5)


def test_an_overdue_action_comes_back_on_the_next_meeting_once(home: Neighbourhood, chair: Staff) -> None:
    person = make_person(home, given_name="Ada")
    item = make_item(make_meeting(home, chair), person)
    nurse = make_staff(home)
    action = services.add_action(
        actor=chair, item=item, description="Check the wound", owner=nurse, due_on=timezone.localdate()
    )
    done = services.add_action(
        actor=chair, item=item, description="Order a bed", owner=chair, due_on=timezone.localdate()
    )
    services.complete_action(actor=chair, action=done)
    # Time passes: both were due yesterday; one is done.
    type(action).objects.filter(pk__in=[action.pk, done.pk]).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    next_meeting = make_meeting(home, chair, in_days=7)
    returned = next_meeting.items.get()
    assert returned.person == person
    assert returned.source == ItemSource.OVERDUE_ACTION
    assert returned.returned_action == action
    assert "Check the wound" in returned.question and "Order a bed" not in returned.question
    assert returned.professions == [Profession.DISTRICT_NURSE]
    # A later meeting does not take it again while it is on an upcoming agenda.
    assert not make_meeting(home, chair, in_days=14).items.exists()


def test_only_the_owner_or_chair_marks_an_action_done(home: Neighbourhood, chair: Staff) -> None:
    item = make_item(make_meeting(home, chair), make_person(home))
    owner = make_staff(home)
    action = services.add_action(actor=chair, item=item, description="Visit", owner=owner, due_on=timezone.localdate())
    with pytest.raises(services.MdtRefused):
        services.complete_action(actor=make_staff(home), action=action)
    services.complete_action(actor=owner, action=action)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_at is not None


def test_the_daily_command_returns_actions_that_fell_overdue_after_the_next_meeting_was_planned(
    home: Neighbourhood, chair: Staff
) -> None:
    item = make_item(make_meeting(home, chair), make_person(home))
    next_meeting = make_meeting(home, chair, in_days=7)
    action = services.add_action(actor=chair, item=item, description="Visit", owner=chair, due_on=timezone.localdate())
    assert not next_meeting.items.exists()
    # Time passes: the first meeting is over and the action falls overdue.
    Meeting.objects.filter(pk=item.meeting_id).update(starts_at=timezone.now() - datetime.timedelta(days=2))
    type(action).objects.filter(pk=action.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    out = StringIO()
    call_command("return_overdue_mdt_actions", stdout=out)
    assert next_meeting.items.get().returned_action == action
    assert "1 person(s) with overdue MDT actions put back on an agenda" in out.getvalue()
    call_command("return_overdue_mdt_actions", stdout=StringIO())
    assert next_meeting.items.count() == 1
