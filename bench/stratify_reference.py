"""The yardstick for `bench/stratify.py`: everyone's eFI and priority as one plain `CREATE TEMP TABLE AS SELECT`.

Written by hand from the published rules (Clegg et al. 2016 for the eFI, the
priority points in `docs/`), not assembled from `oneteam.risk.services.stratify`, so a
test comparing the two (`oneteam/risk/tests/test_reference.py`) catches either
drifting from the rules. It is what the database alone needs to compute the
same results; the bench prints how far OneTeam's run is from it.

Only the code list's codes are shared with OneTeam (they are data, not rules).
"""

# ruff: noqa: S608 - table names come from _meta and numbers pass through int(); values are bound parameters.
from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from oneteam.access.models import CareTeamMembership
from oneteam.organisations.models import LSOA
from oneteam.people.models import (
    CURRENT_CLINICAL_STATUSES,
    DISCOUNTED_VERIFICATION_STATUSES,
    AdmissionMethod,
    Condition,
    HospitalAdmission,
    Person,
    RelatedPerson,
)
from oneteam.referrals.models import Episode, Referral, State
from oneteam.risk.codelist import CURRENT_VERSION, load
from oneteam.risk.models import DeficitCode
from oneteam.risk.priority import Weights

TABLE = "reference_risk"


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _minus_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _statuses(values: Any) -> str:
    return ", ".join(f"'{value}'" for value in values)


def sql(weights: Weights, version: str = CURRENT_VERSION) -> str:
    """The statement, with %(as_of)s, %(year_ago)s, %(born_by)s, %(now)s and %(version)s to bind."""
    codelist = load(version)
    current = (
        f"c.clinical_status IN ({_statuses(CURRENT_CLINICAL_STATUSES)}) "
        f"AND c.verification_status NOT IN ({_statuses(DISCOUNTED_VERIFICATION_STATUSES)})"
    )
    person_deficits = [
        f"SELECT c.person_id, dc.deficit FROM {_t(Condition)} c JOIN {_t(DeficitCode)} dc "
        f"ON dc.snomed_code = c.snomed_code AND dc.version = %(version)s WHERE {current}"
    ]
    for deficit in codelist.deficits:
        if deficit.repeat_medicines_at_least is not None:
            person_deficits.append(
                f"SELECT id, '{deficit.key}' FROM {_t(Person)} "
                f"WHERE repeat_medication_count >= {int(deficit.repeat_medicines_at_least)}"
            )
        if deficit.record_flag is not None:
            person_deficits.append(f"SELECT id, '{deficit.key}' FROM {_t(Person)} WHERE {deficit.record_flag}")
    falls = ", ".join(f"'{int(code)}'" for code in sorted(codelist.by_key["falls"].codes))
    if connection.vendor == "sqlite":
        nights = "CAST(julianday(COALESCE(discharged_on, %(as_of)s)) - julianday(admitted_on) AS INTEGER)"
    else:
        nights = "(COALESCE(discharged_on, %(as_of)s) - admitted_on)"
    w = weights
    return f"""
    CREATE TEMP TABLE {TABLE} AS
    WITH deficit AS ({" UNION ".join(person_deficits)}),
    counted AS (SELECT person_id, COUNT(*) AS n FROM deficit GROUP BY person_id),
    admitted AS (
        SELECT person_id, COUNT(*) AS n, SUM({nights}) AS nights FROM {_t(HospitalAdmission)}
        WHERE method = '{AdmissionMethod.NON_ELECTIVE.value}'
            AND admitted_on > %(year_ago)s AND admitted_on <= %(as_of)s
        GROUP BY person_id),
    carer AS (SELECT DISTINCT person_id FROM {_t(RelatedPerson)} WHERE is_carer),
    fell AS (SELECT DISTINCT person_id FROM {_t(Condition)} c
             WHERE c.snomed_code IN ({falls}) AND {current} AND c.recorded_on > %(year_ago)s),
    known AS (
        SELECT person_id FROM {_t(Referral)} WHERE person_id IS NOT NULL AND state <> '{State.CLOSED.value}'
        UNION SELECT person_id FROM {_t(Episode)} WHERE closed_at IS NULL
        UNION SELECT person_id FROM {_t(CareTeamMembership)}
              WHERE started_at <= %(now)s AND (ended_at IS NULL OR ended_at > %(now)s)),
    facts AS (
        SELECT p.id AS person_id,
            CASE WHEN p.date_of_birth <= %(born_by)s THEN COALESCE(counted.n, 0) END AS deficits,
            COALESCE(admitted.n, 0) AS admissions, COALESCE(admitted.nights, 0) AS nights,
            p.lives_alone AS alone, carer.person_id IS NOT NULL AS carer, l.imd_decile AS decile,
            fell.person_id IS NOT NULL AS fell, known.person_id IS NOT NULL AS known
        FROM {_t(Person)} p JOIN {_t(LSOA)} l ON l.id = p.lsoa_id
        LEFT JOIN counted ON counted.person_id = p.id
        LEFT JOIN admitted ON admitted.person_id = p.id
        LEFT JOIN carer ON carer.person_id = p.id
        LEFT JOIN fell ON fell.person_id = p.id
        LEFT JOIN known ON known.person_id = p.id
        WHERE p.date_of_death IS NULL
            AND p.practice_neighbourhood_id IS NOT NULL AND p.ward_neighbourhood_id IS NOT NULL),
    graded AS (
        SELECT facts.*, CASE WHEN deficits IS NULL THEN '' WHEN deficits >= 13 THEN 'severe'
            WHEN deficits >= 9 THEN 'moderate' WHEN deficits >= 5 THEN 'mild' ELSE 'fit' END AS category
        FROM facts)
    SELECT person_id, deficits, category,
        {int(w.emergency_admission)} * admissions + {int(w.bed_week)} * (nights / 7)
        + CASE WHEN alone THEN {int(w.lives_alone)} ELSE 0 END + CASE WHEN carer THEN {int(w.has_carer)} ELSE 0 END
        + CASE WHEN decile <= 2 THEN {int(w.most_deprived)} ELSE 0 END
        + CASE WHEN fell THEN {int(w.recent_fall)} ELSE 0 END + CASE WHEN known THEN 0 ELSE {int(w.not_known)} END
        + CASE category WHEN 'mild' THEN {int(w.mild_frailty)} WHEN 'moderate' THEN {int(w.moderate_frailty)}
            WHEN 'severe' THEN {int(w.severe_frailty)} ELSE 0 END AS priority
    FROM graded
    """


def create(*, as_of: datetime.date, weights: Weights, version: str = CURRENT_VERSION) -> int:
    """(Re)create the temporary table of everyone's eFI and priority on `as_of`; return how many rows it holds.

    The code list must already be in the database (any stratification run puts it there).
    """
    params = {
        "as_of": connection.ops.adapt_datefield_value(as_of),
        "year_ago": connection.ops.adapt_datefield_value(_minus_years(as_of, 1)),
        "born_by": connection.ops.adapt_datefield_value(_minus_years(as_of, 65)),
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "version": version,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(sql(weights, version), params)
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def rows() -> set[tuple[int, int | None, str, int]]:
    """The reference table's (person, deficits, category, priority) rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT person_id, deficits, category, priority FROM {TABLE}")
        return {(int(p), d, c, int(pr)) for p, d, c, pr in cursor.fetchall()}
