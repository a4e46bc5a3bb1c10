"""Scoring the population with set-based SQL: a few INSERT … SELECT statements, never a loop over people.

The statements are plain SQL that PostgreSQL and SQLite both run (only the
number of days between two dates is written differently), so the same code
serves a laptop demo and a city. `run` recomputes everyone; `restratify_person`
recomputes one person in the current run, for when their record changes.
"""

# ruff: noqa: S608 - values are bound parameters; only table names from _meta, numbers passed through int()
# and code-list keys checked against [a-z_]+ are written into the statements.
from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from oneteam.access.models import CareTeamMembership
from oneteam.database import analyse
from oneteam.organisations.models import LSOA, Neighbourhood
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

from .. import priority
from ..codelist import CURRENT_VERSION, CodeList, load
from ..efi import CATEGORY_FROM, sixty_fifth_birthday_cutoff
from ..models import AgeBand, DeficitCode, PersonDeficit, PersonRisk, StratificationRun
from ..queries import current_run, score_of, weights_in_force

Progress = Callable[[str], None]
# Age bands by the youngest age in each, oldest first, for the CASE that sorts people by date of birth.
AGE_BANDS = ((85, AgeBand.OLDEST), (75, AgeBand.ELDERLY), (65, AgeBand.OLDER), (18, AgeBand.ADULT))
JOIN_MEMORY = "64MB"
INDEX_MEMORY = "256MB"
STEPS = ("load the code list", "find deficits", "score and prioritise", "switch to this run")


def _quiet(_step: str) -> None:
    """Report nothing (the default when no one is watching)."""


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _days_between(later: str, earlier: str) -> str:
    """Whole days from `earlier` to `later` (two SQL date expressions)."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def _date(value: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def ensure_codes(codelist: CodeList) -> bool:
    """Put the code list's codes in the database (once per version) so SQL can join conditions to deficits.

    Returns whether it wrote them (this time).
    """
    if DeficitCode.objects.filter(version=codelist.version).exists():
        return False
    DeficitCode.objects.bulk_create(
        DeficitCode(version=codelist.version, deficit=deficit, snomed_code=code)
        for deficit, code in codelist.code_rows()
    )
    return True


@dataclass(frozen=True)
class _Scope:
    """What one set of statements scores: a run, the day it counts from, and everyone or one person."""

    run: StratificationRun
    codelist: CodeList
    person_id: int | None = None

    def params(self) -> dict[str, Any]:
        as_of = self.run.as_of
        values: dict[str, Any] = {
            "run": self.run.pk,
            "version": self.codelist.version,
            "as_of": _date(as_of),
            "year_ago": _date(_years_before(as_of, 1)),
            "oldest_eligible_birth": _date(sixty_fifth_birthday_cutoff(as_of)),
            "now": connection.ops.adapt_datetimefield_value(timezone.now()),
            "person": self.person_id,
        }
        values.update({f"band{age}": _date(_years_before(as_of, age)) for age, _band in AGE_BANDS})
        values.update({f"fall{i}": code for i, code in enumerate(sorted(self.codelist.by_key["falls"].codes))})
        return values

    def people(self, alias: str) -> str:
        """The WHERE condition for living residents in scope.

        Residents are people placed in the area: someone registered or living outside it has no neighbourhood
        risk list to be on, nor the area deprivation their priority weighs (ADR 14), so is not scored.
        """
        one = f" AND {alias}.id = %(person)s" if self.person_id is not None else ""
        placed = f"{alias}.practice_neighbourhood_id IS NOT NULL AND {alias}.ward_neighbourhood_id IS NOT NULL"
        return f"{alias}.date_of_death IS NULL AND {placed}{one}"

    def only(self, column: str) -> str:
        """ " AND column = the person" when scoring one person, so each aggregate reads only their rows."""
        return f" AND {column} = %(person)s" if self.person_id is not None else ""

    def eligible(self, alias: str) -> str:
        return f"{self.people(alias)} AND {alias}.date_of_birth <= %(oldest_eligible_birth)s"


def _deficit_sql(scope: _Scope, into: str) -> str:
    """INSERT into `into` the deficits of everyone in scope aged 65 or over; UNION counts a twice-matched one once."""
    person, condition, code = _table(Person), _table(Condition), _table(DeficitCode)
    branches = [
        f"SELECT p.id AS person_id, dc.deficit AS deficit FROM {condition} c "
        f"JOIN {code} dc ON dc.snomed_code = c.snomed_code AND dc.version = %(version)s "
        f"JOIN {person} p ON p.id = c.person_id WHERE {scope.eligible('p')} AND {_current_condition('c')}"
    ]
    for item in scope.codelist.deficits:
        if item.repeat_medicines_at_least is not None:
            branches.append(
                f"SELECT p.id, '{item.key}' FROM {person} p WHERE {scope.eligible('p')} "
                f"AND p.repeat_medication_count >= {int(item.repeat_medicines_at_least)}"
            )
        if item.record_flag is not None:
            # The flag name was checked against codelist.RECORD_FLAGS when the file was loaded.
            branches.append(
                f"SELECT p.id, '{item.key}' FROM {person} p WHERE {scope.eligible('p')} AND p.{item.record_flag}"
            )
    union = " UNION ".join(branches)
    return f"INSERT INTO {into} (run_id, person_id, deficit) SELECT %(run)s, d.person_id, d.deficit FROM ({union}) d"


def _current_condition(alias: str) -> str:
    """The SQL test that a condition is the person's now: resolved, refuted or mistaken ones never count."""
    current = ", ".join(f"'{status.value}'" for status in CURRENT_CLINICAL_STATUSES)
    discounted = ", ".join(f"'{status.value}'" for status in DISCOUNTED_VERIFICATION_STATUSES)
    return f"{alias}.clinical_status IN ({current}) AND {alias}.verification_status NOT IN ({discounted})"


