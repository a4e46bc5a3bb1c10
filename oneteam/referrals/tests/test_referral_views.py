"""The referral page and each step on it: who may do what, problems shown next to fields, changes and audit."""

import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import next_nhs_number
from oneteam.referrals import services
from oneteam.referrals.models import Episode, HandoverOffer, OfferStatus, Outcome, Referral, State
from oneteam.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]


@pytest.fixture
def social_worker(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.SOCIAL_WORKER)


@pytest.fixture
def nurse(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.DISTRICT_NURSE)


@pytest.fixture
def received(home: Neighbourhood, front_door: Team, person: Person) -> Referral:
    return make_referral(home, person=person, need="personal_care")


@pytest.fixture
def held(received: Referral, triager: Staff, person: Person, social_worker: Staff) -> Referral:
    """Triaged and allocated to the social worker."""
    services.triage(actor=triager, referral=received, person=person)
    return services.allocate(actor=triager, referral=received, to=social_worker)


def page_of(client: Client, referral: Referral) -> str:
    return html.unescape(client.get(reverse("referrals:referral", args=[referral.pk])).content.decode())


def post(client: Client, step: str, referral: Referral, **data: object) -> tuple[int, str]:
    """Post a step's form (its fields are prefixed with the step's name); the status and the unescaped page."""
    response = client.post(
        reverse(f"referrals:{step}", args=[referral.pk]), {f"{step}-{name}": value for name, value in data.items()}
    )
    return response.status_code, html.unescape(response.content.decode())


def error_next_to(page: str, field_id: str) -> str:
    """The error message shown with a field."""
    start = page.index(f'id="{field_id}-error"')
    return page[start : page.index("</span>", page.index("</span>", start) + 1)]


def test_the_front_door_team_sees_the_referral_its_history_and_triage(
    client_for: Sign_in, triager: Staff, received: Referral
) -> None:
    page = page_of(client_for(triager), received)
    assert "Held by <strong>" + received.owner_team.name in page  # type: ignore[union-attr]
    assert "Match to the person's record" in page
    assert "Staying in my own home" in page  # what matters, in their words
    assert "Allocate to a trusted assessor" not in page  # not before triage
    event = AuditEvent.objects.filter(staff=triager, detail__referral=received.pk).last()
    assert event is not None
    assert (event.action, event.person_id, event.category) == (AuditAction.VIEW, received.person_id, "care_plan")
    assert event.reason.startswith("Allowed: you are in Ada Khan's neighbourhood team")


def test_triage_finds_the_person_then_asks_to_confirm(
    client_for: Sign_in, triager: Staff, received: Referral, person: Person
) -> None:
    client = client_for(triager)
    status, page = post(client, "triage", received, nhs_number="123")
    assert status == 400
    assert "This is not a valid NHS number" in error_next_to(page, "id_triage-nhs_number")

    status, page = post(client, "triage", received, nhs_number=person.nhs_number)
    assert status == 200
    assert "Yes, match to this person" in page
    received.refresh_from_db()
    assert received.state == State.RECEIVED  # nothing changes until the triager confirms
    assert AuditEvent.objects.filter(staff=triager, action=AuditAction.SEARCH, detail__method="nhs_number").exists()

    response = client.post(
        reverse("referrals:triage", args=[received.pk]),
        {"triage-nhs_number": person.nhs_number, "triage-confirm": "on"},
    )
    assert response["Location"] == reverse("referrals:referral", args=[received.pk])
    received.refresh_from_db()
    assert (received.state, received.person) == (State.TRIAGED, person)


def test_triage_says_when_no_one_has_the_nhs_number(client_for: Sign_in, triager: Staff, received: Referral) -> None:
    status, page = post(client_for(triager), "triage", received, nhs_number=next_nhs_number())
    assert status == 400
    assert "No one with this NHS number was found" in error_next_to(page, "id_triage-nhs_number")


def test_allocation_suggests_assessors_and_names_the_key_worker(
    client_for: Sign_in, triager: Staff, received: Referral, person: Person, social_worker: Staff, front_door: Team
) -> None:
    services.triage(actor=triager, referral=received, person=person)
    client = client_for(triager)
    page = page_of(client, received)
    assert "Social workers are suited to assess personal care" in page

    status, page = post(client, "allocate", received)
    assert status == 400
    assert "Choose who to allocate this referral to" in error_next_to(page, "id_allocate-to")

    response = client.post(reverse("referrals:allocate", args=[received.pk]), {"allocate-to": social_worker.pk})
    assert response["Location"] == reverse("referrals:queue", args=[front_door.pk])
    received.refresh_from_db()
    assert (received.owner_staff, received.state) == (social_worker, State.ALLOCATED)
    assert Episode.objects.get(person=person).key_worker == social_worker


