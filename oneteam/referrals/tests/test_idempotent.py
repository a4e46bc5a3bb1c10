"""A form sent twice, or several staff acting at once, makes one record; the others are told, never a 500."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from oneteam.organisations.models import Neighbourhood, Profession, Staff, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals import services
from oneteam.referrals.models import Episode, Outcome, Referral, State
from oneteam.referrals.tests.factories import make_referral
from oneteam.referrals.tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]
ABOUT_THE_NEED = {"need": "falls", "urgency": "soon", "consent_to_share": "yes"}
NEW_PERSON = {
    "given_name": "Ada",
    "family_name": "Khan",
    "dob_day": "27",
    "dob_month": "3",
    "dob_year": "1946",
    "nhs_number": "",
    "postcode": "ot1 2ab",
}


def test_the_same_person_and_need_again_is_refused_and_makes_nothing(
    home: Neighbourhood, front_door: Team, person: Person
) -> None:
    first = make_referral(home, person=person, need="falls")
    with pytest.raises(services.AlreadyReferred, match="already referred for falls") as refused:
        make_referral(home, person=person, need="falls")
    assert refused.value.existing == first
    assert Referral.objects.count() == 1


def test_a_closed_referral_does_not_stop_a_new_one(home: Neighbourhood, front_door: Team, person: Person) -> None:
    triager = make_staff(home)
    triager.teams.add(front_door)
    first = make_referral(home, person=person, need="falls")
    services.close_referral(actor=triager, referral=first, outcome=Outcome.NO_FURTHER_ACTION)
    assert make_referral(home, person=person, need="falls").state == State.RECEIVED


def test_sending_the_form_twice_gives_the_first_referrals_confirmation(
    client_for: Sign_in, home: Neighbourhood, front_door: Team, person: Person
) -> None:
    client = client_for(make_staff(home, profession=Profession.GP))
    path = reverse("referrals:refer_person", args=[person.pk])
    first = client.post(path, {"neighbourhood": home.pk, **ABOUT_THE_NEED})
    second = client.post(path, {"neighbourhood": home.pk, **ABOUT_THE_NEED})
    referral = Referral.objects.get()
    assert first["Location"] == second["Location"] == reverse("referrals:sent", args=[referral.pk])
    told = [str(message) for message in get_messages(second.wsgi_request)]
    assert "You had already sent this referral, so it was not sent a second time." in told


def test_a_colleague_referring_the_same_new_person_is_told_next_to_the_need(
    client_for: Sign_in, home: Neighbourhood, front_door: Team
) -> None:
    data = {"neighbourhood": home.pk, **NEW_PERSON, **ABOUT_THE_NEED}
    assert client_for(make_staff(home)).post(reverse("referrals:refer"), data).status_code == 302
    response = client_for(make_staff(home)).post(reverse("referrals:refer"), {**data, "family_name": "KHAN"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert 'id="id_need-error"' in page or "need-error" in page
    assert "Ada Khan was already referred for falls" in page and "Yours was not sent a second time" in page
    assert Referral.objects.count() == 1


def test_losing_an_allocation_gives_a_clear_message_not_a_server_error(
    client_for: Sign_in, home: Neighbourhood, front_door: Team, triager: Staff, person: Person
) -> None:
    referral = make_referral(home, person=person)
    services.triage(actor=triager, referral=referral, person=person)
    colleague = make_staff(home, profession=Profession.CARE_COORDINATOR)
    colleague.teams.add(front_door)
    first, second = make_staff(home), make_staff(home)
    # The colleague opened the page while it was in the queue; the triager allocated it first.
    services.allocate(actor=triager, referral=referral, to=first)
    response = client_for(colleague).post(reverse("referrals:allocate", args=[referral.pk]), {"allocate-to": second.pk})
    assert response.status_code == 400
    told = f"This referral has already been allocated: {first.get_full_name()} ({first.get_profession_display()})"
    assert told in html.unescape(response.content.decode())
    referral.refresh_from_db()
    assert referral.owner_staff == first


def test_a_late_allocation_in_the_service_names_who_holds_it(
    home: Neighbourhood, front_door: Team, triager: Staff, person: Person
) -> None:
    referral = make_referral(home, person=person)
    services.triage(actor=triager, referral=referral, person=person)
    colleague = make_staff(home)
    colleague.teams.add(front_door)
    winner = make_staff(home)
    services.allocate(actor=triager, referral=referral, to=winner)
    with pytest.raises(services.ReferralRefused, match=f"already been allocated: {winner.get_full_name()}"):
        services.allocate(actor=colleague, referral=referral, to=make_staff(home))


@pytest.mark.django_db(transaction=True)
def test_parallel_referrals_of_the_same_person_and_need_make_one() -> None:
    home = make_neighbourhood()
    Team.objects.create(name="Front door", neighbourhood=home, takes_referrals=True)
    person = make_person(home)
    staff = [make_staff(home) for _ in range(4)]
    statuses = parallel_posts(
        staff,
        reverse("referrals:refer_person", args=[person.pk]),
        {"neighbourhood": str(home.pk), **ABOUT_THE_NEED},
    )
    assert sorted(statuses) == [302, 400, 400, 400], statuses
    assert Referral.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_allocations_leave_one_owner_and_no_server_error() -> None:
    home = make_neighbourhood()
    door = Team.objects.create(name="Front door", neighbourhood=home, takes_referrals=True)
    person = make_person(home)
    coordinators = [make_staff(home, profession=Profession.CARE_COORDINATOR) for _ in range(4)]
    for coordinator in coordinators:
        coordinator.teams.add(door)
    referral = make_referral(home, person=person)
    services.triage(actor=coordinators[0], referral=referral, person=person)
    nurse = make_staff(home)
    statuses = parallel_posts(
        coordinators, reverse("referrals:allocate", args=[referral.pk]), {"allocate-to": str(nurse.pk)}
    )
    assert 500 not in statuses and statuses.count(302) >= 1, statuses
    referral.refresh_from_db()
    assert referral.owner_staff == nurse and referral.owner_team is None
    assert Episode.objects.filter(person=person).count() == 1
    assert referral.events.filter(kind="allocated").count() == 1
