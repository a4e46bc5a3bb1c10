"""Generating, clearing and fingerprinting the synthetic city.

`generate_city()` writes the whole organisation map, the staff and N residents
with their records in one transaction: the same seed and as-of date always give
the same rows, primary keys included. `city_digest()` fingerprints what was
written, so tests and benchmarks can check that.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import count

from django.db import connection, models, transaction
from django.db.models import ForeignObjectRel
from tqdm import tqdm

from oneteam.access.audit import purge_for_demo_reset
from oneteam.access.models import AuditEvent, SignInAttempt
from oneteam.organisations.models import Staff
from oneteam.people.models import Person

from . import clinical, contacts, people, safety_alerts
from .contacts import CONTACT
from .geography import LOCALITY, LSOA_TABLE, NEIGHBOURHOOD, WARD, build_geography
from .organisations import ORGANISATION, TEAM, Partners, build_partners
from .people import PERSON, ResidentFactory
from .resident import Resident
from .safety_alerts import SAFETY_ALERT
from .sampling import rng_for
from .staff import STAFF, STAFF_TEAM, STAFF_USERNAME_PREFIX, staff_rows
from .writer import Report, Row, Table, Writer, delete_all_rows, next_free_id, truncate_tables

# Residents are synthesised and written this many at a time, which bounds the memory used.
CHUNK_SIZE = 5_000

# The organisation map and the residents' records, parents before children.
MAP_TABLES = (LOCALITY, NEIGHBOURHOOD, WARD, LSOA_TABLE, ORGANISATION, TEAM)
# Each resident's records, and the function turning a chunk of residents into their rows.
RECORDS: tuple[tuple[Table, Callable[[Sequence[Resident], Iterator[int]], Iterator[Row]]], ...] = (
    (clinical.CONDITION, clinical.condition_rows),
    (clinical.ADMISSION, clinical.admission_rows),
    (clinical.CARE_PACKAGE, clinical.care_package_rows),
    (CONTACT, contacts.contact_rows),
    (SAFETY_ALERT, safety_alerts.safety_alert_rows),
)
RESIDENT_TABLES = (PERSON, *(table for table, _ in RECORDS))
# Every table the generator fills. Staff share their table with accounts made by hand (superusers).
CITY_TABLES = (*MAP_TABLES, STAFF, STAFF_TEAM, *RESIDENT_TABLES)


class CityExistsError(Exception):
    """The database already holds a city, and replacing it was not asked for."""


def city_exists() -> bool:
    """Whether the database already holds any of the organisation map or residents."""
    return any(table.model._base_manager.exists() for table in (*MAP_TABLES, *RESIDENT_TABLES))


def generate_city(
    *, residents: int, seed: int, as_of: datetime.date, replace: bool = False, progress: bool = False
) -> Report:
    """Generate a city of `residents` people for `seed`, all dates relative to `as_of`, in one transaction.

    With `replace`, the existing city is cleared first (see `clear_city`);
    otherwise a database that already holds a city raises `CityExistsError`.
    """
    if not 0 <= residents <= people.MAX_RESIDENTS:
        raise ValueError(f"the number of residents must be between 0 and {people.MAX_RESIDENTS:,}")
    started = time.perf_counter()
    geography = build_geography(seed)
    partners = build_partners(geography, seed)
    factory = ResidentFactory(geography, partners, seed=seed, as_of=as_of, population=residents)
    with transaction.atomic():
        writer = Writer(connection)
        if replace:
            clearing_started = time.perf_counter()
            clear_city()
            writer.report.clearing_seconds = time.perf_counter() - clearing_started
        elif city_exists():
            raise CityExistsError(
                "The database already holds a city. Use --if-empty to keep it, or --replace to generate a new one."
            )
        for table, rows in (*geography.rows(), *partners.rows()):
            writer.write(table, rows)
        staff, memberships = staff_rows(
            partners,
            first_id=next_free_id(Staff),  # after any superusers
            first_membership_id=next_free_id(STAFF_TEAM.model),
            as_of=as_of,
            rng=rng_for(seed, "staff"),
        )
        writer.write(STAFF, staff)
        writer.write(STAFF_TEAM, memberships)
        _write_residents(writer, factory, partners, residents=residents, seed=seed, as_of=as_of, progress=progress)
        writer.finish()
        commit_started = time.perf_counter()
    writer.report.commit_seconds = time.perf_counter() - commit_started
    writer.report.elapsed_seconds = time.perf_counter() - started
    return writer.report


def _write_residents(
    writer: Writer,
    factory: ResidentFactory,
    partners: Partners,
    *,
    residents: int,
    seed: int,
    as_of: datetime.date,
    progress: bool,
) -> None:
    """Synthesise residents a chunk at a time, each part from its own random stream, and write their rows."""
    ids = {table: count(1) for table, _ in RECORDS}
    numbers = people.nhs_numbers(seed)
    with tqdm(total=residents, unit=" residents", disable=not progress) as bar:
        for chunk, first in enumerate(range(0, residents, CHUNK_SIZE)):
            synthesis_started = time.perf_counter()
            group = factory.synthesise(
                rng_for(seed, "residents", chunk), first + 1, min(CHUNK_SIZE, residents - first), numbers
            )
            clinical.diagnose(group, rng_for(seed, "conditions", chunk))
            clinical.admit(group, partners, as_of, rng_for(seed, "admissions", chunk))
            clinical.arrange_care(group, as_of, rng_for(seed, "care", chunk))
            contacts.add_contacts(group, rng_for(seed, "contacts", chunk))
            safety_alerts.raise_safety_alerts(group, as_of, rng_for(seed, "safety alerts", chunk))
            writer.report.synthesis_seconds += time.perf_counter() - synthesis_started
            writer.write(PERSON, people.person_rows(group))
            for table, rows in RECORDS:
                writer.write(table, rows(group, ids[table]))
            bar.update(len(group))


def clear_city() -> None:
    """Delete everything the generator makes, for demo and benchmark databases only.

    Staff and the audit trail refer to organisations and teams, so this also
    empties the audit log and sign-in attempts and deletes all staff who are not
    superusers; superusers are kept, taken out of their teams and organisation.
    Rows other apps keep about the old city's people, places and teams (care
    teams, consent, sharing agreements and the like) are deleted with it.
    """
    map_models = [table.model for table in MAP_TABLES]
    with transaction.atomic():
        purge_for_demo_reset()
        delete_all_rows(SignInAttempt, connection)
        # People and every row that refers to them, directly or not: a closed set that can be truncated at once.
        people_models: list[type[models.Model]] = [*_dependants({Person}, skip={Person, AuditEvent}), Person]
        truncate_tables(people_models, connection)
        for model in _dependants(set(map_models), skip={*map_models, *people_models, Staff, AuditEvent}):
            delete_all_rows(model, connection)
        Staff.all_accounts.filter(is_superuser=False).delete()
        Staff.all_accounts.filter(organisation__isnull=False).update(organisation=None)
        for model in reversed(map_models):
            delete_all_rows(model, connection)


def _dependants(targets: set[type[models.Model]], skip: set[type[models.Model]]) -> list[type[models.Model]]:
    """Models whose rows point at rows of `targets`, directly or through one another, most dependent first."""
    ordered: list[type[models.Model]] = []
    seen = set(skip)

    def visit(model: type[models.Model]) -> None:
        # Hidden relations (related_name="+") count too, and `_meta.related_objects` leaves them out.
        for relation in model._meta.get_fields(include_hidden=True):
            if not isinstance(relation, ForeignObjectRel):
                continue
            # A many-to-many relation's rows live in its through table.
            dependant = relation.through if isinstance(relation, models.ManyToManyRel) else relation.related_model
            assert dependant is not None and not isinstance(dependant, str)  # resolved once the app registry is ready
            if dependant not in seen:
                seen.add(dependant)
                visit(dependant)
                ordered.append(dependant)

    for target in sorted(targets, key=lambda model: model._meta.label):
        visit(target)
    return ordered


def city_digest() -> str:
    """A SHA-256 fingerprint of every row the generator fills, all columns, in primary-key order.

    Values are written in one textual form whatever the database, so the same
    seed gives the same digest on SQLite and PostgreSQL.
    """
    digest = hashlib.sha256()
    for table in CITY_TABLES:
        meta = table.model._meta
        columns = [field.attname for field in meta.concrete_fields]
        digest.update(f"{meta.db_table}\t{','.join(columns)}\n".encode())
        for values in _generated_rows(table).order_by("pk").values_list(*columns).iterator(chunk_size=10_000):
            digest.update(json.dumps([_plain(value) for value in values], ensure_ascii=False).encode())
            digest.update(b"\n")
    return digest.hexdigest()


def _generated_rows(table: Table) -> models.QuerySet[models.Model]:
    """The rows of `table` the generator makes: accounts made by hand (superusers, demo staff) are not part of it."""
    if table is STAFF:
        return Staff.objects.filter(username__startswith=STAFF_USERNAME_PREFIX)
    if table is STAFF_TEAM:
        return STAFF_TEAM.model._base_manager.filter(staff__username__startswith=STAFF_USERNAME_PREFIX)
    return table.model._base_manager.all()


def _plain(value: object) -> object:
    """A value in a form that is the same whichever database it was read from."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


def format_report(report: Report) -> Iterator[str]:
    """Lines summarising a load: rows, seconds and rows per second per table, then in total."""
    yield f"{'table':<32}{'rows':>12}{'seconds':>10}{'rows/s':>12}"
    for label, tally in report.tables.items():
        yield f"{label:<32}{tally.rows:>12,}{tally.seconds:>10.2f}{_rate(tally.rows, tally.seconds):>12}"
    phases = (
        ("(clearing the previous city)", report.clearing_seconds),
        ("(synthesising residents)", report.synthesis_seconds),
        ("(committing)", report.commit_seconds),
    )
    # A load that had no such phase (nothing to clear, say) leaves it out rather than print a zero.
    for phase, seconds in phases:
        if seconds:
            yield f"{phase:<32}{'':>12}{seconds:>10.2f}"
    total_rate = _rate(report.total_rows, report.elapsed_seconds)
    yield f"{'total':<32}{report.total_rows:>12,}{report.elapsed_seconds:>10.2f}{total_rate:>12}"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "–"
