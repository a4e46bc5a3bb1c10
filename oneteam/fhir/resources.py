"""OneTeam records as FHIR R4 UK Core resources (plain functions: a row in, a JSON-ready dict out).

Each function reads only the row and the related rows it is given (callers
select them), so writing a resource costs no query. References carry the
logical identifier (NHS number, ODS code) beside the literal reference, so a
receiving system can resolve them without our ids.

To add a resource type: write its function here and add an entry to
`oneteam.fhir.registry.PERSON_RESOURCES` (about a person) or
`oneteam.fhir.registry.DIRECTORY` (about no one in particular).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from oneteam.access.models import CareTeamMembership, ConsentDecision, ConsentStatus, Objection
from oneteam.care.models import (
    ActionStatus,
    Assessment,
    AssessmentTemplate,
    CarePlan,
    Goal,
    GoalStatus,
    PlanAction,
    QuestionType,
)
from oneteam.care.questionnaire import canonical_url, template_spec, write_questionnaire
from oneteam.care.services import PLAN_TEXT_FIELDS
from oneteam.mdt.models import ActionStatus as MdtActionStatus
from oneteam.mdt.models import MdtAction
from oneteam.organisations.models import Organisation, Staff
from oneteam.people.models import AdmissionMethod, Condition, HospitalAdmission, Person, RelatedPerson, SafetyAlert
from oneteam.referrals.models import Referral, Urgency

from . import codes
from .models import Allergy, RepeatMedication

Json = dict[str, Any]

# The kinds of row a Consent or a Task is made from, which start their ids ("decision-3", "plan-12").
CONSENT_DECISION = "decision"
OBJECTION = "objection"
PLAN_ACTION = "plan"
MDT_ACTION = "mdt"


def prefixed_id(kind: str, pk: int) -> str:
    """The id of a resource made from one of several kinds of row: the kind, a hyphen and the row's id."""
    return f"{kind}-{pk}"


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
    """A reference to the organisation by id and, when it has one, by ODS code."""
    reference: Json = {"reference": f"Organization/{organisation.pk}", "display": organisation.name}
    if organisation.ods_code:
        reference["identifier"] = {"system": codes.ODS_CODE, "value": organisation.ods_code}
    return reference


def practitioner_reference(staff: Staff) -> Json:
    """A reference to a member of staff by id and by OneTeam username."""
    return {
        "reference": f"Practitioner/{staff.pk}",
        "identifier": {"system": codes.STAFF_USERNAME, "value": staff.username},
        "display": str(staff),
    }


def _compact(resource: Json) -> Json:
    """The resource without its empty elements, which FHIR JSON must leave out rather than send empty."""
    return {name: value for name, value in resource.items() if value not in (None, "", [])}


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
    # Someone living outside the area has no LSOA, and someone whose GP is not known no practice: both are left out.
    address = _compact(
        {
            "use": "home",
            "line": [line for line in (person.address_line_1, person.address_line_2) if line],
            "city": person.town,
            "postalCode": person.postcode,
            "extension": [{"url": codes.LSOA_EXTENSION, "valueCode": person.lsoa.code}] if person.lsoa else [],
        }
    )
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
            {
                "url": codes.GENDER_IDENTITY,
                "valueCodeableConcept": _concept(
                    codes.GENDER_IDENTITY_SYSTEM, person.gender_identity, person.get_gender_identity_display()
                ),
            },
            {"url": codes.LIVES_ALONE_EXTENSION, "valueBoolean": person.lives_alone},
            {"url": codes.REPEAT_MEDICINES_EXTENSION, "valueInteger": person.repeat_medication_count},
            *(
                [{"url": codes.COMMUNICATION_NEEDS_EXTENSION, "valueString": person.communication_needs}]
                if person.communication_needs
                else []
            ),
        ],
        "identifier": [nhs_number],
        "name": [{"use": "official", "family": person.family_name, "given": [person.given_name]}],
        "gender": person.sex,
        "birthDate": person.date_of_birth.isoformat(),
        "address": [address],
        "generalPractitioner": [organization_reference(person.gp_practice)] if person.gp_practice else [],
        "communication": [{"language": {"text": person.preferred_language}, "preferred": True}],
    }
    if person.date_of_death:
        resource["deceasedDateTime"] = person.date_of_death.isoformat()
    return _compact(resource)


def related_person(contact: RelatedPerson) -> Json:
    """UK Core RelatedPerson: a carer or other contact, with next of kin (HL7 v2 table 0131) and carer coded.

    Needs `person` selected.
    """
    roles: list[Json] = [{"text": contact.relationship}]
    if contact.is_next_of_kin:
        roles.append(_concept(codes.CONTACT_ROLE, "N", "Next-of-Kin"))
    if contact.is_carer:
        roles.append(_concept(codes.CARER_SYSTEM, "carer", "Carer"))
    return _compact(
        {
            "resourceType": "RelatedPerson",
            "id": str(contact.pk),
            "meta": _meta("RelatedPerson"),
            "patient": patient_reference(contact.person),
            "relationship": roles,
            "name": [{"text": contact.name}],
            "telecom": [{"system": "phone", "value": contact.phone}] if contact.phone else [],
        }
    )


