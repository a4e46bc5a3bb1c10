"""The team queue, the inbox and the header count: what each shows, who may see it, what it costs."""

import datetime
import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Neighbourhood, Organisation, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals import services
from oneteam.referrals.models import (
    DischargeHandover,
    HospitalEvent,
    HospitalSystem,
    Notice,
    NoticeKind,
    Outcome,
    Referral,
)
from oneteam.referrals.tests.factories import make_referral
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]
LONG_AGO = timezone.now() - datetime.timedelta(days=30)


def queue_page(client: Client, team: Team, page: int = 1) -> str:
    response = client.get(reverse("referrals:queue", args=[team.pk]), {"page": page})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_queue_lists_open_referrals_oldest_first_with_breaches_in_red(
    client_for: Sign_in, triager: Staff, home: Neighbourhood, front_door: Team, person: Person
) -> None:
    late = make_referral(home)  # not matched to a record yet
    Referral.objects.filter(pk=late.pk).update(received_at=LONG_AGO)
    make_referral(home, person=person)
    closed = make_referral(home, person=make_person(home, family_name="Closed"))
    services.close_referral(actor=triager, referral=closed, outcome=Outcome.NO_FURTHER_ACTION)

    page = queue_page(client_for(triager), front_door)

    assert "2 open referrals, oldest first" in page
    assert page.index("(not matched yet)") < page.index("Ada KHAN</a>")
    assert len(re.findall(r'nhsuk-tag--red"\s*>\s*Overdue', page)) == 1
    assert "30 days 0 hours" in page
    assert "CLOSED" not in page


def test_the_queue_is_paged_and_audited_once_per_page(
    client_for: Sign_in, triager: Staff, home: Neighbourhood, front_door: Team
) -> None:
    for _ in range(50):
        make_referral(home)
    last_two = [make_person(home) for _ in range(2)]
    for person in last_two:
        make_referral(home, person=person)
    client = client_for(triager)
    assert "Showing 51 to 52" in queue_page(client, front_door, page=2)
    # Each person the page showed is recorded (one event each), so "who has seen my record" includes the queue.
    events = AuditEvent.objects.filter(staff=triager, action=AuditAction.LIST)
    assert set(events.values_list("person_id", flat=True)) == {person.pk for person in last_two}
    assert {event.detail["queue"] for event in events} == {front_door.pk}


@pytest.mark.parametrize("profession", ["analyst", "information_governance_officer", "administrator"])
def test_roles_without_direct_care_never_see_the_queue_or_open_its_referrals(
    client_for: Sign_in, home: Neighbourhood, front_door: Team, person: Person, profession: str
) -> None:
    referral = make_referral(home, person=person)
    unmatched = make_referral(home)
    supporter = make_staff(home, profession=profession)
    supporter.teams.add(front_door)
    client = client_for(supporter)
    assert client.get(reverse("referrals:queue", args=[front_door.pk])).status_code == 403
    for shown in (referral, unmatched):
        response = client.get(reverse("referrals:referral", args=[shown.pk]))
        assert response.status_code == 403
        assert "Khan" not in response.content.decode()
    response = client.post(
        reverse("referrals:close", args=[referral.pk]), {"outcome": "no_further_action", "note": "x"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.closed_at is None
    assert AuditEvent.objects.filter(staff=supporter, action=AuditAction.DENIED, person_id=person.pk).exists()


def test_only_the_team_sees_its_queue(client_for: Sign_in, home: Neighbourhood, front_door: Team) -> None:
    response = client_for(make_staff(home)).get(reverse("referrals:queue", args=[front_door.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("referrals", [3, 60])
def test_the_queue_query_count_does_not_grow_with_data(
    referrals: int,
    client_for: Sign_in,
    triager: Staff,
    home: Neighbourhood,
    front_door: Team,
    django_assert_num_queries: object,
) -> None:
    for n in range(referrals):
        make_referral(home, person=make_person(home) if n % 2 else None)
    client = client_for(triager)
    client.get(reverse("workspace:inbox"))  # the first request of a session records its activity time
    # session, staff, staff's teams, response targets, the count and the page of referrals (with their people),
    # the policy's one query for the page's people, the audit append, then the header's inbox count
    with django_assert_num_queries(7 + audit_append_queries() + INBOX_COUNT_QUERIES):  # type: ignore[operator]
        queue_page(client, front_door)


def make_discharge(person: Person, team: Team) -> DischargeHandover:
    hospital = Organisation.objects.create(name="City Hospital", ods_code="RXX", sector=Sector.ACUTE_HOSPITAL)
    system = HospitalSystem.objects.create(name="PAS", organisation=hospital, token_hash="x", created_at=LONG_AGO)
    event = HospitalEvent.objects.create(
        system=system, external_id="E1", kind="discharge", person=person, occurred_at=LONG_AGO, received_at=LONG_AGO
    )
    return DischargeHandover.objects.create(
        event=event, person=person, team=team, due_at=LONG_AGO, summary="Home today"
    )


def test_the_inbox_holds_offers_referrals_notices_and_discharges_and_counts_them_in_the_header(
    client_for: Sign_in, triager: Staff, home: Neighbourhood, front_door: Team, person: Person
) -> None:
    nurse = make_staff(home)
    offered = make_referral(home, person=person)
    services.offer_handover(actor=triager, referral=offered, to_staff=nurse, note="Leg ulcer dressing")
    held = make_referral(home, person=make_person(home, given_name="Bea", family_name="Late"))
    Referral.objects.filter(pk=held.pk).update(owner_team=None, owner_staff=nurse, received_at=LONG_AGO)
    services.notify(nurse, NoticeKind.OFFER_DECLINED, "Sam declined your handover offer: caseload full", referral=held)
    discharge = make_discharge(make_person(home, given_name="Cy", family_name="Home"), nurse.teams.get())

    page = html.unescape(client_for(nurse).get(reverse("workspace:inbox")).content.decode())

    assert "Inbox (4)" in page  # one offer, one unread notice, one overdue referral, one discharge to accept
    assert "Handover offers waiting for your answer (1)" in page and "Leg ulcer dressing" in page
    assert "Referrals you hold (1)" in page and "Bea LATE" in page
    assert "Notices (1)" in page and "caseload full" in page
    assert "Hospital discharges your team must accept (1)" in page and "Cy HOME" in page
    assert reverse("referrals_public:discharge_handover", args=[discharge.pk]) in page  # where it is accepted
    # Every person the inbox showed is recorded, one event each (the notice is about no one).
    shown = AuditEvent.objects.filter(staff=nurse, action=AuditAction.LIST)
    assert set(shown.values_list("person_id", flat=True)) == {person.pk, held.person_id, discharge.person_id}


def test_a_notice_is_marked_as_read_by_its_recipient_only(
    client_for: Sign_in, home: Neighbourhood, front_door: Team
) -> None:
    nurse, other = make_staff(home), make_staff(home)
    notice = services.notify(nurse, NoticeKind.ALLOCATED, "A referral was allocated to you.")
    url = reverse("referrals:mark_notice_read", args=[notice.pk])
    assert client_for(other).post(url).status_code == 404
    response = client_for(nurse).post(url)
    assert response["Location"] == reverse("workspace:inbox")
    assert Notice.objects.get().read_at is not None
    assert "Notices (0)" in client_for(nurse).get(reverse("workspace:inbox")).content.decode()
