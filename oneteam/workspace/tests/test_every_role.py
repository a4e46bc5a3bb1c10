"""Every role against the one door (issue 16): every staff route with real ids, and a crawl of the site.

A small city is seeded with marker data: a stranger in another neighbourhood no demo
role has any relationship with, and, in the demo team's own neighbourhood, a person
with a mental-health diagnosis and a referral. Each demo role (one per profession,
all in the North 1 team) then
- opens every staff route with the seeded ids of the stranger's records: never a
  500, never a word about the stranger;
- walks the site from the home page, following links: never a marker the access
  policy refuses that role.
"""

from __future__ import annotations

import datetime
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from oneteam.access.models import CareRole, DataCategory, Purpose
from oneteam.access.services import ask, care_team, may_see_who
from oneteam.access.tests.test_every_url import PUBLIC
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Organisation, Profession, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_demo_team, make_neighbourhood, make_staff
from oneteam.people.models import Condition, Person, SafetyAlert
from oneteam.people.tests.factories import make_person, make_person_outside_the_area
from oneteam.referrals.models import DischargeHandover, Episode, HospitalEvent, HospitalSystem, Referral
from oneteam.referrals.tests.factories import make_front_door, make_referral
from oneteam.synthetic.demo import demo_username, ensure_demo_staff

pytestmark = pytest.mark.django_db

# How many distinct pages the crawler opens per role: enough to reach every menu and the pages they link to.
PAGES_PER_ROLE = 40


@dataclass
class City:
    stranger: Person
    ids: dict[str, int]  # a seeded id for each URL parameter that names a record
    neighbour: Person  # in the demo team's neighbourhood, with no care team
    referral_marker: str  # "what matters" on the neighbour's referral (care plan)


def seed_city() -> City:
    team = make_demo_team()
    team.takes_referrals = True  # the demo team is also its neighbourhood's front door
    team.save(update_fields=["takes_referrals"])
    ensure_demo_staff()
    home = team.neighbourhood
    assert home is not None

    elsewhere = make_neighbourhood()
    front_door = make_front_door(elsewhere)
    stranger = make_person(elsewhere, given_name="Zebedee", family_name="Strangeways", address_line_1="99 Hidden Road")
    day = datetime.date(2024, 1, 1)
    Condition.objects.create(person=stranger, snomed_code="38341003", term="Hypertension", recorded_on=day)
    SafetyAlert.objects.create(person=stranger, kind="dangerous_dog", detail="Wolfhound at the gate", raised_on=day)
    referral = make_referral(elsewhere, person=stranger)
    chair = make_staff(elsewhere, profession=Profession.CARE_COORDINATOR)
    chair.teams.add(front_door)
    item = make_item(make_meeting(elsewhere, chair), stranger)
    episode = Episode.objects.create(
        person=stranger, neighbourhood=elsewhere, opened_at=timezone.now(), key_worker=chair
    )
    hospital = Organisation.objects.create(name="City Hospital", ods_code="RZZ", sector=Sector.ACUTE_HOSPITAL)
    system = HospitalSystem.objects.create(name="PAS", organisation=hospital, token_hash="x", created_at=timezone.now())
    event = HospitalEvent.objects.create(
        system=system,
        external_id="E1",
        kind="discharge",
        person=stranger,
        occurred_at=timezone.now(),
        received_at=timezone.now(),
    )
    handover = DischargeHandover.objects.create(
        event=event, person=stranger, team=front_door, due_at=timezone.now(), summary="Home today"
    )

    neighbour = make_person(home, given_name="Nina", family_name="Neighbour")
    Condition.objects.create(person=neighbour, snomed_code="58214004", term="Schizophrenia", recorded_on=day)
    marker = "Wants to keep her allotment going"
    neighbours_referral = make_referral(home, person=neighbour)
    Referral.objects.filter(pk=neighbours_referral.pk).update(what_matters=marker)
    return City(
        stranger=stranger,
        ids={
            "person_id": stranger.pk,
            "referral_id": referral.pk,
            "team_id": front_door.pk,
            "meeting_id": item.meeting_id,
            "item_id": item.pk,
            "episode_id": episode.pk,
            "handover_id": handover.pk,
        },
        neighbour=neighbour,
        referral_marker=marker,
    )


def stranger_markers(city: City, staff: Staff) -> list[str]:
    """Who the stranger is, unless the policy lets `staff` see that for some purpose (IG officers, for audit)."""
    person = city.stranger
    if may_see_who(staff, person.pk):
        return []
    return [person.given_name, person.family_name, person.family_name.upper(), person.nhs_number, "99 Hidden Road"]


def staff_routes(ids: dict[str, int]) -> Iterator[tuple[str, str]]:
    """(name, path) for every signed-in route that names a record, with the seeded id where there is one."""

    def seeded(parameter: re.Match[str]) -> str:
        return str(ids.get(parameter[1], 1))

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and "<" in prefix + str(entry.pattern):
                name = f"{namespace}{entry.name}"
                if name not in PUBLIC:
                    yield name, "/" + re.sub(r"<(?:\w+:)?(\w+)>", seeded, prefix + str(entry.pattern))

    yield from walk(get_resolver(), "", "")


def signed_in(profession: Profession) -> tuple[Client, Staff]:
    staff = Staff.objects.get(username=demo_username(profession))
    client = Client()
    client.force_login(staff)
    return client, staff


