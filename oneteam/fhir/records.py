"""FHIR resources read into plain records OneTeam can store (pure functions, no database).

Each `read_*` function takes a resource that already passed `fhir.resources`
validation and returns a record, None for a resource that is valid but not one
OneTeam keeps (a planned encounter, a one-off prescription), or raises
`Invalid` naming the element that is wrong.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.db import models

from oneteam.organisations.models import Profession, Sector
from oneteam.people import encounters, nhs_number
from oneteam.people.models import (
    ClinicalStatus,
    EthnicCategory,
    GenderIdentity,
    SafetyAlertKind,
    Sex,
    VerificationStatus,
)
from oneteam.people.postcodes import normalise_postcode

from . import codes

Json = dict[str, Any]


class Invalid(Exception):
    """The resource is valid FHIR but OneTeam cannot take it; the message says which element and why."""


@dataclass(frozen=True)
class Ref:
    """A reference as sent: its literal text (`urn:uuid:…`, `Patient/12`, `Organization?identifier=s|v`)
    and any logical identifier it carries."""

    resource_type: str
    literal: str
    system: str
    value: str


@dataclass(frozen=True)
class OrganisationRecord:
    ods_code: str
    # Every other identifier, as (system, value).
    identifiers: tuple[tuple[str, str], ...]
    name: str
    sector: str
    neighbourhood_code: str


@dataclass(frozen=True)
class PractitionerRecord:
    username: str
    first_name: str
    last_name: str
    profession: str


@dataclass(frozen=True)
class PatientRecord:
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: datetime.date
    date_of_death: datetime.date | None
    sex: str
    ethnic_category: str
    interpreter_needed: bool
    preferred_language: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    lsoa_code: str
    gp_practice: Ref | None
    gender_identity: str = GenderIdentity.NOT_STATED
    lives_alone: bool = False
    communication_needs: str = ""
    repeat_medication_count: int = 0


@dataclass(frozen=True)
class ContactRecord:
    subject: Ref
    name: str
    relationship: str
    phone: str
    is_carer: bool
    is_next_of_kin: bool


@dataclass(frozen=True)
class ConditionRecord:
    subject: Ref
    snomed_code: str
    term: str
    recorded_on: datetime.date
    clinical_status: str
    verification_status: str


@dataclass(frozen=True)
class EncounterRecord:
    subject: Ref
    hospital: Ref
    method: str
    encounter_class: str
    admitted_on: datetime.date
    discharged_on: datetime.date | None


@dataclass(frozen=True)
class FlagRecord:
    subject: Ref
    kind: str
    detail: str
    raised_on: datetime.date
    active: bool


@dataclass(frozen=True)
class AllergyRecord:
    subject: Ref
    snomed_code: str
    term: str
    recorded_on: datetime.date


@dataclass(frozen=True)
class MedicationRecord:
    subject: Ref
    code: str


Record = (
    OrganisationRecord
    | PractitionerRecord
    | PatientRecord
    | ConditionRecord
    | EncounterRecord
    | FlagRecord
    | AllergyRecord
    | MedicationRecord
    | ContactRecord
)


@functools.cache
def _values(choices: type[models.Choices]) -> tuple[str, ...]:
    """A choice type's codes, worked out once (Django builds the list again at each `.values`)."""
    return tuple(choices.values)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def reference(value: object, resource_type: str, where: str) -> Ref:
    """Read a Reference that must point at a `resource_type`. Raises Invalid if it cannot."""
    ref = _dict(value)
    literal = _text(ref.get("reference"))
    identifier = _dict(ref.get("identifier"))
    system, code = _text(identifier.get("system")), _text(identifier.get("value"))
    if literal.startswith(f"{resource_type}?"):
        # A conditional reference: Organization?identifier=system|value
        query = parse_qs(literal.partition("?")[2])
        wanted = (query.get("identifier") or [""])[0]
        system, _, code = wanted.rpartition("|")
        if not code:
            raise Invalid(f"{where}: a conditional reference must be {resource_type}?identifier=system|value")
        literal = ""
    elif literal and not literal.startswith("urn:uuid:") and f"{resource_type}/" not in literal:
        raise Invalid(f"{where} must refer to a {resource_type}")
    if not literal and not code:
        raise Invalid(f"{where} must refer to a {resource_type}")
    return Ref(resource_type, literal, system, code)


