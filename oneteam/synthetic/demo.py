"""Demo sign-ins: one member of staff per profession in the North 1 team, for trying OneTeam out.

Never available in production: these accounts share a published password.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.access.services.care_team import join_care_team
from oneteam.organisations.models import Organisation, Profession, Sector, Staff, Team
from oneteam.people.models import Person

DEMO_PASSWORD = "oneteam-demo"  # noqa: S105 - a published demo password, refused in production
DEMO_TEAM = "North 1 integrated neighbourhood team"

# Which kind of organisation employs each profession.
_EMPLOYER_SECTOR = {
    Profession.GP: Sector.GP_PRACTICE,
    Profession.SOCIAL_WORKER: Sector.ADULT_SOCIAL_CARE,
    Profession.SOCIAL_CARE_ASSESSOR: Sector.ADULT_SOCIAL_CARE,
    Profession.MENTAL_HEALTH_NURSE: Sector.MENTAL_HEALTH,
    Profession.VCSE_LINK_WORKER: Sector.VCSE,
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    profession: str


def demo_username(profession: Profession) -> str:
    """`district_nurse` becomes `demo.district.nurse`: readable and clearly not a real person."""
    return "demo." + profession.value.replace("_", ".")


@transaction.atomic
def ensure_demo_staff() -> list[DemoAccount]:
    """Create (or refresh) one demo account per profession in the North 1 team. Safe to run again."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo accounts are never created in production.")
    team = Team.objects.select_related("neighbourhood").get(name=DEMO_TEAM)
    accounts = []
    for profession in Profession:
        employer = _employer(profession, team)
        staff, _ = Staff.objects.get_or_create(
            username=demo_username(profession),
            defaults={"profession": profession, "first_name": "Demo", "last_name": profession.label},
        )
        staff.profession = profession
        staff.organisation = employer
        staff.is_active = True
        staff.set_password(DEMO_PASSWORD)
        staff.save()
        staff.teams.set([team])
        accounts.append(DemoAccount(staff.username, staff.get_full_name(), profession.label))
    _give_demo_caseloads(team)
    return accounts


# Professions whose demo account gets a small caseload, and the role they hold in it.
_CASELOADS = {
    Profession.DISTRICT_NURSE: CareRole.KEY_WORKER,
    Profession.SOCIAL_WORKER: CareRole.ALLOCATED_PROFESSIONAL,
    Profession.VCSE_LINK_WORKER: CareRole.ALLOCATED_PROFESSIONAL,
}
_CASELOAD_SIZE = 12


def _give_demo_caseloads(team: Team) -> None:
    """Put a few of the team's residents on demo staff caseloads, so care-team access can be tried out."""
    people = list(Person.objects.filter(practice_neighbourhood=team.neighbourhood).order_by("pk")[: _CASELOAD_SIZE * 3])
    for offset, (profession, role) in enumerate(_CASELOADS.items()):
        staff = Staff.objects.get(username=demo_username(profession))
        if CareTeamMembership.objects.filter(staff=staff).exists():
            continue
        for person in people[offset * _CASELOAD_SIZE : (offset + 1) * _CASELOAD_SIZE]:
            join_care_team(actor=None, person=person, staff=staff, role=role)


def _employer(profession: Profession, team: Team) -> Organisation:
    sector = _EMPLOYER_SECTOR.get(profession, Sector.NHS_COMMUNITY)
    employers = Organisation.objects.filter(sector=sector).order_by("ods_code")
    if sector == Sector.GP_PRACTICE:
        employers = employers.filter(neighbourhood=team.neighbourhood)
    employer = employers.first()
    if employer is None:
        raise ImproperlyConfigured(f"The city has no {sector.label} organisation: run generate_city first.")
    return employer
