"""Discharge handovers as owned work: accepting creates a held follow-up and tells the key worker; declining
needs a reason and leaves the handover in the team's queue; exactly one person accepts."""

from __future__ import annotations

import datetime
import html
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership
from oneteam.organisations.models import Neighbourhood, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_organisation, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import (
    DischargeDecline,
    DischargeHandover,
    Episode,
    HospitalSystem,
    Notice,
    NoticeKind,
    Referral,
    Source,
    State,
)
from oneteam.referrals.services import ReferralRefused, discharge, hospital, token_hash
from oneteam.referrals.targets import DEFAULT_MINUTES
from oneteam.referrals.tests.factories import make_discharge
from oneteam.referrals.tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db

# `home` and `front_door` come from this folder's conftest.py.


@pytest.fixture
def member(home: Neighbourhood, front_door: Team) -> Staff:
    staff = make_staff(home)
    staff.teams.add(front_door)
    return staff


@pytest.fixture
def person(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Cy", family_name="Home")


@pytest.fixture
def handover(person: Person, front_door: Team) -> DischargeHandover:
    return make_discharge(person, front_door)


def test_the_key_worker_is_told_of_a_discharge_as_of_an_admission(
    client: Client, home: Neighbourhood, front_door: Team, person: Person
) -> None:
    key_worker = make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)
    infirmary = make_organisation(Sector.ACUTE_HOSPITAL)
    HospitalSystem.objects.create(
        name="Infirmary ADT feed",
        organisation=infirmary,
        token_hash=token_hash("t"),
        created_at=timezone.now(),
    )
    encounter = {
        "resourceType": "Encounter",
        "identifier": [{"value": "ENC-9"}],
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"identifier": {"system": hospital.NHS_NUMBER_SYSTEM, "value": person.nhs_number}},
        "period": {"start": "2026-03-01T09:15:00Z", "end": "2026-03-04T14:30:00Z"},
    }
    response = client.post(
        reverse("referrals_public:hospital_encounters"),
        json.dumps(encounter),
        content_type="application/fhir+json",
        headers={"Authorization": "Bearer t"},
    )
    assert response.status_code == 200
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.person) == (key_worker, NoticeKind.DISCHARGED, person)
    assert notice.text.startswith(f"Discharged from {infirmary.name} on 4 March 2026 at 2:30pm.")
    assert "ADT feed" not in notice.text


def test_accepting_creates_a_follow_up_held_by_the_acceptor_with_first_contact_due(
    handover: DischargeHandover, member: Staff, person: Person
) -> None:
    before = timezone.now()
    follow_up = discharge.accept_discharge(actor=member, handover=handover)
    handover.refresh_from_db()
    assert (handover.accepted_by, handover.follow_up) == (member, follow_up)
    assert (follow_up.owner_staff, follow_up.person, follow_up.state) == (member, person, State.ALLOCATED)
    assert follow_up.source == Source.HOSPITAL and "St Mary's Hospital" in follow_up.need_detail
    due = follow_up.received_at + datetime.timedelta(minutes=DEFAULT_MINUTES[discharge.FOLLOW_UP_URGENCY])
    assert before + datetime.timedelta(hours=47) < due <= timezone.now() + datetime.timedelta(hours=48)
    # No key worker yet: the acceptor becomes it, and holds the person on their caseload.
    assert Episode.objects.get(person=person, closed_at=None).key_worker == member
    assert CareTeamMembership.objects.filter(person=person, staff=member, role=CareRole.KEY_WORKER).exists()
    assert AuditEvent.objects.filter(staff=member, detail__discharge_handover=handover.pk).exists()


def test_accepting_tells_the_key_worker_who_will_follow_up_and_by_when(
    handover: DischargeHandover, member: Staff, person: Person, home: Neighbourhood
) -> None:
    key_worker = make_staff(home)
    Episode.objects.create(person=person, neighbourhood=home, opened_at=timezone.now(), key_worker=key_worker)
    follow_up = discharge.accept_discharge(actor=member, handover=handover)
    notice = Notice.objects.get(recipient=key_worker)
    assert (notice.kind, notice.referral, notice.person) == (NoticeKind.DISCHARGE_ACCEPTED, follow_up, person)
    assert notice.text.startswith(f"{member.get_full_name()} accepted the handover after discharge from St Mary's")
    assert Episode.objects.get(person=person, closed_at=None).key_worker == key_worker


def test_a_second_acceptor_is_told_who_accepted_and_nothing_more_is_created(
    handover: DischargeHandover, member: Staff
) -> None:
    colleague = make_staff()
    colleague.teams.add(handover.team)
    discharge.accept_discharge(actor=member, handover=handover)
    with pytest.raises(ReferralRefused, match=f"{member.get_full_name()} already accepted this handover"):
        discharge.accept_discharge(actor=colleague, handover=handover)
    assert Referral.objects.count() == 1


