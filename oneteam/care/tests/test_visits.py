"""One visit calendar per person: warnings for overloaded days and clashes, outcomes, each professional's day."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.care.models import Visit, VisitOutcome
from oneteam.care.queries import visit_warnings
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person, SafetyAlert, SafetyAlertKind
from oneteam.people.tests.factories import make_person

from .factories import visit

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def at(hour: int, minute: int = 0, day: int = 1) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2030, 3, day, hour, minute))


def test_more_than_three_visits_in_a_day_warns(person: Person, nurse: Staff) -> None:
    visits = [visit(person, nurse, at(hour)) for hour in (9, 11, 13)]
    assert visit_warnings(visits, 3) == []
    visits.append(visit(person, nurse, at(15)))
    (warning,) = visit_warnings(visits, 3)
    assert warning.text.startswith("4 visits on 1 March 2030: more than 3 in a day")


def test_cancelled_visits_do_not_count_and_clashes_warn(person: Person, nurse: Staff, social_worker: Staff) -> None:
    visits = [
        visit(person, nurse, at(9), minutes=60),
        visit(person, social_worker, at(9, 30)),
        visit(person, nurse, at(14), outcome=VisitOutcome.CANCELLED_BY_PERSON),
        visit(person, social_worker, at(14, 5), outcome=VisitOutcome.CANCELLED, outcome_note="In hospital"),
        visit(person, nurse, at(14, 10)),
    ]
    (warning,) = visit_warnings(visits, 3)
    assert warning.text == "Visits clash on 1 March 2030: district nurse at 9:00am and social worker at 9:30am."


def _book(client: Client, person: Person, visitor: Staff, time: str) -> object:
    return client.post(
        reverse("care:visits", args=[person.pk]),
        {
            "visitor": str(visitor.pk),
            "day_day": "1",
            "day_month": "3",
            "day_year": "2030",
            "time": time,
            "minutes": "30",
            "purpose": "Check",
        },
    )


@override_settings(CARE_MAX_VISITS_PER_DAY=2)
def test_the_limit_is_a_setting(client_for: SignIn, person: Person, nurse: Staff) -> None:
    client = client_for(nurse)
    for time in ("09:00", "11:00", "13:00"):
        _book(client, person, nurse, time)
    page = client.get(reverse("care:visits", args=[person.pk])).content.decode()
    assert "3 visits on 1 March 2030: more than 2 in a day" in page


def test_booking_checks_the_fields(client_for: SignIn, person: Person, nurse: Staff) -> None:
    response = client_for(nurse).post(
        reverse("care:visits", args=[person.pk]),
        {
            "visitor": "",
            "day_day": "30",
            "day_month": "2",
            "day_year": "2030",
            "time": "25:00",
            "minutes": "0",
            "purpose": "x" * 201,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    for field in ("id_visitor", "id_day", "id_time", "id_minutes", "id_purpose"):
        assert f'id="{field}-error"' in page, field
    assert 'href="#id_day_day"' in page  # the error summary links to the day box
    assert not Visit.objects.exists()


def past(hours: int = 2) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def test_outcome_is_recorded(client_for: SignIn, person: Person, nurse: Staff) -> None:
    booked = visit(person, nurse, past())
    client_for(nurse).post(
        reverse("care:visit_outcome", args=[person.pk, booked.pk]), {"outcome": "no_access", "note": "No answer"}
    )
    booked.refresh_from_db()
    assert booked.outcome == VisitOutcome.NO_ACCESS and booked.outcome_note == "No answer"


def test_a_professional_sees_their_day_in_time_order(
    client_for: SignIn, home: Neighbourhood, person: Person, nurse: Staff
) -> None:
    other = make_person(home, given_name="Bea", family_name="Lowe")
    visit(other, nurse, at(14, day=2), purpose="Afternoon dressing")
    visit(person, nurse, at(9, day=2), purpose="Morning insulin")
    visit(person, make_staff(home, profession=Profession.PHYSIOTHERAPIST), at(10, day=2), purpose="Not mine")
    page = client_for(nurse).get(reverse("care:my_day") + "?day=2030-03-02").content.decode()
    assert page.index("Morning insulin") < page.index("Afternoon dressing")
    assert "Not mine" not in page
    assert "1 Mill Road" in page


def test_only_a_visit_whose_time_has_come_gets_an_outcome(client_for: SignIn, person: Person, nurse: Staff) -> None:
    future = visit(person, nurse, at(9))
    url = reverse("care:visit_outcome", args=[person.pk, future.pk])
    assert "cannot have an outcome" in client_for(nurse).get(url).content.decode()
    response = client_for(nurse).post(url, {"outcome": "completed", "note": ""})
    assert response.status_code == 400
    assert "This visit has not happened yet" in response.content.decode()
    future.refresh_from_db()
    assert future.outcome == VisitOutcome.PLANNED
    calendar = client_for(nurse).get(reverse("care:visits", args=[person.pk])).content.decode()
    assert "Move or reassign" in calendar and "Record the outcome" not in calendar


def test_a_visit_is_moved_and_given_to_a_link_worker_who_then_sees_the_address_and_alert(
    client_for: SignIn, home: Neighbourhood, person: Person, nurse: Staff
) -> None:
    SafetyAlert.objects.create(
        person=person, kind=SafetyAlertKind.AGGRESSIVE_RELATIVE, detail="Son can be hostile", raised_on=at(9).date()
    )
    link_worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    booked = visit(person, nurse, at(9))
    response = client_for(nurse).post(
        reverse("care:change_visit", args=[person.pk, booked.pk]),
        {
            "visitor": str(link_worker.pk),
            "day_day": "4",
            "day_month": "3",
            "day_year": "2030",
            "time": "10:30",
            "minutes": "45",
        },
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.visitor, booked.starts_at, booked.minutes) == (link_worker, at(10, 30, day=4), 45)
    assert booked.profession == Profession.VCSE_LINK_WORKER and booked.purpose == "Check-in"
    assert CareTeamMembership.objects.filter(
        person=person, staff=link_worker, role=CareRole.ALLOCATED_PROFESSIONAL
    ).exists()
    day = client_for(link_worker).get(reverse("care:my_day") + "?day=2030-03-04").content.decode()
    assert "Son can be hostile" in day
    assert "1 Mill Road" in day
    assert reverse("care:visits", args=[person.pk]) in day
    calendar = client_for(link_worker).get(reverse("care:visits", args=[person.pk]))
    assert calendar.status_code == 200 and "Son can be hostile" in calendar.content.decode()


def test_a_visit_is_cancelled_with_a_reason_and_a_stale_form_gets_a_clear_message(
    client_for: SignIn, person: Person, nurse: Staff, social_worker: Staff
) -> None:
    booked = visit(person, nurse, at(9))
    url = reverse("care:cancel_visit", args=[person.pk, booked.pk])
    refused = client_for(nurse).post(url, {"reason": ""})
    assert refused.status_code == 400 and "Say why the visit is cancelled" in refused.content.decode()
    client_for(nurse).post(url, {"reason": "In hospital"})
    booked.refresh_from_db()
    assert (booked.outcome, booked.outcome_note) == (VisitOutcome.CANCELLED, "In hospital")
    assert (
        "Cancelled by the team: In hospital"
        in client_for(nurse).get(reverse("care:visits", args=[person.pk])).content.decode()
    )
    # A colleague who opened the change form before the cancellation gets a message, not an error page.
    stale = client_for(social_worker).post(
        reverse("care:change_visit", args=[person.pk, booked.pk]),
        {
            "visitor": str(nurse.pk),
            "day_day": "5",
            "day_month": "3",
            "day_year": "2030",
            "time": "09:00",
            "minutes": "30",
        },
    )
    assert stale.status_code == 400
    assert "This visit can no longer be changed: it is now “cancelled by the team”" in stale.content.decode()
    booked.refresh_from_db()
    assert booked.starts_at == at(9)


def test_a_visit_cannot_be_moved_into_the_past(client_for: SignIn, person: Person, nurse: Staff) -> None:
    booked = visit(person, nurse, at(9))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(nurse).post(
        reverse("care:change_visit", args=[person.pk, booked.pk]),
        {
            "visitor": str(nurse.pk),
            "day_day": str(yesterday.day),
            "day_month": str(yesterday.month),
            "day_year": str(yesterday.year),
            "time": "09:00",
            "minutes": "30",
        },
    )
    assert response.status_code == 400
    assert 'id="id_time-error"' in response.content.decode()
    booked.refresh_from_db()
    assert booked.starts_at == at(9)