def test_offering_a_handover_needs_one_receiver_and_a_note(
    client_for: Sign_in, social_worker: Staff, held: Referral, nurse: Staff, front_door: Team
) -> None:
    client = client_for(social_worker)
    status, page = post(client, "offer", held)
    assert status == 400
    assert "Choose who to offer this referral to" in error_next_to(page, "id_offer-to_staff")
    assert "Write a handover note" in error_next_to(page, "id_offer-note")

    status, page = post(client, "offer", held, to_staff=nurse.pk, to_team=front_door.pk, note="Leg ulcer")
    assert "Choose a professional or a team, not both" in error_next_to(page, "id_offer-to_staff")

    status, page = post(client, "offer", held, to_staff=nurse.pk, note="Leg ulcer")
    assert status == 302
    offer = HandoverOffer.objects.get(referral=held)
    assert (offer.to_staff, offer.status, offer.note) == (nurse, OfferStatus.PENDING, "Leg ulcer")
    page = page_of(client, held)
    assert f"Offered to <strong>{nurse.get_full_name()}</strong>" in page
    assert "Offer a handover" not in page  # one offer at a time


def test_declining_needs_a_reason_and_the_referral_stays_with_the_sender(
    client_for: Sign_in, social_worker: Staff, held: Referral, nurse: Staff
) -> None:
    offer = services.offer_handover(actor=social_worker, referral=held, to_staff=nurse, note="Leg ulcer")
    client = client_for(nurse)
    assert "Answer the handover offer" in page_of(client, held)

    status, page = post(client, "decline", held, offer=offer.pk, reason="")
    assert status == 400
    assert "Enter why you are declining" in error_next_to(page, "id_decline-reason")

    response = client.post(
        reverse("referrals:decline", args=[held.pk]),
        {"decline-offer": offer.pk, "decline-reason": "Caseload full this week"},
    )
    assert response["Location"] == reverse("workspace:inbox")
    held.refresh_from_db()
    assert held.owner_staff == social_worker
    assert "Caseload full this week" in page_of(client_for(social_worker), held)


def test_accepting_moves_the_referral_and_a_second_acceptor_is_told_who_won(
    client_for: Sign_in, social_worker: Staff, held: Referral, home: Neighbourhood
) -> None:
    team = make_staff(home).teams.get()
    first, second = make_staff(home), make_staff(home)
    first.teams.add(team)
    second.teams.add(team)
    offer = services.offer_handover(actor=social_worker, referral=held, to_team=team, note="For the team")

    status, _ = post(client_for(first), "accept", held, offer=offer.pk)
    assert status == 302
    held.refresh_from_db()
    assert held.owner_team == team

    status, page = post(client_for(second), "accept", held, offer=offer.pk)
    assert status == 400
    # In the error summary and by the button.
    assert page.count(f"This offer has already been accepted by {first.get_full_name()}") == 2


def test_first_contact_then_close_with_an_outcome(client_for: Sign_in, social_worker: Staff, held: Referral) -> None:
    client = client_for(social_worker)
    assert post(client, "first_contact", held)[0] == 302
    held.refresh_from_db()
    assert held.state == State.IN_PROGRESS and held.first_contact_at is not None

    status, page = post(client, "close", held)
    assert status == 400
    assert "Select the outcome" in error_next_to(page, "id_close-outcome")

    assert post(client, "close", held, outcome=Outcome.SUPPORTED, note="Care package in place")[0] == 302
    held.refresh_from_db()
    assert (held.state, held.outcome, held.outcome_note) == (State.CLOSED, Outcome.SUPPORTED, "Care package in place")
    page = page_of(client, held)
    assert "Supported by the neighbourhood team: Care package in place" in page
    assert "Close the referral" not in page


def test_a_refusal_from_the_rules_is_shown_next_to_the_field(
    client_for: Sign_in, held: Referral, nurse: Staff, social_worker: Staff
) -> None:
    # The nurse may read the referral (the person's care plan), but only its holder may close it.
    status, page = post(client_for(nurse), "close", held, outcome=Outcome.SUPPORTED)
    assert status == 400
    assert f"Only {services.owner_in_words(held)} can do this" in error_next_to(page, "id_close-outcome")
    held.refresh_from_db()
    assert held.state == State.ALLOCATED


def test_every_step_is_in_the_history(
    client_for: Sign_in, social_worker: Staff, held: Referral, nurse: Staff, triager: Staff
) -> None:
    offer = services.offer_handover(actor=social_worker, referral=held, to_staff=nurse, note="Leg ulcer")
    services.decline_handover(actor=nurse, offer=offer, reason="Not a nursing need")
    page = page_of(client_for(social_worker), held)
    history = page[page.index("<h2>History</h2>") :]
    for step in ("Received", "Triaged", "Allocated", "Handover offered", "Handover declined", "Not a nursing need"):
        assert step in history
    assert history.index("Handover offered") < history.index("Handover declined")


def test_an_unmatched_referral_is_closed_to_staff_with_no_part_in_it(
    client_for: Sign_in, home: Neighbourhood, front_door: Team, nurse: Staff
) -> None:
    referral = make_referral(home)
    response = client_for(nurse).get(reverse("referrals:referral", args=[referral.pk]))
    assert response.status_code == 403
    event = AuditEvent.objects.filter(staff=nurse, detail__referral=referral.pk).get()
    assert (event.action, event.allowed, event.person_id) == (AuditAction.DENIED, False, None)
