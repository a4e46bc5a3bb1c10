"""The one door to personal data.

`decide(staff, person, category, purpose)` answers "may I see this, and why?"
with a reason in plain words. Every page, export and API that shows a person's
data asks it (through `services.authorise_read`, which also audits the answer).

What it weighs, in order:
1. planning never sees a person's record; safety alerts are always shown for
   direct care and MDT discussion, so no one visits a home unwarned;
2. active emergency (break-glass) access opens the record, for review;
3. the neighbourhood's information sharing agreement: does a rule let this
   profession see this category for this purpose, and at what level (care team,
   neighbourhood team, partnership)? Is the member of staff that close?
4. the person's wishes: an objection, or a declined or withdrawn consent, takes
   away access that rested on it (safeguarding can override, and says so).

A page pays two queries for any number of decisions: the member of staff's
teams (once per request) and one combined query per person (`_load_contexts`),
or one for a whole list of people when it calls `prefetch` first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from oneteam.organisations.models import Organisation, Profession, Staff, Team
from oneteam.people.models import Person

from .models import (
    AccessLevel,
    CareRole,
    ConsentStatus,
    DataCategory,
    Purpose,
    SharingAgreement,
    SharingRule,
)


@dataclass(frozen=True)
class Decision:
    """The answer to "may I see this, and why?"."""

    allowed: bool
    reason: str


# Roles that make someone part of the person's care team for every purpose;
# an MDT attendee is part of it for the MDT discussion only.
_CARE_ROLES = {CareRole.KEY_WORKER, CareRole.ALLOCATED_PROFESSIONAL, CareRole.REFERRAL_OWNER}
_PLURAL_EXCEPTIONS = {Profession.GP: "GPs", Profession.VCSE_LINK_WORKER: "VCSE link workers"}


def _staff_cache(staff: Staff) -> dict[str, object]:
    """Per-request memo on the staff object (a new one is loaded for each request)."""
    cache: dict[str, object] | None = getattr(staff, "_oneteam_policy_cache", None)
    if cache is None:
        cache = {}
        staff._oneteam_policy_cache = cache  # type: ignore[attr-defined]
    return cache


def staff_teams(staff: Staff) -> list[Team]:
    """The teams a member of staff belongs to; read once per request (the page header reuses it)."""
    cache = _staff_cache(staff)
    if "teams" not in cache:
        cache["teams"] = list(staff.teams.all())
    teams: list[Team] = cache["teams"]  # type: ignore[assignment]
    return teams


def staff_neighbourhood_ids(staff: Staff) -> frozenset[int]:
    """The neighbourhoods a member of staff works in, through their teams."""
    return frozenset(team.neighbourhood_id for team in staff_teams(staff) if team.neighbourhood_id is not None)


@dataclass
class _Rule:
    level: str
    sector_specific: bool
    neighbourhood_id: int
    neighbourhood_name: str
    version: int


@dataclass(frozen=True)
class _Question:
    """One call of `decide`, with what has been worked out so far."""

    staff: Staff
    person: Person
    context: _Context
    category: DataCategory
    purpose: Purpose
    in_care_team: bool

    @property
    def their(self) -> str:
        return profession_plural(self.staff.profession)

    @property
    def what(self) -> str:
        return self.category.label.lower()

    @property
    def why(self) -> str:
        return self.purpose.label.lower()


@dataclass
class _Context:
    """Everything about one person that the policy needs, for one member of staff."""

    roles: set[str] = field(default_factory=set)
    break_glass_reason: str | None = None
    consent_status: str | None = None
    consent_categories: list[str] = field(default_factory=list)
    objected_categories: set[str] = field(default_factory=set)
    rules: dict[tuple[str, str, int], _Rule] = field(default_factory=dict)  # (category, purpose, nbhd) -> rule
    agreements: set[int] = field(default_factory=set)
    person: Person | None = None  # who it is about, so a later check in the same request needs no query


# The relationships, wishes and agreement rules that apply to some people, as rows of (kind, person, a..e),
# in one statement. Written in SQL rather than built with the ORM each time: building and compiling the same
# six-part union cost a list page more CPU than the whole query takes the database (docs/performance.md).
# Plain SQL that SQLite and PostgreSQL both run; {people} and {neighbourhoods} are lists of placeholders.
_CONTEXT_SQL = """
WITH staff_sector AS (
    SELECT o.sector FROM organisations_organisation o JOIN organisations_staff s ON s.organisation_id = o.id
    WHERE s.id = %(staff)s
), current_agreement AS (
    SELECT a.id, a.neighbourhood_id, a.version FROM access_sharingagreement a
    WHERE a.neighbourhood_id IN ({neighbourhoods})
    AND a.version = (SELECT MAX(v.version) FROM access_sharingagreement v WHERE v.neighbourhood_id = a.neighbourhood_id)
)
SELECT 'role', m.person_id, m.role, '', '', '', '' FROM access_careteammembership m
WHERE m.person_id IN ({people}) AND m.staff_id = %(staff)s
AND m.started_at <= %(now)s AND (m.ended_at IS NULL OR m.ended_at > %(now)s)
UNION ALL
SELECT 'break_glass', b.person_id, b.reason, '', '', '', '' FROM access_breakglassaccess b
WHERE b.person_id IN ({people}) AND b.staff_id = %(staff)s AND b.started_at <= %(now)s AND b.expires_at > %(now)s
UNION ALL
SELECT 'consent', c.person_id, c.status, CAST(c.categories AS TEXT), '', '', '' FROM access_consentdecision c
WHERE c.person_id IN ({people}) AND c.id = (
    SELECT latest.id FROM access_consentdecision latest WHERE latest.person_id = c.person_id
    ORDER BY latest.recorded_at DESC, latest.id DESC LIMIT 1
)
UNION ALL
SELECT 'objection', o.person_id, o.category, '', '', '', '' FROM access_objection o
WHERE o.person_id IN ({people}) AND o.withdrawn_at IS NULL
AND (o.sector = '' OR o.sector = (SELECT sector FROM staff_sector))
UNION ALL
SELECT 'rule', 0, r.category, r.purpose, r.level, r.sector, CAST(a.neighbourhood_id AS TEXT)
FROM access_sharingrule r JOIN current_agreement a ON a.id = r.agreement_id
WHERE r.profession = %(profession)s AND (r.sector = '' OR r.sector = (SELECT sector FROM staff_sector))
UNION ALL
SELECT 'agreement', 0, CAST(a.neighbourhood_id AS TEXT), n.name, CAST(a.version AS TEXT), '', ''
FROM current_agreement a JOIN organisations_neighbourhood n ON n.id = a.neighbourhood_id
"""


def _placeholders(name: str, values: Iterable[int], params: dict[str, Any]) -> str:
    """Named placeholders for `values` (added to `params`), for an IN list: `%(name0)s, %(name1)s`."""
    names = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        names.append(f"%({name}{i})s")
    return ", ".join(names)


def _current_agreements(neighbourhood_ids: Iterable[int | None]) -> QuerySet[SharingAgreement]:
    """The agreement version in force (the highest) of each of these neighbourhoods, as a subquery."""
    current_versions = SharingAgreement.objects.filter(neighbourhood=OuterRef("neighbourhood")).order_by("-version")
    return SharingAgreement.objects.filter(
        neighbourhood_id__in=set(neighbourhood_ids), version=Subquery(current_versions.values("version")[:1])
    )


def _load_contexts(staff: Staff, people: list[Person]) -> dict[int, _Context]:
    """One query (a UNION of small selects) for the relationships, wishes and rules that apply to each person."""
    ids = [person.pk for person in people]
    neighbourhoods = {n for person in people for n in _neighbourhoods(staff, person)}
    params: dict[str, Any] = {
        "staff": staff.pk,
        "profession": staff.profession,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    sql = _CONTEXT_SQL.format(
        people=_placeholders("person", ids, params),
        neighbourhoods=_placeholders("neighbourhood", sorted(n for n in neighbourhoods if n is not None), params)
        or "NULL",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        union = cursor.fetchall()
    contexts = {pk: _Context() for pk in ids}
    names: dict[int, tuple[str, int]] = {}
    rule_rows = []
    for kind, person_id, a, b, c, d, e in union:
        context = contexts.get(int(person_id))
        if kind == "role" and context is not None:
            context.roles.add(a)
        elif kind == "break_glass" and context is not None:
            context.break_glass_reason = a
        elif kind == "consent" and context is not None:
            context.consent_status, context.consent_categories = a, json.loads(b)
        elif kind == "objection" and context is not None:
            context.objected_categories.add(a)
        elif kind == "agreement":
            names[int(a)] = (b, int(c))
        elif kind == "rule":
            rule_rows.append((a, b, c, d, e))
    rules: dict[tuple[str, str, int], _Rule] = {}
    for category, purpose, level, sector, neighbourhood in rule_rows:
        name, version = names[int(neighbourhood)]
        key = (category, purpose, int(neighbourhood))
        existing = rules.get(key)
        # A sector-specific rule overrides the any-sector rule for the same cell.
        if existing is None or (sector and not existing.sector_specific):
            rules[key] = _Rule(level, bool(sector), int(neighbourhood), name, version)
    for person in people:
        # Rules are looked up by the person's own neighbourhoods, so every context can share the one table.
        context = contexts[person.pk]
        context.person = person
        context.rules = rules
        context.agreements = set(names) & set(_neighbourhoods(staff, person))
    return contexts


def _home_neighbourhoods(person: Person) -> list[int]:
    """The neighbourhoods of the person's GP practice and home ward, each once; none for someone outside the area."""
    return [n for n in dict.fromkeys([person.practice_neighbourhood_id, person.ward_neighbourhood_id]) if n]


