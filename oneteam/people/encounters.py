"""What a FHIR R4 Encounter is, read the same way by the FHIR import and the hospital feed (pure functions).

Only inpatient and emergency encounters are hospital stays (`EncounterClass`);
ambulatory, virtual and home encounters are contacts. Elective or not comes from
UK Core's admission-method extension (NHS Data Dictionary codes 11-13 are
elective), else from Encounter.priority; an emergency encounter is never elective.
"""

from __future__ import annotations

from typing import Any

from .models import AdmissionMethod, EncounterClass

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority"
ADMISSION_METHOD = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod"
ADMISSION_METHOD_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland"
ELECTIVE_ADMISSION_METHODS = ("11", "12", "13")
# v3 ActPriority codes for a planned stay: elective, routine.
ELECTIVE_PRIORITIES = ("EL", "R")
# Django builds `EncounterClass.values` again at each use; this is read for every encounter of an import.
_HOSPITAL_STAY_CLASSES = frozenset(EncounterClass.values)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def encounter_class(resource: dict[str, Any]) -> str:
    """Encounter.class (a Coding in R4) as a v3 ActCode code; a coding with no system is read as ActCode."""
    coding = _dict(resource.get("class"))
    code = coding.get("code")
    return code.strip() if isinstance(code, str) and coding.get("system") in (ACT_CODE, None) else ""


def is_hospital_stay(resource: dict[str, Any]) -> bool:
    """An inpatient or emergency encounter: the only kinds that are hospital admissions."""
    return encounter_class(resource) in _HOSPITAL_STAY_CLASSES


def _first_code(concept: object) -> str:
    code = next((_dict(coding).get("code") for coding in _list(_dict(concept).get("coding"))), "")
    return code.strip() if isinstance(code, str) else ""


def admission_method(resource: dict[str, Any]) -> str:
    """Elective or not: the admission-method extension (on the Encounter or its hospitalization), else priority."""
    if encounter_class(resource) == EncounterClass.EMERGENCY:
        return AdmissionMethod.NON_ELECTIVE
    for element in (resource, _dict(resource.get("hospitalization"))):
        for extension in map(_dict, _list(element.get("extension"))):
            if extension.get("url") == ADMISSION_METHOD and (
                method := _first_code(extension.get("valueCodeableConcept"))
            ):
                elective = method in ELECTIVE_ADMISSION_METHODS
                return AdmissionMethod.ELECTIVE if elective else AdmissionMethod.NON_ELECTIVE
    priority = _dict(resource.get("priority"))
    planned = any(
        _dict(coding).get("system") == ACT_PRIORITY and _dict(coding).get("code") in ELECTIVE_PRIORITIES
        for coding in _list(priority.get("coding"))
    )
    return AdmissionMethod.ELECTIVE if planned else AdmissionMethod.NON_ELECTIVE
