"""Writes and reads of information sharing agreements.

An agreement version is never changed after it is published: editing makes a
new version with the whole rule set, so the version in force at any moment
explains every decision made under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oneteam.organisations.models import Neighbourhood, Profession, Staff

from ..default_rules import default_rules
from ..models import AccessLevel, AuditAction, DataCategory, Purpose, SharingAgreement, SharingRule
from . import record_event

# (profession, sector, category, purpose) -> level; sector "" means any sector.
RuleKey = tuple[str, str, str, str]


def current_agreement(neighbourhood: Neighbourhood) -> SharingAgreement | None:
    """The version in force: the highest."""
    return SharingAgreement.objects.filter(neighbourhood=neighbourhood).order_by("-version").first()


def rule_levels(agreement: SharingAgreement) -> dict[RuleKey, str]:
    """An agreement's rules as a lookup table."""
    return {(rule.profession, rule.sector, rule.category, rule.purpose): rule.level for rule in agreement.rules.all()}


@transaction.atomic
def publish_agreement(
    *, actor: Staff | None, neighbourhood: Neighbourhood, levels: Mapping[RuleKey, str], change_note: str
) -> SharingAgreement:
    """Publish a new version of a neighbourhood's agreement holding exactly `levels`, and audit it.

    If the agreement in force already holds exactly `levels` (the same edit sent twice, or by two officers at
    once), nothing is published and the agreement in force is returned. The neighbourhood's row is locked
    first, so of two publications at once the second sees the first.
    """
    list(Neighbourhood.objects.select_for_update().filter(pk=neighbourhood.pk).values_list("pk"))
    current = current_agreement(neighbourhood)
    if current is not None and rule_levels(current) == dict(levels):
        return current
    latest = SharingAgreement.objects.filter(neighbourhood=neighbourhood)
    version = (latest.aggregate(Max("version"))["version__max"] or 0) + 1
    agreement = SharingAgreement.objects.create(
        neighbourhood=neighbourhood,
        version=version,
        created_at=timezone.now(),
        created_by=actor,
        change_note=change_note,
    )
    SharingRule.objects.bulk_create(
        SharingRule(
            agreement=agreement, profession=profession, sector=sector, category=category, purpose=purpose, level=level
        )
        for (profession, sector, category, purpose), level in levels.items()
    )
    record_event(
        staff=actor,
        action=AuditAction.RULES_CHANGED,
        reason=change_note[:500],
        detail={"neighbourhood": neighbourhood.code, "version": version, "rules": len(levels)},
    )
    return agreement


def default_levels() -> dict[RuleKey, str]:
    """The default agreement (see default_rules.py) as a lookup table."""
    return {(profession, "", category, purpose): level for profession, category, purpose, level in default_rules()}


def ensure_default_agreements() -> list[Neighbourhood]:
    """Give every neighbourhood without an agreement the default one. Returns the neighbourhoods given one."""
    missing = list(Neighbourhood.objects.filter(sharing_agreements__isnull=True).order_by("code"))
    for neighbourhood in missing:
        publish_agreement(
            actor=None,
            neighbourhood=neighbourhood,
            levels=default_levels(),
            change_note="Default information sharing agreement shipped with OneTeam.",
        )
    return missing


def change_purpose(
    *,
    actor: Staff,
    neighbourhood: Neighbourhood,
    purpose: Purpose,
    cells: Iterable[tuple[Profession, DataCategory, AccessLevel | None]],
    change_note: str,
) -> SharingAgreement:
    """Publish a new version where one purpose's profession-by-category grid is replaced by `cells`.

    Rules for other purposes, and sector-specific rules for this one, carry over unchanged.
    """
    agreement = current_agreement(neighbourhood)
    levels = rule_levels(agreement) if agreement else {}
    for profession, category, level in cells:
        key = (profession.value, "", category.value, purpose.value)
        if level is None:
            levels.pop(key, None)
        else:
            levels[key] = level.value
    return publish_agreement(actor=actor, neighbourhood=neighbourhood, levels=levels, change_note=change_note)