def check_every_staff_route(client: Client, city: City, staff: Staff) -> None:
    """Every staff route with the seeded ids of the stranger's records: never a 500, never a word about them."""
    check_routes(client, city.ids, stranger_markers(city, staff), staff)


def check_routes(client: Client, ids: dict[str, int], markers: list[str], staff: Staff) -> None:
    """Every staff route with `ids`: never a 500, never one of `markers`."""
    profession = Profession(staff.profession)
    routes = list(staff_routes(ids))
    assert len(routes) > 40
    for name, path in routes:
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        assert response.status_code < 500, f"{name} ({path}) answered {response.status_code}"
        body = response.content.decode(errors="replace")
        for marker in markers:
            assert marker not in body, f"{name} ({path}) showed {marker!r} to a {profession.label}"


def refused_markers(city: City, staff: Staff) -> list[str]:
    """The neighbour's markers the policy does not let `staff` see (asked the way the pages ask)."""
    neighbour = city.neighbour
    refused = []
    if not ask(staff, neighbour, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed:
        refused += [neighbour.nhs_number, "Nina"]
    if not ask(staff, neighbour, DataCategory.MENTAL_HEALTH, Purpose.DIRECT_CARE).allowed:
        refused.append("Schizophrenia")
    if staff.profession in (Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR):
        refused.append(city.referral_marker)  # no identifiable referral for roles without direct care
    elif not ask(staff, neighbour, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE).allowed:
        refused.append(city.referral_marker)
    return refused


def _links(body: str) -> Iterator[str]:
    for href in re.findall(r'href="(/[^"#]*)"', body):
        path = urlsplit(href.replace("&amp;", "&")).path
        if not path.startswith(("/static/", "/sign-out")) and not path.endswith((".pdf", ".csv", ".json")):
            yield path


def crawl(client: Client, city: City, staff: Staff) -> None:
    """Walk the site's links from the home page; fail on any marker the policy refuses `staff`."""
    profession = Profession(staff.profession)
    forbidden = refused_markers(city, staff) + stranger_markers(city, staff)
    seen: set[str] = set()
    waiting = deque(["/"])
    while waiting and len(seen) < PAGES_PER_ROLE:
        path = waiting.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        assert response.status_code < 500, f"{path} answered {response.status_code} to a {profession.label}"
        body = response.content.decode(errors="replace")
        for marker in forbidden:
            assert marker not in body, f"{path} showed {marker!r} to a {profession.label}"
        waiting.extend(link for link in _links(body) if link not in seen)
    assert len(seen) > 3, f"the crawl as a {profession.label} found almost nothing"


@pytest.mark.parametrize("profession", list(Profession))
def test_each_role_sees_nothing_the_policy_refuses_it(profession: Profession) -> None:
    city = seed_city()
    client, staff = signed_in(profession)
    check_every_staff_route(client, city, staff)
    crawl(client, city, staff)


def test_the_markers_are_refused_where_the_policy_says_so() -> None:
    # The crawl is a real check only if some roles are refused some markers and others are not.
    city = seed_city()
    nurse = Staff.objects.get(username=demo_username(Profession.DISTRICT_NURSE))
    gp = Staff.objects.get(username=demo_username(Profession.GP))
    analyst = Staff.objects.get(username=demo_username(Profession.ANALYST))
    assert "Schizophrenia" in refused_markers(city, nurse) and "Schizophrenia" not in refused_markers(city, gp)
    assert city.referral_marker in refused_markers(city, analyst)
    assert city.referral_marker not in refused_markers(city, nurse)
    assert stranger_markers(city, nurse) and not stranger_markers(
        city, Staff.objects.get(username=demo_username(Profession.INFORMATION_GOVERNANCE_OFFICER))
    )


def test_the_crawl_reaches_the_neighbours_record_for_a_role_that_may_see_it() -> None:
    # The markers are there to be found: a care coordinator of the team sees the neighbour on its queue.
    city = seed_city()
    client, _staff = signed_in(Profession.CARE_COORDINATOR)
    team = Team.objects.get(takes_referrals=True, neighbourhood=city.neighbour.practice_neighbourhood)
    assert "Nina" in client.get(f"/referrals/teams/{team.pk}/queue/").content.decode()


@pytest.mark.parametrize("profession", list(Profession))
def test_each_role_copes_with_someone_registered_and_living_outside_the_area(profession: Profession) -> None:
    # No neighbourhood, ward, area or GP practice (ADR 14): never a 500, and only their care team sees who they are.
    city = seed_city()
    outsider = make_person_outside_the_area(given_name="Ottoline", family_name="Faraway")
    day = datetime.date(2024, 1, 1)
    Condition.objects.create(person=outsider, snomed_code="38341003", term="Hypertension", recorded_on=day)
    nurse = Staff.objects.get(username=demo_username(Profession.DISTRICT_NURSE))
    care_team.join_care_team(actor=None, person=outsider, staff=nurse, role=CareRole.KEY_WORKER)
    client, staff = signed_in(profession)
    seen = ask(staff, outsider, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed or may_see_who(
        staff, outsider.pk
    )
    markers = [] if seen else ["Ottoline", "FARAWAY", outsider.nhs_number]
    check_routes(client, city.ids | {"person_id": outsider.pk}, markers, staff)
    if profession == Profession.DISTRICT_NURSE:
        assert "Registered and living outside the area" in client.get(f"/people/{outsider.pk}/").content.decode()