def medication_request(row: RepeatMedication) -> Json:
    """UK Core MedicationRequest for a repeat medicine: active, continuing. Needs `person` selected."""
    system, _, code = row.code.rpartition("|")
    medicine: Json = {"coding": [_coding(system, code)]} if system else {"text": row.code}
    return {
        "resourceType": "MedicationRequest",
        "id": str(row.pk),
        "meta": _meta("MedicationRequest"),
        "status": "active",
        "intent": "order",
        "courseOfTherapyType": _concept(codes.COURSE_OF_THERAPY, "continuous", "Continuous long term therapy"),
        "medicationCodeableConcept": medicine,
        "subject": patient_reference(row.person),
    }


def organization(organisation: Organisation) -> Json:
    """UK Core Organization with its ODS code and any identifier an import gave it; a GP practice also names its
    neighbourhood. Needs `neighbourhood` selected and `fhir_identifiers` prefetched."""
    identifiers = [{"system": codes.ODS_CODE, "value": organisation.ods_code}] if organisation.ods_code else []
    identifiers += [{"system": i.system, "value": i.value} for i in organisation.fhir_identifiers.all()]
    resource: Json = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "meta": _meta("Organization"),
        "identifier": identifiers,
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
        "clinicalStatus": _concept(codes.CONDITION_CLINICAL, row.clinical_status),
        "verificationStatus": _concept(codes.CONDITION_VERIFICATION, row.verification_status),
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
        "class": _coding(codes.ACT_CODE, row.encounter_class, row.get_encounter_class_display()),
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
        prefixed_id(CONSENT_DECISION, decision.pk),
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
    return _consent(prefixed_id(OBJECTION, row.pk), row.person, status, row.recorded_at, provision)


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


# A goal's status as FHIR Goal.lifecycleStatus and, while it is still wanted, achievementStatus.
_GOAL_STATUS = {
    GoalStatus.WORKING_ON: ("active", ("in-progress", "In Progress")),
    GoalStatus.MET: ("completed", ("achieved", "Achieved")),
    GoalStatus.NO_LONGER_WANTED: ("cancelled", None),
}


def _goal(goal: Goal, person: Person) -> Json:
    """A goal as a Goal contained in its care plan (OneTeam does not serve goals on their own)."""
    lifecycle, achievement = _GOAL_STATUS[GoalStatus(goal.status)]
    resource: Json = {
        "resourceType": "Goal",
        "id": f"goal-{goal.pk}",
        "lifecycleStatus": lifecycle,
        "description": {"text": goal.text},
        "subject": patient_reference(person),
        "startDate": timezone.localdate(goal.added_at).isoformat(),
        # Goals are written in the person's own words.
        "expressedBy": patient_reference(person),
    }
    if achievement is not None:
        resource["achievementStatus"] = _concept(codes.GOAL_ACHIEVEMENT, *achievement)
    if goal.self_care:
        resource["category"] = [_concept(codes.GOAL_KIND_SYSTEM, "self-care", "Self-care")]
    return resource


def _task_reference(task_id: str, description: str) -> Json:
    return {"reference": f"Task/{task_id}", "display": description}


def care_plan(plan: CarePlan) -> Json:
    """UK Core CarePlan: the person's one shared plan, its goals (contained) and its actions (as Tasks).

    Actions agreed at MDT meetings are activities too: the care app shows them as part
    of the one plan. `meta.versionId` is the plan's version, which every change moves on.
    Needs `person` selected and `goals`, `actions`, `changes__changed_by` and
    `person__mdt_actions` prefetched. The author is whoever wrote the first version,
    when the plan's history holds it.
    """
    person = plan.person
    goals = list(plan.goals.all())
    first = next((change for change in plan.changes.all() if change.version == 1), None)
    activities = [_task_reference(prefixed_id(PLAN_ACTION, a.pk), a.description) for a in plan.actions.all()]
    activities += [_task_reference(prefixed_id(MDT_ACTION, a.pk), a.description) for a in person.mdt_actions.all()]
    return _compact(
        {
            "resourceType": "CarePlan",
            "id": str(plan.pk),
            "meta": {**_meta("CarePlan"), "versionId": str(plan.version), "lastUpdated": plan.updated_at.isoformat()},
            "contained": [_goal(goal, person) for goal in goals],
            "status": "active",
            "intent": "plan",
            "title": "Care plan",
            "subject": patient_reference(person),
            "period": {"start": plan.created_at.isoformat()},
            "created": plan.created_at.isoformat(),
            "author": practitioner_reference(first.changed_by) if first is not None else None,
            "goal": [{"reference": f"#goal-{goal.pk}"} for goal in goals],
            "activity": [{"reference": activity} for activity in activities],
            "note": [
                {"text": f"{label}: {text}"}
                for name, label in PLAN_TEXT_FIELDS.items()
                if (text := getattr(plan, name))
            ],
        }
    )


