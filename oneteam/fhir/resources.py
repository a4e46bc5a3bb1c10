"""OneTeam records as FHIR R4 UK Core resources (plain functions: a row in, a JSON-ready dict out).

Each function reads only the row and the related rows it is given (callers
select them), so writing a resource costs no query. References carry the
logical identifier (NHS number, ODS code) beside the literal reference, so a
receiving system can resolve them without our ids.

To add a resource type (CarePlan, Task, Questionnaire, QuestionnaireResponse when
the care and assessment apps exist): write its function here and add an entry to
`oneteam.fhir.registry.RESOURCES`.
"""

from __future__ import annotations

import datetime
from typing import Any

from oneteam.access.models import CareTeamMembership, ConsentDecision, ConsentStatus, Objection
from oneteam.organisations.models import Organisation, Staff
from oneteam.people.models import AdmissionMethod, Condition, HospitalAdmission, Person, SafetyAlert
from oneteam.referrals.models import Referral, Urgency

from . import codes
from .models import Allergy

Json = dict[str, Any]


def _meta(resource_type: str) -> Json:
    return {"profile": [codes.profile(resource_type)]}


def _coding(system: str, code: str, display: str = "") -> Json:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str = "") -> Json:
    return {"coding": [_coding(system, code, display)], **({"text": display} if display else {})}


def patient_reference(person: Person) -> Json:
    """A reference to the person by id and by NHS number."""
    return {
        "reference": f"Patient/{person.pk}",
        "identifier": {"system": codes.NHS_NUMBER, "value": person.nhs_number},
        "display": str(person),
    }


def organization_reference(organisation: Organisation) -> Json:
    """A reference to the organisation by id and by ODS code."""
    return {
        "reference": f"Organization/{organisation.pk}",
        "identifier": {"system": codes.ODS_CODE, "value": organisation.ods_code},
        "display": organisation.name,
    }


def practitioner_reference(staff: Staff) -> Json:
    """A reference to a member of staff by id and by OneTeam username."""
    return {
        "reference": f"Practitioner/{staff.pk}",
        "identifier": {"system": codes.STAFF_USERNAME, "value": staff.username},
        "display": str(staff),
    }


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def patient(person: Person) -> Json:
    """UK Core Patient. Needs `lsoa`, `gp_practice` and `ward_neighbourhood` selected."""
    nhs_number = {
        "system": codes.NHS_NUMBER,
        "value": person.nhs_number,
        # OneTeam checks the modulus-11 digit but does not trace numbers with the Personal Demographics Service.
        "extension": [
            {
                "url": codes.NHS_NUMBER_VERIFICATION,
                "valueCodeableConcept": _concept(
                    codes.NHS_NUMBER_VERIFICATION_SYSTEM, "02", "Number present but not traced"
                ),
            }
        ],
    }
    address: Json = {
        "use": "home",
        "line": [line for line in (person.address_line_1, person.address_line_2) if line],
        "city": person.town,
        "postalCode": person.postcode,
        "extension": [{"url": codes.LSOA_EXTENSION, "valueCode": person.lsoa.code}],
    }
    resource: Json = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": _meta("Patient"),
        "extension": [
            {
                "url": codes.ETHNIC_CATEGORY,
                "valueCodeableConcept": _concept(
                    codes.ETHNIC_CATEGORY_SYSTEM, person.ethnic_category, person.get_ethnic_category_display()
                ),
            },
            {"url": codes.INTERPRETER_REQUIRED, "valueBoolean": person.interpreter_needed},
        ],
        "identifier": [nhs_number],
        "name": [{"use": "official", "family": person.family_name, "given": [person.given_name]}],
        "gender": person.sex,
        "birthDate": person.date_of_birth.isoformat(),
        "address": [address],
        "generalPractitioner": [organization_reference(person.gp_practice)],
        "communication": [{"language": {"text": person.preferred_language}, "preferred": True}],
    }
    if person.date_of_death:
        resource["deceasedDateTime"] = person.date_of_death.isoformat()
    return resource


def organization(organisation: Organisation) -> Json:
    """UK Core Organization with its ODS code; a GP practice also names its neighbourhood. Needs `neighbourhood`."""
    resource: Json = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "meta": _meta("Organization"),
        "identifier": [{"system": codes.ODS_CODE, "value": organisation.ods_code}],
        "active": True,
        "type": [_concept(codes.SECTOR_SYSTEM, organisation.sector, organisation.get_sector_display())],
        "name": organisation.name,
    }
    if organisation.neighbourhood is not None:
        resource["extension"] = [{"url": codes.NEIGHBOURHOOD_EXTENSION, "valueCode": organisation.neighbourhood.code}]
    return resource


def practitioner(staff: Staff) -> Json:
    """UK Core Practitioner for a member of staff, with their profession as a qualification."""
    return {
        "resourceType": "Practitioner",
        "id": str(staff.pk),
        "meta": _meta("Practitioner"),
        "identifier": [{"system": codes.STAFF_USERNAME, "value": staff.username}],
        "active": staff.is_active,
        "name": [{"family": staff.last_name, "given": [staff.first_name] if staff.first_name else []}],
        "qualification": [
            {"code": _concept(codes.PROFESSION_SYSTEM, staff.profession, staff.get_profession_display())}
        ],
    }


def condition(row: Condition) -> Json:
    """UK Core Condition coded in SNOMED CT. Needs `person` selected."""
    return {
        "resourceType": "Condition",
        "id": str(row.pk),
        "meta": _meta("Condition"),
        "clinicalStatus": _concept(codes.CONDITION_CLINICAL, "active"),
        "category": [_concept(codes.CONDITION_CATEGORY, "problem-list-item")],
        "code": _concept(codes.SNOMED, row.snomed_code, row.term),
        "subject": patient_reference(row.person),
        "recordedDate": row.recorded_on.isoformat(),
    }