def _names_org(ref: Json) -> bool:
    """Whether a reference may name an Organization: it is not typed, or written, as a Practitioner(Role)."""
    literal = _text(ref.get("reference"))
    return _text(ref.get("type") or "Organization") == "Organization" and not (
        literal.startswith("Practitioner") or "/Practitioner" in literal
    )


def _day(value: object, where: str, *, required: bool = True) -> datetime.date | None:
    """The date part of a FHIR date or dateTime."""
    text = _text(value)
    if not text:
        if required:
            raise Invalid(f"{where} is needed")
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise Invalid(f"{where} must be a full date (year, month and day)") from None


def _code(concept: object, system: str) -> tuple[str, str]:
    """The code and its words from the first coding in `system`, or ("", "")."""
    concept = _dict(concept)
    for coding in _list(concept.get("coding")):
        coding = _dict(coding)
        if coding.get("system") == system and _text(coding.get("code")):
            return _text(coding.get("code")), _text(coding.get("display")) or _text(concept.get("text"))
    return "", ""


def _snomed(concept: object, where: str) -> tuple[str, str]:
    code, term = _code(concept, codes.SNOMED)
    if not code:
        raise Invalid(f"{where} needs a SNOMED CT coding ({codes.SNOMED})")
    return code, (term or code)[:200]


# What the HL7 organization-type codes tell OneTeam; a provider may be a hospital, a practice or a pharmacy.
_ORGANIZATION_TYPES = {"cg": Sector.VCSE, "reli": Sector.VCSE}


def read_organization(resource: Json) -> OrganisationRecord:
    """An Organization, identified by its ODS code or, failing that, any other identifier (or else its name).

    What kind of organisation it is comes from its type: OneTeam's own sector codes,
    or the HL7 organization-type codes; anything else is "other", never a hospital.
    """
    identifiers = [
        (_text(identifier.get("system")), _text(identifier.get("value")))
        for identifier in map(_dict, _list(resource.get("identifier")))
        if _text(identifier.get("value"))
    ]
    ods = next((value.upper() for system, value in identifiers if system == codes.ODS_CODE), "")
    if len(ods) > 10:
        raise Invalid("Organization.identifier: an ODS code has at most 10 characters")
    others = tuple((system[:200], value[:200]) for system, value in identifiers if system != codes.ODS_CODE and system)
    name = _text(resource.get("name")) or next((value for _system, value in identifiers), "")
    if not name:
        raise Invalid("Organization needs a name or an identifier (FHIR org-1)")
    sector = ""
    for concept in _list(resource.get("type")):
        sector = _code(concept, codes.SECTOR_SYSTEM)[0] or _ORGANIZATION_TYPES.get(
            _code(concept, codes.ORGANIZATION_TYPE)[0], ""
        )
        if sector:
            break
    sector = sector if sector in _values(Sector) else Sector.OTHER
    return OrganisationRecord(ods, others, name[:200], sector, _extension_code(resource, codes.NEIGHBOURHOOD_EXTENSION))


def _extension_code(element: Json, url: str) -> str:
    for extension in map(_dict, _list(element.get("extension"))):
        if extension.get("url") == url:
            return _text(extension.get("valueCode"))
    return ""


def read_practitioner(resource: Json) -> PractitionerRecord:
    """A Practitioner, identified by OneTeam username or, from elsewhere, its first identifier's system and value.

    A GMC number and an NPI with the same digits are different people, so both parts
    make the directory entry's name ("fhir:<system>|<value>").
    """
    identifiers = [_dict(identifier) for identifier in _list(resource.get("identifier"))]
    username = next((_text(i.get("value")) for i in identifiers if i.get("system") == codes.STAFF_USERNAME), "")
    if not username:
        first = next(
            (f"{_text(i.get('system'))}|{_text(i.get('value'))}" for i in identifiers if _text(i.get("value"))), ""
        )
        username = f"fhir:{first}" if first else ""
    if not username or len(username) > 150:
        raise Invalid("Practitioner.identifier is needed (system and value, up to 150 characters together)")
    name = _dict(next(iter(_list(resource.get("name"))), {}))
    profession = next(
        (
            code
            for qualification in map(_dict, _list(resource.get("qualification")))
            if (code := _code(qualification.get("code"), codes.PROFESSION_SYSTEM)[0]) in _values(Profession)
        ),
        Profession.CARE_COORDINATOR,
    )
    given = " ".join(_text(part) for part in _list(name.get("given")))
    return PractitionerRecord(username, given[:150], _text(name.get("family"))[:150], profession)