def _task(task_id: str, status: str, intent: str, person: Person, owner: Staff, text: str, due: datetime.date) -> Json:
    """What every OneTeam Task says: what, for whom, who owns it and by when (the end of `restriction.period`)."""
    return {
        "resourceType": "Task",
        "id": task_id,
        "meta": _meta("Task"),
        "status": status,
        "intent": intent,
        "description": text,
        "for": patient_reference(person),
        "owner": practitioner_reference(owner),
        "restriction": {"period": {"end": due.isoformat()}},
    }


# "To do" is "ready": the action has a named owner but nothing has been done yet.
_PLAN_ACTION_STATUS = {
    ActionStatus.TO_DO: "ready",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CANCELLED: "cancelled",
}


def plan_action_task(action: PlanAction) -> Json:
    """UK Core Task for a care plan action (intent "plan"), based on the plan, coded with its kind of service.

    Needs `plan__person`, `owner`, `service_type` and `goal` selected.
    """
    task = _task(
        prefixed_id(PLAN_ACTION, action.pk),
        _PLAN_ACTION_STATUS[ActionStatus(action.status)],
        "plan",
        action.plan.person,
        action.owner,
        action.description,
        action.due_on,
    )
    task["basedOn"] = [{"reference": f"CarePlan/{action.plan_id}"}]
    task["code"] = _concept(codes.SERVICE_TYPE_SYSTEM, action.service_type.code, action.service_type.name)
    if action.goal is not None:
        # Why the action is there: the goal it serves, in the person's words.
        task["reasonCode"] = {"text": action.goal.text}
    return task


def mdt_action_task(action: MdtAction) -> Json:
    """UK Core Task for an action an MDT meeting gave a named professional (intent "order").

    Needs `person`, `owner` and `created_by` selected.
    """
    done = action.status == MdtActionStatus.DONE
    task = _task(
        prefixed_id(MDT_ACTION, action.pk),
        "completed" if done else "ready",
        "order",
        action.person,
        action.owner,
        action.description,
        action.due_on,
    )
    task["authoredOn"] = action.created_at.isoformat()
    task["requester"] = practitioner_reference(action.created_by)
    if action.done_at is not None:
        task["executionPeriod"] = {"end": action.done_at.isoformat()}
    return task


def questionnaire(template: AssessmentTemplate, *, current: bool) -> Json:
    """UK Core Questionnaire for one version of an assessment template, as the care app writes it.

    A version that a newer one replaced is "retired": assessments answered with it still refer to it.
    """
    written = write_questionnaire(template_spec(template))
    return _compact(
        {
            **written,
            "id": str(template.pk),
            "meta": _meta("Questionnaire"),
            "status": "active" if current else "retired",
            "date": template.published_at.isoformat(),
        }
    )


# The answer[x] element for each kind of question (a choice is a valueCoding; anything else is text).
_ANSWER_ELEMENT = {
    QuestionType.BOOLEAN: "valueBoolean",
    QuestionType.DATE: "valueDate",
    QuestionType.INTEGER: "valueInteger",
}


def _answer(question: dict[str, Any], value: Any) -> Json:
    """One stored answer (a JSON value, dates as ISO text) as a FHIR QuestionnaireResponse answer."""
    if question["type"] == QuestionType.CHOICE:
        # The template's answerOption codings carry a code and its words, and no system.
        words = dict(question["choices"]).get(value)
        return {"valueCoding": _compact({"code": str(value), "display": words})}
    return {_ANSWER_ELEMENT.get(QuestionType(question["type"]), "valueString"): value}


def questionnaire_response(assessment: Assessment) -> Json:
    """UK Core QuestionnaireResponse for a completed assessment, answering its template version's Questionnaire.

    Items follow the template's questions; unanswered questions are left out. Needs
    `person`, `template` and `assessor` selected.
    """
    template = assessment.template
    answers = assessment.answers
    return _compact(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(assessment.pk),
            "meta": _meta("QuestionnaireResponse"),
            "questionnaire": f"{canonical_url(template.code)}|{template.version}",
            "status": "completed",
            "subject": patient_reference(assessment.person),
            "authored": assessment.completed_at.isoformat() if assessment.completed_at else None,
            "author": practitioner_reference(assessment.assessor),
            "item": [
                {
                    "linkId": question["link_id"],
                    "text": question["text"],
                    "answer": [_answer(question, answers[question["link_id"]])],
                }
                for question in template.questions
                if answers.get(question["link_id"]) is not None
            ],
        }
    )