def _neighbourhoods(staff: Staff, person: Person) -> list[int]:
    """The neighbourhoods whose agreements decide: the person's own or, for someone outside the area, the staff's.

    Someone registered and living outside the area is under none of OneTeam's agreements; only their care
    team sees their record (and information governance, for audit), each as the agreement of their own
    team's neighbourhood lets their profession (docs/information-governance.md, ADR 14).
    """
    return _home_neighbourhoods(person) or sorted(staff_neighbourhood_ids(staff))


def _context(staff: Staff, person: Person) -> _Context:
    cache = _staff_cache(staff)
    key = f"person:{person.pk}"
    if key not in cache:
        cache[key] = _load_contexts(staff, [person])[person.pk]
    context: _Context = cache[key]  # type: ignore[assignment]
    return context


def prefetch(staff: Staff, people: Iterable[Person]) -> None:
    """Load what the policy needs about many people in one query, so a list of N people costs one query, not N."""
    cache = _staff_cache(staff)
    wanted = {person.pk: person for person in people if f"person:{person.pk}" not in cache}
    if wanted:
        for pk, context in _load_contexts(staff, list(wanted.values())).items():
            cache[f"person:{pk}"] = context


def forget(staff: Staff, person: Person) -> None:
    """Drop what this request remembered about `person`, after a change to their care team or wishes."""
    _staff_cache(staff).pop(f"person:{person.pk}", None)


