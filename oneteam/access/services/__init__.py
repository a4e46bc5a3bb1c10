"""The access app's services: the one door every read and write of a person's data asks, and the audit trail.

Every function here records what happened in the audit log in the same
transaction as the thing it records. The access app's other writes live beside
this module, one by subject: `consent`, `break_glass`, `care_team`, `agreements`,
`governance_flags`, and `signing_in` (with its `throttle`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oneteam.organisations.models import Organisation, Profession, Staff
from oneteam.people.models import Person

from .. import audit
from ..models import AuditAction, AuditEvent, DataCategory, Purpose
from ..policy import (
    Decision,
    decide,
    decide_system_contribution,
    forget,
    in_team_neighbourhoods,
    prefetch,
    remembered_person,
    staff_neighbourhood_ids,
    staff_teams,
)

# What other apps may use of the policy. `policy.decide` itself is private to this app (an
# import-linter contract in `make lint` forbids importing `oneteam.access.policy` from outside);
# a decision is asked through `authorise_read(s)` (audited) or `ask` (the caller audits).
__all__ = [
    "NO_DIRECT_CARE",
    "Decision",
    "ask",
    "audit_list",
    "authorise_read",
    "authorise_reads",
    "authorise_referral",
    "decide_referral",
    "forget",
    "gives_direct_care",
    "in_team_neighbourhoods",
    "may_contribute",
    "may_contribute_as_system",
    "may_see_who",
    "prefetch",
    "record_event",
    "refused_writes",
    "staff_neighbourhood_ids",
    "staff_teams",
]


def new_event(
    *,
    staff: Staff | None,
    action: AuditAction,
    person_id: int | None = None,
    category: str = "",
    purpose: str = "",
    allowed: bool | None = None,
    reason: str = "",
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event, with the staff member's role and organisation as they are now."""
    return AuditEvent(
        staff=staff,
        role=staff.profession if staff else "",
        organisation_id=staff.organisation_id if staff else None,
        username=username or (staff.username if staff else ""),
        action=action,
        person_id=person_id,
        category=category,
        purpose=purpose,
        allowed=allowed,
        reason=reason,
        detail=detail or {},
    )


def record_event(**fields: Any) -> None:
    """Append one event to the audit log (see `new_event` for the fields)."""
    audit.append([new_event(**fields)])


def ask(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """The policy's answer, not audited: for a caller that audits the page's reads itself in one append
    (a list) or refuses a change that it then audits. Prefer `authorise_read`.
    """
    return decide(staff, person, category, purpose)


def authorise_read(
    *, staff: Staff, person: Person, categories: Iterable[DataCategory], purpose: Purpose
) -> dict[DataCategory, Decision]:
    """Ask the policy about each category of `person`'s record and audit every answer, in one append.

    Pages show only the sections whose decision allows it; a refusal is audited
    like an allowed read, so the log shows who tried to see what.
    """
    return authorise_reads(staff=staff, people=[person], categories=categories, purpose=purpose)[person.pk]


def authorise_reads(
    *, staff: Staff, people: Iterable[Person], categories: Iterable[DataCategory], purpose: Purpose
) -> dict[int, dict[DataCategory, Decision]]:
    """`authorise_read` for many people at once (exports), audited in one append: decisions by person id."""
    categories = list(categories)
    decisions = {
        person.pk: {category: decide(staff, person, category, purpose) for category in categories} for person in people
    }
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.VIEW if decision.allowed else AuditAction.DENIED,
                person_id=person_id,
                category=category,
                purpose=purpose,
                allowed=decision.allowed,
                reason=decision.reason,
            )
            for person_id, answers in decisions.items()
            for category, decision in answers.items()
        ]
    )
    return decisions


def may_see_who(staff: Staff, person_id: int) -> bool:
    """May `staff` see who this person is, for any purpose they work for? Not audited (the page asking has been).

    Usually free: the page has already asked the policy about the person in this request.
    """
    person = remembered_person(staff, person_id) or Person.objects.filter(pk=person_id).first()
    if person is None:
        return True  # nothing to name: the page answers 404
    return any(decide(staff, person, DataCategory.DEMOGRAPHICS, purpose).allowed for purpose in _PERSON_PURPOSES)


# Purposes for which someone may see a person's identity (planning never does).
_PERSON_PURPOSES = (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION, Purpose.SAFEGUARDING, Purpose.AUDIT)


