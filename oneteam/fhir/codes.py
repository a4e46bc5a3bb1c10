"""The FHIR vocabulary OneTeam speaks: UK Core profiles, identifier systems, extensions and code systems.

OneTeam's own code systems (sector, profession, safety-alert kind, care role,
data category, referral need, service type, goal kind, LSOA and neighbourhood)
live under `ONETEAM_BASE`, so a reader can tell at once which codes are
national and which are ours.
"""

from __future__ import annotations

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"

UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/"
ONETEAM_BASE = "https://fhir.oneteam.example/"

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED = "http://snomed.info/sct"
STAFF_USERNAME = ONETEAM_BASE + "Id/staff-username"

NHS_NUMBER_VERIFICATION = UK_CORE + "Extension-UKCore-NHSNumberVerificationStatus"
NHS_NUMBER_VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
ETHNIC_CATEGORY = UK_CORE + "Extension-UKCore-EthnicCategory"
ETHNIC_CATEGORY_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
REPEAT_INFORMATION = UK_CORE + "Extension-UKCore-MedicationRepeatInformation"
GENDER_IDENTITY = "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"

LSOA_EXTENSION = ONETEAM_BASE + "StructureDefinition/lsoa"
# OneTeam's own Patient extensions: optional on import, written so that an export imports back without loss.
LIVES_ALONE_EXTENSION = ONETEAM_BASE + "StructureDefinition/lives-alone"
COMMUNICATION_NEEDS_EXTENSION = ONETEAM_BASE + "StructureDefinition/communication-needs"
REPEAT_MEDICINES_EXTENSION = ONETEAM_BASE + "StructureDefinition/repeat-medication-count"
GENDER_IDENTITY_SYSTEM = ONETEAM_BASE + "CodeSystem/gender-identity"
CARER_SYSTEM = ONETEAM_BASE + "CodeSystem/related-person-role"
NEIGHBOURHOOD_EXTENSION = ONETEAM_BASE + "StructureDefinition/neighbourhood"
SECTOR_SYSTEM = ONETEAM_BASE + "CodeSystem/sector"
PROFESSION_SYSTEM = ONETEAM_BASE + "CodeSystem/profession"
SAFETY_ALERT_SYSTEM = ONETEAM_BASE + "CodeSystem/safety-alert-kind"
CARE_ROLE_SYSTEM = ONETEAM_BASE + "CodeSystem/care-role"
DATA_CATEGORY_SYSTEM = ONETEAM_BASE + "CodeSystem/data-category"
REFERRAL_NEED_SYSTEM = ONETEAM_BASE + "CodeSystem/referral-need"
SERVICE_TYPE_SYSTEM = ONETEAM_BASE + "CodeSystem/service-type"
GOAL_KIND_SYSTEM = ONETEAM_BASE + "CodeSystem/goal-kind"

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
COURSE_OF_THERAPY = "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
LOINC = "http://loinc.org"


def profile(resource_type: str) -> str:
    """The UK Core profile a OneTeam resource of this type claims in meta.profile."""
    return f"{UK_CORE}UKCore-{resource_type}"
