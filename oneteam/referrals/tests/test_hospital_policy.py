"""The hospital feed asks the access policy: a system adds hospital stays only for people whose area's information
sharing agreement shares physical health with its sector; a refusal is audited, writes nothing and names no one."""

from __future__ import annotations

import pytest
from django.test import Client

from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose
from oneteam.access.services.agreements import default_levels, publish_agreement
from oneteam.organisations.models import Neighbourhood, Sector, Team
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import HospitalAdmission, Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import DischargeHandover, HospitalEvent, HospitalSystem, Notice
from oneteam.referrals.tests.factories import make_front_door

from .test_hospital import encounter, hospital_organisation, send, system

__all__ = ["hospital_organisation", "system"]  # fixtures used here

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not any(model.objects.exists() for model in (HospitalEvent, HospitalAdmission, DischargeHandover, Notice))


def assert_refused_naming_no_one(response: object, person: Person, neighbourhood: Neighbourhood) -> None:
    assert response.status_code == 403  # type: ignore[attr-defined]
    outcome = response.json()  # type: ignore[attr-defined]
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "forbidden"
    text = response.content.decode()  # type: ignore[attr-defined]
    for named in (person.given_name, person.family_name, person.nhs_number, neighbourhood.name, str(person.pk)):
        assert named not in text


def test_a_person_whose_area_has_no_agreement_gets_no_hospital_stay_and_the_refusal_is_audited(
    client: Client, system: HospitalSystem
) -> None:
    outside = make_neighbourhood(with_agreement=False)
    make_front_door(outside)
    person = make_person(outside, given_name="Ivy", family_name="Okafor")

    response = send(client, encounter(person.nhs_number))

    assert_refused_naming_no_one(response, person, outside)
    assert nothing_written()
    refusal = AuditEvent.objects.get(person_id=person.pk)
    assert refusal.action == AuditAction.DENIED and refusal.allowed is False
    assert refusal.category == DataCategory.PHYSICAL_HEALTH and refusal.purpose == Purpose.DIRECT_CARE
    assert refusal.username == f"hospital system {system.organisation.ods_code}"
    assert refusal.detail["hospital_system"] == system.pk and refusal.detail["write"] is True


def test_an_agreement_that_shares_physical_health_only_with_another_sector_refuses_the_hospital(
    client: Client, system: HospitalSystem
) -> None:
    home = make_neighbourhood()
    make_front_door(home)
    person = make_person(home)
    # The partnership shares physical health for direct care with NHS community staff only.
    physical = DataCategory.PHYSICAL_HEALTH
    levels = {
        (profession, Sector.NHS_COMMUNITY if category == physical else sector, category, purpose): level
        for (profession, sector, category, purpose), level in default_levels().items()
    }
    publish_agreement(actor=None, neighbourhood=home, levels=levels, change_note="Physical health: NHS community only")

    assert_refused_naming_no_one(send(client, encounter(person.nhs_number)), person, home)
    assert nothing_written()

    physical_only = Sector.NHS_COMMUNITY
    # The same partnership sharing it with acute hospitals too: the same notification is taken.
    levels |= {(p, Sector.ACUTE_HOSPITAL, c, u): level for (p, s, c, u), level in levels.items() if s == physical_only}
    publish_agreement(actor=None, neighbourhood=home, levels=levels, change_note="And acute hospitals")
    assert send(client, encounter(person.nhs_number)).status_code == 200
    assert HospitalAdmission.objects.filter(person=person).count() == 1


def test_a_person_registered_in_a_covered_area_is_taken_though_they_live_elsewhere(
    client: Client, system: HospitalSystem, home: Neighbourhood, front_door: Team
) -> None:
    person = make_person(home, make_neighbourhood(with_agreement=False))
    response = send(client, encounter(person.nhs_number))
    assert response.status_code == 200
    taken = AuditEvent.objects.get(person_id=person.pk, action=AuditAction.CREATE)
    assert taken.category == DataCategory.PHYSICAL_HEALTH and taken.allowed is True
    assert "information sharing agreement" in taken.reason
