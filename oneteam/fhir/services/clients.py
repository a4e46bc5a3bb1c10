"""Setting up a system's access to the FHIR API: one token, tied to an organisation and a purpose.

The token is a hospital-system token (`referrals.HospitalSystem`), so the same
token also sends admissions and discharges. The access policy judges the system
as its service account (`organisations.ServiceAccount`): a row of the staff table of the
system's organisation, of the profession and in the teams chosen here, that can never sign in
and that no staff list, picker or count shows. There is one
policy, and the information sharing agreements already say what each profession
may see for each purpose, so a system gets exactly what a person in that role
would get, and its every read is audited under that account.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.hashers import make_password
from django.db import transaction

from oneteam.access.models import AuditAction, Purpose
from oneteam.access.services import record_event
from oneteam.organisations.models import Organisation, Profession, ServiceAccount, Staff, Team
from oneteam.referrals.models import HospitalSystem
from oneteam.referrals.services import register_hospital_system
from oneteam.referrals.services.hospital import authenticated_system

from ..models import ApiClient


@transaction.atomic
def create_api_client(
    *,
    actor: Staff | None,
    name: str,
    organisation: Organisation,
    purpose: Purpose,
    profession: Profession,
    teams: Sequence[Team],
    may_import: bool = False,
) -> tuple[ApiClient, str]:
    """Register a system and return it with its new token. Only the token's hash is kept: show the token once.

    The one way to make an API client (the management command, demo data and tests all call it).
    """
    system, token = register_hospital_system(actor=actor, name=name, organisation=organisation)
    account = ServiceAccount.objects.create(
        username=f"api-client-{system.pk}",
        first_name=name[:150],
        last_name="(system)",
        profession=profession,
        organisation=organisation,
        # No password can match this; and sign-in looks only at `Staff.objects`, which leaves service accounts out.
        password=make_password(None),
    )
    account.teams.set(teams)
    client = ApiClient.objects.create(system=system, staff=account, purpose=purpose, may_import=may_import)
    record_event(
        staff=actor,
        action=AuditAction.CREATE,
        detail={"fhir_client": client.pk, "purpose": purpose, "profession": profession, "may_import": may_import},
    )
    return client, token


def authenticated_client(authorization: str) -> tuple[HospitalSystem | None, ApiClient | None]:
    """The system whose token is in the `Authorization: Bearer` header, and its FHIR access if it has any."""
    system = authenticated_system(authorization)
    if system is None:
        return None, None
    client = ApiClient.objects.select_related("staff", "system__organisation").filter(system=system).first()
    return system, client
