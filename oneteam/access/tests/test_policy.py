import pytest

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.policy import decide, visible_people
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_allowed_when_registered_with_a_practice_in_the_team_neighbourhood() -> None:
    home = make_neighbourhood()
    staff = make_staff(home)
    person = make_person(home, ward_neighbourhood=make_neighbourhood())
    decision = decide(staff, person, DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert "registered with a GP practice in your team's neighbourhood" in decision.reason
    assert "physical health for direct care" in decision.reason


def test_allowed_when_living_in_a_ward_of_the_team_neighbourhood() -> None:
    home = make_neighbourhood()
    staff = make_staff(home, profession="social_worker")
    person = make_person(make_neighbourhood(), ward_neighbourhood=home)
    decision = decide(staff, person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    assert decision.allowed
    assert "lives in a ward in your team's neighbourhood" in decision.reason


def test_refused_outside_the_team_neighbourhoods_with_a_reason() -> None:
    staff = make_staff(make_neighbourhood())
    person = make_person(make_neighbourhood())
    decision = decide(staff, person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE)
    assert not decision.allowed
    assert decision.reason.startswith("Not allowed:")


def test_refused_for_inactive_staff_and_for_planning() -> None:
    home = make_neighbourhood()
    person = make_person(home)
    staff = make_staff(home)
    assert not decide(staff, person, DataCategory.DEMOGRAPHICS, Purpose.PLANNING).allowed
    staff.is_active = False
    assert not decide(staff, person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed


def test_visible_people_matches_decide_for_every_person() -> None:
    """The set-based filter used by searches must agree with the one-person decision."""
    north, south, east = make_neighbourhood(), make_neighbourhood(), make_neighbourhood()
    staff = make_staff(north)
    people = [
        make_person(north),
        make_person(south, ward_neighbourhood=north),
        make_person(north, ward_neighbourhood=south),
        make_person(south),
        make_person(east, ward_neighbourhood=south),
    ]
    visible = set(Person.objects.filter(visible_people(staff)).values_list("pk", flat=True))
    for person in people:
        allowed = decide(staff, person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
        assert (person.pk in visible) is allowed
    assert len(visible) == 3