def may_contribute(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """May `staff` (a person or a connected system's account) add `category` data to `person`'s record?

    Only if they may see who the person is and that category of their record: a
    system refused the record cannot write into it. Not audited: the caller audits
    the write or the refusal. A refusal names no one.
    """
    if not decide(staff, person, DataCategory.DEMOGRAPHICS, purpose).allowed:
        return Decision(False, "Not allowed: you may not see this record, so you may not add to it.")
    return decide(staff, person, category, purpose)


def may_contribute_as_system(
    *, organisation: Organisation, system_name: str, person: Person, category: DataCategory, detail: dict[str, Any]
) -> Decision:
    """May a connected system of `organisation` that acts for no member of staff (a hospital's admission feed)
    add `category` data to `person`'s record? A refusal is audited here as a denied write (the caller must
    write nothing and name no one); an allowed write is audited by the caller once made. `detail` says what
    was sent.
    """
    decision = decide_system_contribution(organisation, person, category)
    if not decision.allowed:
        record_event(
            staff=None,
            username=system_name,
            action=AuditAction.DENIED,
            person_id=person.pk,
            category=category,
            purpose=Purpose.DIRECT_CARE,
            allowed=False,
            reason=decision.reason,
            detail={**detail, "write": True},
        )
    return decision


def refused_writes(*, staff: Staff, person_ids: Iterable[int], purpose: str) -> None:
    """Audit writes the policy refused (nothing was written), one event per person, in one append."""
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.DENIED,
                person_id=person_id,
                purpose=purpose,
                allowed=False,
                reason="Not allowed: a write to this record was refused, and nothing was written.",
                detail={"write": True},
            )
            for person_id in sorted(person_ids)
        ]
    )


# Roles that support the service but do not care for people: they never see or act on a person's referral
# (whatever team they sit in) and never hold one.
NO_DIRECT_CARE = frozenset({Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR})


def gives_direct_care(staff: Staff) -> bool:
    """Whether `staff` is in a role that cares for people (so may work on referrals about them)."""
    return staff.profession not in NO_DIRECT_CARE


def decide_referral(staff: Staff, person: Person | None, *, holds: bool, offered: bool) -> Decision:
    """May `staff` see and work on a referral (or a discharge handover) about `person`? Not audited.

    A referral's content (the need, what matters to the person, who referred them)
    is care plan data. Roles without direct care never see it. Before the referral
    is matched to a record, holding it or being offered it is the reason to see it
    (the front door must read it to triage it). Once matched, the policy decides,
    like any read of the care plan; someone offered it may still read it to answer.
    """
    if not gives_direct_care(staff):
        return Decision(False, "Not allowed: your role does not give direct care, so it does not see referrals.")
    if person is None:
        if holds:
            return Decision(True, "Allowed: you or your team hold this referral, which is not yet matched to a record.")
        if offered:
            return Decision(True, "Allowed: this referral has been offered to you or your team.")
        return Decision(
            False,
            "Not allowed: you do not hold this referral, it has not been offered to you, and it is not yet "
            "matched to a person's record.",
        )
    decision = decide(staff, person, DataCategory.CARE_PLAN, Purpose.DIRECT_CARE)
    if not decision.allowed and offered:
        return Decision(True, "Allowed: this was offered to you or your team, who must read it to answer.")
    return decision


def authorise_referral(
    *, staff: Staff, person: Person | None, holds: bool, offered: bool, detail: dict[str, Any]
) -> Decision:
    """`decide_referral`, audited as a read of the care plan (`detail` says which referral or handover)."""
    decision = decide_referral(staff, person, holds=holds, offered=offered)
    record_event(
        staff=staff,
        action=AuditAction.VIEW if decision.allowed else AuditAction.DENIED,
        person_id=person.pk if person else None,
        category=DataCategory.CARE_PLAN,
        purpose=Purpose.DIRECT_CARE,
        allowed=decision.allowed,
        reason=decision.reason,
        detail=detail,
    )
    return decision


def audit_list(
    *, staff: Staff, person_ids: Iterable[int], category: DataCategory, purpose: Purpose, detail: dict[str, Any]
) -> None:
    """Record that a list page showed these people (one event each, in one append): who has seen whose record
    includes the lists they appeared on. `detail` says which list.
    """
    audit.append(
        [
            new_event(
                staff=staff,
                action=AuditAction.LIST,
                person_id=person_id,
                category=category,
                purpose=purpose,
                allowed=True,
                detail=detail,
            )
            for person_id in dict.fromkeys(person_ids)
        ]
    )