def _category_sql(count: str) -> str:
    whens = " ".join(f"WHEN {count} >= {lowest} THEN '{name.value}'" for lowest, name in CATEGORY_FROM)
    return f"CASE {whens} END"


def _age_band_sql() -> str:
    whens = " ".join(f"WHEN p.date_of_birth <= %(band{age})s THEN '{band.value}'" for age, band in AGE_BANDS)
    return f"CASE {whens} ELSE '{AgeBand.CHILD.value}' END"


def _known_sql(scope: _Scope) -> str:
    """People the team already knows: an open referral, an open episode or a current care-team relationship."""
    one = scope.only("person_id")
    return (
        f"SELECT person_id FROM {_table(Referral)} "
        f"WHERE person_id IS NOT NULL AND state <> '{State.CLOSED.value}'{one} "
        f"UNION SELECT person_id FROM {_table(Episode)} WHERE closed_at IS NULL{one} "
        f"UNION SELECT person_id FROM {_table(CareTeamMembership)} "
        f"WHERE started_at <= %(now)s AND (ended_at IS NULL OR ended_at > %(now)s){one}"
    )


COLUMNS = (
    "run_id",
    "person_id",
    "practice_neighbourhood_id",
    "ward_neighbourhood_id",
    "gp_practice_id",
    "ethnic_category",
    "age_band",
    "deficits",
    "category",
    "previous_category",
    "emergency_admissions",
    "bed_days",
    "lives_alone",
    "has_carer",
    "imd_decile",
    "recent_fall",
    "known_to_team",
)