def encounter(row: HospitalAdmission) -> Json:
    """UK Core Encounter for a hospital stay. Needs `person` and `hospital` selected."""
    period = {"start": row.admitted_on.isoformat()}
    if row.discharged_on:
        period["end"] = row.discharged_on.isoformat()
    elective = row.method == AdmissionMethod.ELECTIVE
    return {
        "resourceType": "Encounter",
        "id": str(row.pk),
        "meta": _meta("Encounter"),
        "status": "finished" if row.discharged_on else "in-progress",
        "class": _coding(codes.ACT_CODE, "IMP", "inpatient encounter"),
        "priority": _concept(codes.ACT_PRIORITY, "EL" if elective else "EM", "elective" if elective else "emergency"),
        "subject": patient_reference(row.person),
        "period": period,
        "serviceProvider": organization_reference(row.hospital),
    }


def flag(alert: SafetyAlert) -> Json:
    """UK Core Flag for a safety alert: a risk to anyone visiting the person's home. Needs `person` selected."""
    return {
        "resourceType": "Flag",
        "id": str(alert.pk),
        "meta": _meta("Flag"),
        "status": "active" if alert.active else "inactive",
        "category": [_concept(codes.FLAG_CATEGORY, "safety", "Safety")],
        "code": {
            "coding": [_coding(codes.SAFETY_ALERT_SYSTEM, alert.kind, alert.get_kind_display())],
            "text": alert.detail,
        },
        "subject": patient_reference(alert.person),
        "period": {"start": alert.raised_on.isoformat()},
    }


def allergy_intolerance(row: Allergy) -> Json:
    """UK Core AllergyIntolerance coded in SNOMED CT. Needs `person` selected."""
    return {
        "resourceType": "AllergyIntolerance",
        "id": str(row.pk),
        "meta": _meta("AllergyIntolerance"),
        "clinicalStatus": _concept(codes.ALLERGY_CLINICAL, "active"),
        "code": _concept(codes.SNOMED, row.snomed_code, row.term),
        "patient": patient_reference(row.person),
        "recordedDate": row.recorded_on.isoformat(),
    }


def care_team(person: Person, memberships: list[CareTeamMembership]) -> Json:
    """UK Core CareTeam: the person's current named professionals. Memberships need `staff` selected."""
    return {
        "resourceType": "CareTeam",
        "id": str(person.pk),
        "meta": _meta("CareTeam"),
        "status": "active",
        "subject": patient_reference(person),
        "participant": [
            {
                "role": [_concept(codes.CARE_ROLE_SYSTEM, membership.role, membership.get_role_display())],
                "member": practitioner_reference(membership.staff),
                "period": {"start": membership.started_at.isoformat()},
            }
            for membership in memberships
        ],
    }


_CONSENT_STATUS = {
    ConsentStatus.GIVEN: "active",
    ConsentStatus.DECLINED: "rejected",
    ConsentStatus.WITHDRAWN: "inactive",
}


def _consent(resource_id: str, person: Person, status: str, when: datetime.datetime, provision: Json) -> Json:
    return {
        "resourceType": "Consent",
        "id": resource_id,
        "meta": _meta("Consent"),
        "status": status,
        "scope": _concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        "category": [_concept(codes.LOINC, "59284-0", "Patient Consent")],
        "patient": patient_reference(person),
        "dateTime": when.isoformat(),
        "provision": provision,
    }


def _categories(categories: list[str]) -> list[Json]:
    return [_coding(codes.DATA_CATEGORY_SYSTEM, category) for category in categories]


def consent_decision(decision: ConsentDecision) -> Json:
    """Consent to share the record with the neighbourhood team (all categories when none are listed)."""
    provision: Json = {"type": "permit" if decision.status == ConsentStatus.GIVEN else "deny"}
    if decision.categories:
        provision["class"] = _categories(decision.categories)
    return _consent(
        f"decision-{decision.pk}",
        decision.person,
        _CONSENT_STATUS[ConsentStatus(decision.status)],
        decision.recorded_at,
        provision,
    )


def objection(row: Objection) -> Json:
    """An objection to sharing one category (with one sector, or everyone) as a Consent that denies it."""
    provision: Json = {"type": "deny", "class": _categories([row.category])}
    if row.sector:
        provision["actor"] = [
            {
                "role": _concept(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"
                ),
                "reference": {"display": row.get_sector_display()},
            }
        ]
    status = "inactive" if row.withdrawn_at else "active"
    return _consent(f"objection-{row.pk}", row.person, status, row.recorded_at, provision)


# FHIR request priorities: routine < urgent < asap.
_PRIORITY = {Urgency.ROUTINE: "routine", Urgency.SOON: "urgent", Urgency.URGENT: "asap"}


def service_request(referral: Referral) -> Json:
    """UK Core ServiceRequest for a referral to the neighbourhood team. Needs `person` selected."""
    assert referral.person is not None
    status = "completed" if referral.closed_at else "active"
    return {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": _meta("ServiceRequest"),
        "status": status,
        "intent": "order",
        "priority": _PRIORITY[Urgency(referral.urgency)],
        "code": {"coding": [_coding(codes.REFERRAL_NEED_SYSTEM, referral.need, referral.get_need_display())]},
        "subject": patient_reference(referral.person),
        "authoredOn": referral.received_at.isoformat(),
    }