def test_only_the_team_can_answer_or_see_a_handover(client: Client, handover: DischargeHandover) -> None:
    outsider = make_staff(make_neighbourhood())
    with pytest.raises(ReferralRefused, match="Only members of"):
        discharge.accept_discharge(actor=outsider, handover=handover)
    with pytest.raises(ReferralRefused, match="Only members of"):
        discharge.decline_discharge(actor=outsider, handover=handover, reason="Not ours")
    client.force_login(outsider)
    assert client.get(reverse("referrals_public:discharge_handover", args=[handover.pk])).status_code == 403
    assert not Referral.objects.exists() and not DischargeDecline.objects.exists()


@pytest.mark.parametrize("profession", ["analyst", "information_governance_officer", "administrator"])
def test_a_team_member_without_direct_care_neither_sees_nor_answers_a_handover(
    client: Client, handover: DischargeHandover, home: Neighbourhood, profession: str
) -> None:
    supporter = make_staff(home, profession=profession)
    supporter.teams.add(handover.team)
    with pytest.raises(ReferralRefused, match="does not give direct care"):
        discharge.accept_discharge(actor=supporter, handover=handover)
    client.force_login(supporter)
    client.post(reverse("referrals_public:accept_discharge", args=[handover.pk]))
    client.post(reverse("referrals_public:decline_discharge", args=[handover.pk]), {"reason": "Not for us"})
    response = client.get(reverse("referrals_public:discharge_handover", args=[handover.pk]))
    assert response.status_code == 403
    assert handover.person.family_name not in response.content.decode()
    handover.refresh_from_db()
    assert handover.accepted_at is None and not handover.declines.exists()
    assert AuditEvent.objects.filter(staff=supporter, action=AuditAction.DENIED, person_id=handover.person_id).exists()


def test_the_page_names_the_hospital_not_its_feed(client: Client, handover: DischargeHandover, member: Staff) -> None:
    client.force_login(member)
    page = html.unescape(
        client.get(reverse("referrals_public:discharge_handover", args=[handover.pk])).content.decode()
    )
    assert "St Mary's Hospital" in page
    assert "ADT feed" not in page


def test_accepting_on_the_page_goes_to_the_follow_up(
    client: Client, handover: DischargeHandover, member: Staff
) -> None:
    client.force_login(member)
    response = client.post(reverse("referrals_public:accept_discharge", args=[handover.pk]))
    follow_up = Referral.objects.get()
    assert response["Location"] == reverse("referrals:referral", args=[follow_up.pk])
    page = reverse("referrals_public:discharge_handover", args=[handover.pk])
    shown = client.get(page).content.decode()
    assert f"Referral {follow_up.pk}</a>" in shown and "Accept handover" not in shown

    client.post(reverse("referrals_public:accept_discharge", args=[handover.pk]))
    assert "already accepted this handover" in client.get(page).content.decode()


def test_declining_needs_a_reason_and_changes_nothing_without_one(
    client: Client, handover: DischargeHandover, member: Staff
) -> None:
    client.force_login(member)
    response = client.post(reverse("referrals_public:decline_discharge", args=[handover.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason for declining" in response.content.decode()
    assert not DischargeDecline.objects.exists()


def test_declining_leaves_it_in_the_team_queue_with_the_reason(
    client: Client, handover: DischargeHandover, member: Staff, front_door: Team
) -> None:
    client.force_login(member)
    response = client.post(
        reverse("referrals_public:decline_discharge", args=[handover.pk]), {"reason": "I am on leave from Monday"}
    )
    assert response["Location"] == reverse("workspace:inbox")
    handover.refresh_from_db()
    assert handover.accepted_at is None and handover.team == front_door
    colleague = make_staff()
    colleague.teams.add(front_door)
    client.force_login(colleague)
    page = client.get(reverse("referrals_public:discharge_handover", args=[handover.pk])).content.decode()
    assert "I am on leave from Monday" in page and "Accept handover" in page


def test_an_accepted_handover_cannot_be_declined(handover: DischargeHandover, member: Staff) -> None:
    discharge.accept_discharge(actor=member, handover=handover)
    with pytest.raises(ReferralRefused, match="already accepted"):
        discharge.decline_discharge(actor=member, handover=handover, reason="Too late")


def test_an_overdue_handover_shows_red(client: Client, handover: DischargeHandover, member: Staff) -> None:
    DischargeHandover.objects.filter(pk=handover.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    handover.refresh_from_db()
    assert discharge.overdue(handover)
    client.force_login(member)
    page = client.get(reverse("referrals_public:discharge_handover", args=[handover.pk])).content.decode()
    assert "nhsuk-tag--red" in page and "Overdue" in page


@pytest.mark.django_db(transaction=True)
def test_of_parallel_accept_requests_exactly_one_wins() -> None:
    home = make_neighbourhood()
    team = Team.objects.create(name="Front door", neighbourhood=home, takes_referrals=True)
    staff = [make_staff(home) for _ in range(4)]
    for member in staff:
        member.teams.add(team)
    handover = make_discharge(make_person(home), team)
    statuses = parallel_posts(staff, reverse("referrals_public:accept_discharge", args=[handover.pk]))
    assert all(status == 302 for status in statuses), statuses
    handover.refresh_from_db()
    assert handover.accepted_by in staff
    assert Referral.objects.count() == 1 and Episode.objects.count() == 1
    assert Referral.objects.get().owner_staff == handover.accepted_by