def _score_sql(
    scope: _Scope,
    weights: tuple[priority.Weights, Mapping[int, priority.Weights]],
    tables: _RunTables,
    *,
    from_previous_run: bool,
) -> str:
    """INSERT everyone's facts and priority into `tables.scores`, counting deficits from `tables.deficits`.

    The category in the run before comes from that run's rows (a whole run) or
    from the `previous` parameter (one person recomputed within the current run).
    """
    previous, previous_join = "%(previous)s", ""
    if from_previous_run:
        previous = "old.category"
        previous_join = f"LEFT JOIN {_table(PersonRisk)} old ON old.person_id = p.id AND old.run_id = %(previous_run)s"
    eligible = "p.date_of_birth <= %(oldest_eligible_birth)s"
    count = "COALESCE(d.n, 0)"
    falls = ", ".join(f"%(fall{i})s" for i in range(len(scope.codelist.by_key["falls"].codes)))
    bed_days = _days_between("COALESCE(a.discharged_on, %(as_of)s)", "a.admitted_on")
    admissions = (
        f"SELECT a.person_id, COUNT(*) AS n, SUM({bed_days}) AS bed_days FROM {_table(HospitalAdmission)} a "
        f"WHERE a.method = '{AdmissionMethod.NON_ELECTIVE.value}' "
        f"AND a.admitted_on > %(year_ago)s AND a.admitted_on <= %(as_of)s{scope.only('a.person_id')} "
        "GROUP BY a.person_id"
    )
    facts = f"""
        SELECT %(run)s AS run_id, p.id AS person_id, p.practice_neighbourhood_id, p.ward_neighbourhood_id,
            p.gp_practice_id, p.ethnic_category, {_age_band_sql()} AS age_band,
            CASE WHEN {eligible} THEN {count} END AS deficits,
            CASE WHEN {eligible} THEN {_category_sql(count)} ELSE '' END AS category,
            {previous} AS previous_category,
            COALESCE(a.n, 0) AS emergency_admissions, COALESCE(a.bed_days, 0) AS bed_days,
            p.lives_alone, (c.person_id IS NOT NULL) AS has_carer, l.imd_decile,
            (f.person_id IS NOT NULL) AS recent_fall, (k.person_id IS NOT NULL) AS known_to_team
        FROM {_table(Person)} p
        JOIN {_table(LSOA)} l ON l.id = p.lsoa_id
        LEFT JOIN (SELECT person_id, COUNT(*) AS n FROM {tables.deficits} WHERE run_id = %(run)s
                   {scope.only("person_id")} GROUP BY person_id) d ON d.person_id = p.id
        LEFT JOIN ({admissions}) a ON a.person_id = p.id
        LEFT JOIN (SELECT DISTINCT person_id FROM {_table(RelatedPerson)} WHERE is_carer{scope.only("person_id")}) c
            ON c.person_id = p.id
        LEFT JOIN (SELECT DISTINCT person_id FROM {_table(Condition)} fc WHERE snomed_code IN ({falls})
                   AND {_current_condition("fc")} AND recorded_on > %(year_ago)s{scope.only("person_id")})
            f ON f.person_id = p.id
        LEFT JOIN ({_known_sql(scope)}) k ON k.person_id = p.id
        {previous_join}
        WHERE {scope.people("p")}
    """
    columns = ", ".join(COLUMNS)
    return (
        f"INSERT INTO {tables.scores} ({columns}, priority) "
        f"SELECT {', '.join('s.' + c for c in COLUMNS)}, {priority.sql(*weights, table='s')} FROM ({facts}) s"
    )


@dataclass(frozen=True)
class _RunTables:
    """Where a run writes its deficits and scores: fresh partitions on PostgreSQL, the model tables on SQLite."""

    deficits: str
    scores: str

    @classmethod
    def of(cls, run: StratificationRun) -> _RunTables:
        """The run's own tables on PostgreSQL, created empty and unindexed (they are indexed once loaded)."""
        if connection.vendor != "postgresql":
            return cls(_table(PersonDeficit), _table(PersonRisk))
        tables = cls(_partition(PersonDeficit, run), _partition(PersonRisk, run))
        with connection.cursor() as cursor:
            for model, table in ((PersonDeficit, tables.deficits), (PersonRisk, tables.scores)):
                # The CHECK lets ATTACH PARTITION trust the rows' run without reading them again.
                cursor.execute(
                    f"CREATE TABLE {table} (LIKE {_table(model)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
                    f"CHECK (run_id = {int(run.pk)}))"
                )
        return tables


def _partition(model: Any, run: StratificationRun) -> str:
    return connection.ops.quote_name(f"{model._meta.db_table}_run_{int(run.pk)}")


