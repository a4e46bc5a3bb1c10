import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from oneteam.access.models import CareTeamMembership
from oneteam.organisations.models import Profession, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_demo_team
from oneteam.people.tests.factories import make_person
from oneteam.synthetic.demo import DEMO_PASSWORD, ensure_demo_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_1_team() -> Team:
    return make_demo_team()


def test_one_account_per_profession_in_the_demo_team(north_1_team: Team) -> None:
    accounts = ensure_demo_staff()
    assert {account.profession for account in accounts} == {p.label for p in Profession}
    assert Staff.objects.filter(teams=north_1_team).count() == len(Profession)
    gp = Staff.objects.get(username="demo.gp")
    assert gp.organisation is not None and gp.organisation.sector == Sector.GP_PRACTICE
    assert Staff.objects.get(username="demo.social.worker").organisation.sector == Sector.ADULT_SOCIAL_CARE  # type: ignore[union-attr]


def test_running_again_creates_nothing_new(north_1_team: Team) -> None:
    ensure_demo_staff()
    ensure_demo_staff()
    assert Staff.objects.count() == len(Profession)


def test_demo_account_signs_in(north_1_team: Team, client: Client) -> None:
    ensure_demo_staff()
    response = client.post(reverse("access:sign_in"), {"username": "demo.district.nurse", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_never_in_production(north_1_team: Team, settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured):
        ensure_demo_staff()
    assert not Staff.objects.exists()


def test_demo_staff_get_a_small_caseload_once(north_1_team: Team) -> None:
    assert north_1_team.neighbourhood is not None
    for _ in range(40):
        make_person(north_1_team.neighbourhood)
    ensure_demo_staff()
    ensure_demo_staff()
    nurse = Staff.objects.get(username="demo.district.nurse")
    assert CareTeamMembership.objects.filter(staff=nurse, role="key_worker").count() == 12
    assert CareTeamMembership.objects.count() == 36
