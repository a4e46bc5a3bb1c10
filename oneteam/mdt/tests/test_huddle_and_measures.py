"""The daily huddle board and the meeting measures the outcomes work reads."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, ConsentStatus
from oneteam.access.services import consent
from oneteam.access.tests.factories import key_worker_for
from oneteam.mdt import services
from oneteam.mdt.models import MdtAction, Meeting
from oneteam.mdt.queries import measures
from oneteam.mdt.tests.factories import make_item, make_meeting, start
from oneteam.organisations.models import Neighbourhood, Organisation, Profession, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import SafetyAlert
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import DischargeHandover, HospitalEvent, HospitalSystem, Source, Urgency
from oneteam.referrals.services import ReferralDetails, receive_referral

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def urgent_referral(home: Neighbourhood, family_name: str) -> None:
    details = ReferralDetails(
        given_name="Una", family_name=family_name, need="falls", urgency=Urgency.URGENT, consent_to_share=True
    )
    receive_referral(neighbourhood=home, details=details, source=Source.STAFF, referred_by=None)


def test_the_huddle_board_shows_the_days_four_lists_to_the_team_only(
    client_for: SignIn, home: Neighbourhood, chair: Staff, front_door: Team
) -> None:
    urgent_referral(home, "Urgent")
    discharged = make_person(home, given_name="Dora", family_name="Discharged")
    hospital = Organisation.objects.create(name="City Hospital", ods_code="RH1", sector=Sector.ACUTE_HOSPITAL)
    system = HospitalSystem.objects.create(name="PAS", organisation=hospital, token_hash="h", created_at=timezone.now())
    event = HospitalEvent.objects.create(
        system=system,
        external_id="E1",
        kind="discharge",
        person=discharged,
        occurred_at=timezone.now(),
        received_at=timezone.now(),
    )
    DischargeHandover.objects.create(event=event, person=discharged, team=front_door, due_at=timezone.now())
    alerted = make_person(home, given_name="Sam", family_name="Alerted")
    SafetyAlert.objects.create(person=alerted, kind="dangerous_dog", detail="Large dog", raised_on=timezone.localdate())
    item = make_item(make_meeting(home, chair), make_person(home, given_name="Abe", family_name="Action"))
    services.add_action(
        actor=chair, item=item, description="Phone the daughter", owner=chair, due_on=timezone.localdate()
    )

    page = client_for(chair).get(reverse("mdt:huddle", args=[front_door.pk])).content.decode()
    for expected in ("Una U.: Falls", "Dora D.", "Sam A.: Dangerous dog", "Abe A.: Phone the daughter"):
        assert expected in page
    assert 'hx-trigger="every 30s"' in page
    assert "htmx/htmx.min.js" in page
    partial = client_for(chair).get(reverse("mdt:huddle_board", args=[front_door.pk])).content.decode()
    assert "Una U.: Falls" in partial and "<html" not in partial
    # Each load records each person shown, so their subject-access reports list the board (the urgent
    # referral is not matched to a record yet, so three people).
    shown = AuditEvent.objects.filter(staff=chair, action=AuditAction.LIST, detail__huddle=front_door.pk)
    assert Counter(shown.values_list("person_id", flat=True)) == Counter(
        2 * [discharged.pk, alerted.pk, item.person_id]
    )
    assert client_for(make_staff(home)).get(reverse("mdt:huddle", args=[front_door.pk])).status_code == 403

    # Someone who withdraws consent to share with the wider team leaves the board.
    consent.record_consent(
        actor=key_worker_for(discharged), person=discharged, status=ConsentStatus.WITHDRAWN, categories=[], note=""
    )
    page = client_for(chair).get(reverse("mdt:huddle", args=[front_door.pk])).content.decode()
    assert "Dora D." not in page and "1 more about people whose care plan you may not see" in page


def test_measures_minutes_per_case_attendance_gp_share_and_actions_on_time(home: Neighbourhood, chair: Staff) -> None:
    meeting = make_meeting(home, chair)
    first = make_item(meeting, make_person(home), minutes=10)
    second = make_item(meeting, make_person(home), minutes=10)
    make_item(meeting, make_person(home))  # not discussed: not counted
    gp = make_staff(None, profession=Profession.GP)
    nurse = make_staff(home)
    services.record_attendance(actor=chair, item=first, attendees=[gp, nurse, chair])
    services.record_attendance(actor=chair, item=second, attendees=[nurse])
    start(meeting)
    first.refresh_from_db()
    second.refresh_from_db()
    services.record_outcome(actor=chair, item=first, summary="", decision="Refer to falls clinic", actual_minutes=12)
    services.record_outcome(actor=chair, item=second, summary="", decision="No change", actual_minutes=6)
    today = timezone.localdate()
    on_time = services.add_action(actor=chair, item=first, description="A", owner=nurse, due_on=today)
    services.complete_action(actor=nurse, action=on_time)
    late = services.add_action(actor=chair, item=first, description="B", owner=nurse, due_on=today)
    MdtAction.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=3))
    services.add_action(
        actor=chair, item=second, description="C", owner=nurse, due_on=today + datetime.timedelta(days=5)
    )

    result = measures(Meeting.objects.filter(pk=meeting.pk))
    assert result.cases == 2
    assert result.minutes_per_case == 9
    assert result.attendance_by_profession == {"gp": 1, "district_nurse": 2, "care_coordinator": 1}
    assert result.gp_attendance == 0.5
    assert result.actions_due == 2  # the one due in five days is not due yet
    assert result.actions_on_time == 0.5


def test_measures_of_no_meetings_are_empty() -> None:
    result = measures(Meeting.objects.none())
    assert (result.cases, result.minutes_per_case, result.gp_attendance, result.actions_on_time) == (
        0,
        None,
        None,
        None,
    )
