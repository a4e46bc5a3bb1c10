"""Our own FHIR fixtures, built in code so each test shows the part it is about."""

from __future__ import annotations

from typing import Any

from oneteam.fhir import codes
from oneteam.organisations.models import LSOA, Organisation

Json = dict[str, Any]


def organization(ods_code: str, name: str = "City Hospital", *, full_url: str = "") -> Json:
    resource = {
        "resourceType": "Organization",
        "identifier": [{"system": codes.ODS_CODE, "value": ods_code}],
        "name": name,
    }
    return {"fullUrl": full_url, "resource": resource} if full_url else {"resource": resource}


def patient(
    nhs_number: str | None,
    *,
    practice: Organisation | Json,
    lsoa: LSOA | None = None,
    family: str = "Okafor",
    postcode: str = "OT1 2AB",
) -> Json:
    """A Patient; `practice` is a OneTeam organisation (referred to by ODS code) or a ready Reference."""
    gp = (
        practice
        if isinstance(practice, dict)
        else {"reference": f"Organization?identifier={codes.ODS_CODE}|{practice.ods_code}"}
    )
    address: Json = {"use": "home", "line": ["3 Canal Street"], "city": "Oneteam City", "postalCode": postcode}
    if lsoa is not None:
        address["extension"] = [{"url": codes.LSOA_EXTENSION, "valueCode": lsoa.code}]
    resource: Json = {
        "resourceType": "Patient",
        "name": [{"use": "official", "family": family, "given": ["Grace"]}],
        "gender": "female",
        "birthDate": "1938-06-02",
        "address": [address],
        "generalPractitioner": [gp],
        "extension": [
            {
                "url": codes.ETHNIC_CATEGORY,
                "valueCodeableConcept": {"coding": [{"system": codes.ETHNIC_CATEGORY_SYSTEM, "code": "N"}]},
            }
        ],
    }
    if nhs_number is not None:
        resource["identifier"] = [{"system": codes.NHS_NUMBER, "value": nhs_number}]
    return resource


def condition(subject: Json, code: str = "13645005", term: str = "Chronic obstructive lung disease") -> Json:
    return {
        "resourceType": "Condition",
        "subject": subject,
        "code": {"coding": [{"system": codes.SNOMED, "code": code, "display": term}]},
        "recordedDate": "2024-02-10",
    }


def encounter(subject: Json, hospital: Json, *, end: str | None = None) -> Json:
    period = {"start": "2026-10-01T09:00:00Z", **({"end": end} if end else {})}
    return {
        "resourceType": "Encounter",
        "status": "finished" if end else "in-progress",
        "class": {"system": codes.ACT_CODE, "code": "IMP"},
        "subject": subject,
        "serviceProvider": hospital,
        "period": period,
    }


def flag(subject: Json) -> Json:
    return {
        "resourceType": "Flag",
        "status": "active",
        "code": {
            "coding": [{"system": codes.SAFETY_ALERT_SYSTEM, "code": "dangerous_dog"}],
            "text": "Large dog, keep shut in",
        },
        "subject": subject,
        "period": {"start": "2026-09-01"},
    }


def allergy(subject: Json) -> Json:
    return {
        "resourceType": "AllergyIntolerance",
        "patient": subject,
        "code": {"coding": [{"system": codes.SNOMED, "code": "91936005", "display": "Allergy to penicillin"}]},
        "recordedDate": "2020-01-01",
    }


def repeat_prescription(subject: Json, code: str) -> Json:
    return {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "courseOfTherapyType": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
                    "code": "continuous",
                }
            ]
        },
        "medicationCodeableConcept": {"coding": [{"system": codes.SNOMED, "code": code}]},
        "subject": subject,
    }


def bundle(kind: str, *entries: Json) -> Json:
    """A Bundle of `kind`; each entry is a resource or an {"fullUrl", "resource"} pair."""
    wrapped = [entry if "resource" in entry else {"resource": entry} for entry in entries]
    if kind in ("transaction", "batch"):
        for entry in wrapped:
            entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
    return {"resourceType": "Bundle", "type": kind, "entry": wrapped}