def profession_plural(profession: str) -> str:
    """'district nurses', 'GPs': for reasons written in sentences."""
    known = Profession(profession)
    return _PLURAL_EXCEPTIONS.get(known, known.label.lower() + "s")


def decide(staff: Staff, person: Person, category: DataCategory, purpose: Purpose) -> Decision:
    """May `staff` see `category` data about `person` for `purpose`? Always answers with a reason in words."""
    category, purpose = DataCategory(category), Purpose(purpose)
    if not staff.is_active:
        return Decision(False, "Not allowed: your account is not active.")
    if purpose == Purpose.PLANNING:
        return Decision(False, "Not allowed: planning uses de-identified, aggregate figures, never a person's record.")
    if category == DataCategory.SAFETY_ALERTS and purpose in (Purpose.DIRECT_CARE, Purpose.MDT_DISCUSSION):
        return Decision(True, "Allowed: safety alerts are shown to anyone who may visit the person, for staff safety.")

    context = _context(staff, person)
    if context.break_glass_reason is not None:
        return Decision(
            True,
            f"Allowed (emergency access): you opened {person}'s record in an emergency, giving the reason "
            f"“{context.break_glass_reason}”. Information governance will review it.",
        )

    in_care_team = bool(context.roles & _CARE_ROLES) or (
        purpose == Purpose.MDT_DISCUSSION and CareRole.MDT_ATTENDEE in context.roles
    )
    question = _Question(staff, person, context, category, purpose, in_care_team)
    # Audit is the exception: information governance reviews relationships with people outside the area too.
    if not _home_neighbourhoods(person) and not (in_care_team or purpose == Purpose.AUDIT):
        return Decision(
            False,
            "Not allowed: this person lives and is registered outside the neighbourhoods OneTeam serves, "
            "so only their care team can see their record.",
        )
    refusals = []
    for neighbourhood_id in _neighbourhoods(staff, person):
        decision = _decide_under_agreement(question, neighbourhood_id)
        if decision.allowed:
            return decision
        refusals.append(decision)
    if not refusals:
        return Decision(False, "Not allowed: no information sharing agreement is in force for your team's area.")
    return refusals[0]