def _switch_to(run: StratificationRun, tables: _RunTables) -> None:
    """Make `run` the one whose rows exist, dropping the previous runs' (see migration 0002 for the partitions).

    On PostgreSQL, ATTACH PARTITION builds the parent's indexes over the loaded
    rows in one pass each, and the old partitions are dropped whole. On SQLite
    the old rows are deleted.
    """
    if connection.vendor != "postgresql":
        PersonDeficit.objects.exclude(run=run).delete()
        PersonRisk.objects.exclude(run=run).delete()
        return
    with connection.cursor() as cursor:
        for model, table in ((PersonDeficit, tables.deficits), (PersonRisk, tables.scores)):
            parent = _table(model)
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = %s::regclass AND c.relname <> %s",
                [model._meta.db_table, f"{model._meta.db_table}_default"],
            )
            old = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
            cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES IN ({int(run.pk)})")
            for partition in old:
                cursor.execute(f"DROP TABLE {partition}")
            # Rows written through the ORM outside a run (tests, an interrupted migration's copy) live here.
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table + '_default')}")


def _more_memory_for_joins() -> None:
    """Let this transaction's hash joins, and the sorts that build its indexes, stay in memory rather than spill."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{JOIN_MEMORY}'")
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'")


def _execute(sql: str, params: dict[str, Any] | None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def run(
    *, as_of: datetime.date | None = None, version: str = CURRENT_VERSION, progress: Progress = _quiet
) -> StratificationRun:
    """Recompute every living resident in one transaction; the previous run's scores stay until this one is done.

    Calls `progress` with the name of each step as it starts.
    """
    started = time.perf_counter()
    codelist = load(version)
    with transaction.atomic():
        progress(STEPS[0])
        _more_memory_for_joins()
        if ensure_codes(codelist):
            analyse(_table(DeficitCode))
        previous = current_run()
        new = StratificationRun.objects.create(
            started_at=timezone.now(), as_of=as_of or timezone.localdate(), codelist_version=codelist.version
        )
        scope = _Scope(new, codelist)
        params = scope.params() | {"previous_run": previous.pk if previous else None}
        tables = _RunTables.of(new)
        progress(STEPS[1])
        _execute(_deficit_sql(scope, tables.deficits), params)
        analyse(tables.deficits)
        progress(STEPS[2])
        new.people_scored = _execute(_score_sql(scope, weights_in_force(), tables, from_previous_run=True), params)
        progress(STEPS[3])
        _switch_to(new, tables)
        # Lists and one-person recomputes look rows up by this run's id, which the statistics must know.
        analyse(tables.scores)
        new.people_with_efi = PersonRisk.objects.filter(run=new, deficits__isnull=False).count()
        new.finished_at = timezone.now()
        new.seconds = time.perf_counter() - started
        new.save()
    return new


@transaction.atomic
def restratify_person(person: Person) -> PersonRisk | None:
    """Recompute one person's scores in the current run after their conditions (or record) changed.

    Call it from wherever conditions are written. The category before this
    recompute becomes the previous one, so "changed band since the last run"
    shows the change straight away.
    Returns None when no run has happened yet (the first run will score them).
    """
    latest = current_run()
    if latest is None:
        return None
    old = score_of(latest, person)
    PersonDeficit.objects.filter(run=latest, person=person).delete()
    PersonRisk.objects.filter(run=latest, person=person).delete()
    scope = _Scope(latest, load(latest.codelist_version), person_id=person.pk)
    params = scope.params() | {"previous": old.category if old else None}
    tables = _RunTables(_table(PersonDeficit), _table(PersonRisk))
    _execute(_deficit_sql(scope, tables.deficits), params)
    _execute(_score_sql(scope, weights_in_force(), tables, from_previous_run=False), params)
    return score_of(latest, person)


@transaction.atomic
def reprioritise(neighbourhoods: list[Neighbourhood] | None = None) -> int:
    """Recompute the priority of the current run's rows (after the weights changed), in one UPDATE."""
    latest = current_run()
    if latest is None:
        return 0
    table = _table(PersonRisk)
    expression = priority.sql(*weights_in_force(), table=table)
    where = f"run_id = {int(latest.pk)}"
    if neighbourhoods is not None:
        where += f" AND practice_neighbourhood_id IN ({', '.join(str(int(n.pk)) for n in neighbourhoods) or 'NULL'})"
    return _execute(f"UPDATE {table} SET priority = {expression} WHERE {where}", None)