def read_patient(resource: Json) -> PatientRecord:
    """A Patient. An NHS number that fails its check digit is refused, never stored."""
    number = ""
    for identifier in map(_dict, _list(resource.get("identifier"))):
        if identifier.get("system") == codes.NHS_NUMBER:
            number = nhs_number.normalise(_text(identifier.get("value")))
            if not nhs_number.is_valid(number):
                raise Invalid(
                    f"Patient.identifier: {number!r} is not a valid NHS number (10 digits with a correct check digit)"
                )
    names = [_dict(name) for name in _list(resource.get("name"))]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    family = _text(name.get("family"))
    given = " ".join(_text(part) for part in _list(name.get("given")))
    if not family or not given:
        raise Invalid("Patient.name needs a family name and a given name")
    born = _day(resource.get("birthDate"), "Patient.birthDate")
    assert born is not None
    addresses = [_dict(address) for address in _list(resource.get("address"))]
    address = next((a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {})
    lines = [_text(line) for line in _list(address.get("line"))] + ["", ""]
    postcode = normalise_postcode(_text(address.get("postalCode"))) or ""
    gender = _text(resource.get("gender"))
    ethnic = _code(_extension_concept(resource, codes.ETHNIC_CATEGORY), codes.ETHNIC_CATEGORY_SYSTEM)[0]
    gender_identity = _code(_extension_concept(resource, codes.GENDER_IDENTITY), codes.GENDER_IDENTITY_SYSTEM)[0]
    repeat_medicines = _extension(resource, codes.REPEAT_MEDICINES_EXTENSION).get("valueInteger")
    # The practice is the first Organization named; a named Practitioner (UK Core allows one) is not a practice.
    practices = [(i, p) for i, p in enumerate(map(_dict, _list(resource.get("generalPractitioner")))) if _names_org(p)]
    gp = (
        reference(practices[0][1], "Organization", f"Patient.generalPractitioner[{practices[0][0]}]")
        if practices
        else None
    )
    language = next(
        (
            _text(_dict(c.get("language")).get("text"))
            for c in map(_dict, _list(resource.get("communication")))
            if c.get("preferred")
        ),
        "",
    )
    return PatientRecord(
        nhs_number=number,
        given_name=given[:100],
        family_name=family[:100],
        date_of_birth=born,
        date_of_death=_day(resource.get("deceasedDateTime"), "Patient.deceasedDateTime", required=False),
        sex=gender if gender in (Sex.FEMALE, Sex.MALE) else Sex.UNKNOWN,
        ethnic_category=ethnic if ethnic in _values(EthnicCategory) else EthnicCategory.NOT_STATED,
        interpreter_needed=any(
            e.get("valueBoolean") is True
            for e in map(_dict, _list(resource.get("extension")))
            if e.get("url") == codes.INTERPRETER_REQUIRED
        ),
        preferred_language=(language or "English")[:50],
        address_line_1=lines[0][:200],
        address_line_2=lines[1][:200],
        town=_text(address.get("city"))[:100],
        postcode=postcode,
        lsoa_code=_extension_code(address, codes.LSOA_EXTENSION),
        gp_practice=gp,
        gender_identity=gender_identity if gender_identity in _values(GenderIdentity) else GenderIdentity.NOT_STATED,
        lives_alone=_extension(resource, codes.LIVES_ALONE_EXTENSION).get("valueBoolean") is True,
        communication_needs=_text(_extension(resource, codes.COMMUNICATION_NEEDS_EXTENSION).get("valueString"))[:200],
        repeat_medication_count=min(max(repeat_medicines, 0), 32767) if isinstance(repeat_medicines, int) else 0,
    )


def _extension(element: Json, url: str) -> Json:
    """The element's first extension with `url`, or {}."""
    return next((e for e in map(_dict, _list(element.get("extension"))) if e.get("url") == url), {})


def _extension_concept(element: Json, url: str) -> Json:
    return _dict(_extension(element, url).get("valueCodeableConcept"))


def read_related_person(resource: Json) -> ContactRecord:
    """A RelatedPerson: a carer (OneTeam's carer code) or other contact; next of kin from HL7 v2 table 0131."""
    roles = [_dict(role) for role in _list(resource.get("relationship"))]
    relationship = next(
        (
            _text(role.get("text")) or _text(_dict(next(iter(_list(role.get("coding"))), {})).get("display"))
            for role in roles
            if _text(role.get("text")) or _list(role.get("coding"))
        ),
        "",
    )
    names = [_dict(name) for name in _list(resource.get("name"))]
    name = next(
        (
            _text(n.get("text")) or " ".join([*map(_text, _list(n.get("given"))), _text(n.get("family"))]).strip()
            for n in names
        ),
        "",
    )
    if not name:
        raise Invalid("RelatedPerson.name is needed")
    phone = next(
        (_text(t.get("value")) for t in map(_dict, _list(resource.get("telecom"))) if t.get("system") == "phone"), ""
    )
    return ContactRecord(
        subject=reference(resource.get("patient"), "Patient", "RelatedPerson.patient"),
        name=name[:200],
        relationship=(relationship or "Contact")[:50],
        phone=phone[:30],
        is_carer=any(_code(role, codes.CARER_SYSTEM)[0] == "carer" for role in roles),
        is_next_of_kin=any(_code(role, codes.CONTACT_ROLE)[0] == "N" for role in roles),
    )


def _recorded(resource: Json, resource_type: str) -> datetime.date:
    """When the record was made: recordedDate, else the onset, else today (UK Core requires neither)."""
    for element in ("recordedDate", "onsetDateTime"):
        day = _day(resource.get(element), f"{resource_type}.{element}", required=False)
        if day is not None:
            return day
    return datetime.date.today()


def _status(concept: object, system: str, allowed: tuple[str, ...], where: str, default: str) -> str:
    """A status code from its FHIR code system; `default` when the element is absent."""
    if not concept:
        return default
    code = _code(concept, system)[0]
    if code not in allowed:
        raise Invalid(f"{where} must be coded in {system} as one of {', '.join(allowed)}")
    return code


def read_condition(resource: Json) -> ConditionRecord | None:
    """A Condition coded in SNOMED CT, with its clinical and verification status; one entered in error is not kept.

    With no clinicalStatus, a condition that has abated is resolved and any other is active.
    """
    verification = _status(
        resource.get("verificationStatus"),
        codes.CONDITION_VERIFICATION,
        _values(VerificationStatus),
        "Condition.verificationStatus",
        VerificationStatus.CONFIRMED,
    )
    if verification == VerificationStatus.ENTERED_IN_ERROR:
        return None
    abated = any(name.startswith("abatement") for name in resource)
    clinical = _status(
        resource.get("clinicalStatus"),
        codes.CONDITION_CLINICAL,
        _values(ClinicalStatus),
        "Condition.clinicalStatus",
        ClinicalStatus.RESOLVED if abated else ClinicalStatus.ACTIVE,
    )
    code, term = _snomed(resource.get("code"), "Condition.code")
    return ConditionRecord(
        reference(resource.get("subject"), "Patient", "Condition.subject"),
        code,
        term,
        _recorded(resource, "Condition"),
        clinical,
        verification,
    )


# Encounter statuses that are a stay begun (still in, or on leave) or ended; the rest are not stays (yet).
_OPEN_STAYS = ("in-progress", "onleave")


def read_encounter(resource: Json) -> EncounterRecord | None:
    """A hospital stay: an inpatient or emergency encounter that has begun ("in-progress", "onleave") or ended
    ("finished"). Ambulatory, virtual, home and other encounters, and planned or cancelled ones, are not kept."""
    status = _text(resource.get("status"))
    if not encounters.is_hospital_stay(resource) or status not in (*_OPEN_STAYS, "finished"):
        return None
    period = _dict(resource.get("period"))
    admitted = _day(period.get("start"), "Encounter.period.start")
    assert admitted is not None
    discharged = _day(period.get("end"), "Encounter.period.end", required=status == "finished")
    if discharged is not None and discharged < admitted:
        raise Invalid("Encounter.period.end is before Encounter.period.start")
    return EncounterRecord(
        subject=reference(resource.get("subject"), "Patient", "Encounter.subject"),
        hospital=reference(resource.get("serviceProvider"), "Organization", "Encounter.serviceProvider"),
        method=encounters.admission_method(resource),
        encounter_class=encounters.encounter_class(resource),
        admitted_on=admitted,
        discharged_on=discharged if status == "finished" else None,
    )


def read_flag(resource: Json) -> FlagRecord | None:
    """A Flag becomes a safety alert, shown to anyone about to visit; one entered in error is not kept."""
    status = _text(resource.get("status"))
    if status == "entered-in-error":
        return None
    kind, words = _code(resource.get("code"), codes.SAFETY_ALERT_SYSTEM)
    concept = _dict(resource.get("code"))
    detail = (
        _text(concept.get("text"))
        or words
        or next(
            (_text(_dict(c).get("display")) for c in _list(concept.get("coding")) if _text(_dict(c).get("display"))), ""
        )
    )
    if not detail:
        raise Invalid("Flag.code needs words (text or a display) saying what the risk is")
    raised = _day(_dict(resource.get("period")).get("start"), "Flag.period.start")
    assert raised is not None
    return FlagRecord(
        subject=reference(resource.get("subject"), "Patient", "Flag.subject"),
        kind=kind if kind in _values(SafetyAlertKind) else SafetyAlertKind.OTHER,
        detail=detail[:300],
        raised_on=raised,
        active=status == "active",
    )


def read_allergy(resource: Json) -> AllergyRecord | None:
    """An AllergyIntolerance coded in SNOMED CT; one entered in error or refuted is not kept."""
    verification = _code(
        resource.get("verificationStatus"), "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
    )[0]
    if verification in ("entered-in-error", "refuted"):
        return None
    code, term = _snomed(resource.get("code"), "AllergyIntolerance.code")
    return AllergyRecord(
        reference(resource.get("patient"), "Patient", "AllergyIntolerance.patient"),
        code,
        term,
        _recorded(resource, "AllergyIntolerance"),
    )


def _medicine(resource: Json, resource_type: str) -> str:
    concept = _dict(resource.get("medicationCodeableConcept"))
    for coding in map(_dict, _list(concept.get("coding"))):
        if _text(coding.get("code")):
            return f"{_text(coding.get('system'))}|{_text(coding.get('code'))}"[:200]
    text = _text(concept.get("text"))
    if not text:
        raise Invalid(f"{resource_type}.medicationCodeableConcept needs a code or text")
    return text[:200]


def read_medication_request(resource: Json) -> MedicationRecord | None:
    """An active repeat prescription counts towards repeat medicines: courseOfTherapyType "continuous", or
    UK Core's repeat-information extension on a request whose course is not said to be short ("acute")."""
    course = _code(resource.get("courseOfTherapyType"), codes.COURSE_OF_THERAPY)[0]
    extensions = [_dict(extension).get("url") for extension in _list(resource.get("extension"))]
    repeat = course == "continuous" or (not course and codes.REPEAT_INFORMATION in extensions)
    if _text(resource.get("status")) != "active" or not repeat:
        return None
    return MedicationRecord(
        reference(resource.get("subject"), "Patient", "MedicationRequest.subject"),
        _medicine(resource, "MedicationRequest"),
    )


READERS: dict[str, Callable[[Json], Record | None]] = {
    "Organization": read_organization,
    "Practitioner": read_practitioner,
    "Patient": read_patient,
    "RelatedPerson": read_related_person,
    "Condition": read_condition,
    "Encounter": read_encounter,
    "Flag": read_flag,
    "AllergyIntolerance": read_allergy,
    "MedicationRequest": read_medication_request,
}