def _decide_under_agreement(q: _Question, neighbourhood_id: int) -> Decision:
    """The decision under the agreement of one of the person's two neighbourhoods.

    A refusal names neither the person nor their neighbourhood: whoever is refused
    may not know who the record belongs to or where they live (docs/information-governance.md).
    """
    if neighbourhood_id not in q.context.agreements:
        return Decision(False, "Not allowed: no information sharing agreement is in force for this person's area.")
    rule = q.context.rules.get((q.category.value, q.purpose.value, neighbourhood_id))
    if rule is None:
        return Decision(
            False, f"Not allowed: the information sharing agreement does not let {q.their} see {q.what} for {q.why}."
        )
    in_team = neighbourhood_id in staff_neighbourhood_ids(q.staff)
    if rule.level == AccessLevel.CARE_TEAM and not q.in_care_team:
        return Decision(
            False,
            "Not allowed: you are not on this person's care team, and the information sharing agreement lets "
            f"{q.their} see {q.what} only for people whose care team they are on.",
        )
    if rule.level == AccessLevel.NEIGHBOURHOOD_TEAM and not (q.in_care_team or in_team):
        return Decision(
            False,
            "Not allowed: you are not on this person's care team or in their neighbourhood team, and the "
            f"information sharing agreement lets {q.their} see {q.what} only for people their team serves.",
        )
    if q.in_care_team:
        basis = f"you are on {q.person}'s care team"
    elif in_team:
        basis = f"you are in {q.person}'s neighbourhood team"
    else:
        basis = "you work in the partnership"
    wishes = _wishes_refusal(q)
    if wishes and q.purpose != Purpose.SAFEGUARDING:
        return Decision(False, wishes)
    agreement = f"the {rule.neighbourhood_name} information sharing agreement (version {rule.version})"
    granted = f"Allowed: {basis} and {agreement} lets {q.their} see {q.what} for {q.why}."
    if wishes:
        return Decision(True, f"{granted} This overrides the person's wishes because it is for safeguarding.")
    return Decision(True, granted)


def decide_system_contribution(organisation: Organisation, person: Person, category: DataCategory) -> Decision:
    """May a connected system of `organisation`, acting for no member of staff, add `category` data about `person`?

    Only where the partnership shares that category: the agreement in force for the
    person's area (the neighbourhood of their GP practice or of their home ward) must
    share it for direct care with staff of the system's sector (a rule for any sector
    counts). Contributing shows the system nothing of the record, so the person's
    objections, which say who may read, do not stop it. One query. A refusal names
    no one.
    """
    category = DataCategory(category)
    covered = SharingRule.objects.filter(
        agreement__in=_current_agreements([person.practice_neighbourhood_id, person.ward_neighbourhood_id]),
        category=category,
        purpose=Purpose.DIRECT_CARE,
    ).filter(Q(sector="") | Q(sector=organisation.sector))
    if not covered.exists():
        return Decision(
            False,
            f"Not allowed: no information sharing agreement in force for this person's area shares "
            f"{category.label.lower()} with your organisation, so it may not add to their record.",
        )
    return Decision(
        True,
        f"Allowed: the information sharing agreement for this person's area shares {category.label.lower()} "
        "with your organisation's sector for direct care.",
    )


def _wishes_refusal(q: _Question) -> str:
    """Why the person's own wishes stop this access, or "" if they do not (without naming them)."""
    context, in_care_team = q.context, q.in_care_team
    if q.category.value in context.objected_categories:
        return f"Not allowed: the person objected to sharing their {q.what} with your organisation."
    covered = not context.consent_categories or q.category.value in context.consent_categories
    refused = context.consent_status in (ConsentStatus.DECLINED, ConsentStatus.WITHDRAWN)
    # Care given by the person's own named professionals does not rest on consent to share with
    # the wider team; only the wider team's access does.
    if refused and covered and not in_care_team:
        word = "withdrew" if context.consent_status == ConsentStatus.WITHDRAWN else "declined"
        return (
            f"Not allowed: the person {word} consent to share their record with the neighbourhood team, "
            "so only their named care team can see it."
        )
    return ""


def in_care_team(staff: Staff, person: Person) -> bool:
    """Whether `staff` is on `person`'s care team now (key worker, allocated professional or referral owner)."""
    return bool(_context(staff, person).roles & _CARE_ROLES)


def remembered_person(staff: Staff, person_id: int) -> Person | None:
    """The person, if this request already asked the policy about them (else None)."""
    context = _staff_cache(staff).get(f"person:{person_id}")
    return context.person if isinstance(context, _Context) else None


def remembered_emergency_access(staff: Staff, person_id: int) -> bool | None:
    """Whether `staff` has emergency access to the person, if this request already asked about them (else None)."""
    context = _staff_cache(staff).get(f"person:{person_id}")
    return None if context is None else context.break_glass_reason is not None  # type: ignore[attr-defined]


def in_team_neighbourhoods(staff: Staff) -> Q:
    """People registered with a practice, or living in a ward, of the staff member's teams' neighbourhoods."""
    neighbourhoods = staff_neighbourhood_ids(staff)
    return Q(practice_neighbourhood_id__in=neighbourhoods) | Q(ward_neighbourhood_id__in=neighbourhoods)
