"""Importing FHIR: Bundles (transaction, batch, collection) and NDJSON files into OneTeam's records.

A unit of import is one Bundle, or one NDJSON file: it is taken whole or not at
all (one transaction), and its errors name the file, the entry and the
resource type. What is taken is matched on natural keys first (NHS number, ODS
code, username; a condition's person, code and date; and so on), so importing
the same unit again creates nothing new. Resource types OneTeam does not keep
are skipped and counted.

Patient matching (docs/interoperability.md says the same):
1. a Patient with an NHS number is that person: an NHS number failing its
   check digit is an error, never stored;
2. a Patient with no NHS number is matched on family name, given name, date of
   birth and postcode together, and only if exactly one person matches; if none
   or several do, it is an error (OneTeam's record is keyed on the NHS number, so
   it does not create a person without one);
3. an existing person's record is never overwritten by an import.
A new person is placed by the LSOA extension on their address or, failing that,
the LSOA of someone already known at the same postcode; anyone else is kept as
living outside the area. Their GP practice comes from `generalPractitioner`; one
OneTeam does not know is kept as not known (ADR 14).

A unit that adds a condition or raises the repeat-medicine count of up to
`RESTRATIFY_AT_MOST` people recomputes their frailty and priority in the current
risk run (`risk.services.stratify.restratify_person`), in the same transaction. The
recompute is per person (tens of milliseconds each), and the risk app has no
set-based recompute of a few people, so a bigger unit (a bulk load) leaves
them to the nightly `manage.py stratify`, which recomputes everyone set-based.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.db.models import Count

from oneteam.access import audit
from oneteam.access.code_categories import condition_category
from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import may_contribute, new_event, prefetch
from oneteam.organisations.models import LSOA, Neighbourhood, Organisation, Sector, Staff
from oneteam.people import services as people_services
from oneteam.people.models import Condition, HospitalAdmission, Person, RelatedPerson, SafetyAlert
from oneteam.risk.services.stratify import restratify_person

from .. import codes, xmlfiles
from ..models import Allergy, OrganisationIdentifier, RepeatMedication
from ..reading import Entry, Reading, read_entry, read_lines, read_xml
from ..records import (
    READERS,
    EncounterRecord,
    MedicationRecord,
    OrganisationRecord,
    PatientRecord,
    PractitionerRecord,
    Record,
    Ref,
)

Json = dict[str, Any]
BUNDLE_TYPES = ("transaction", "batch", "collection")
# Resources are applied in this order, so what others refer to exists first.
ORDER = tuple(READERS)
RANK = {resource_type: rank for rank, resource_type in enumerate(ORDER)}
CHUNK = 2000
# NDJSON lines read and stored at a time: small enough that storing starts soon and the workers keep busy.
BATCH = 1000
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
# What import_fhir reads from a folder: each file by its suffix (see Importer.import_path).
FILE_SUFFIXES = (".json", ".xml", *NDJSON_SUFFIXES)
# NDJSON files this long are validated in worker processes (forking costs more than it saves on short files).
PARALLEL_FROM = 2_000
# How much the validation workers give way to this process, which stores (the longer chain of work): nice(1).
WORKER_NICENESS = 5
# The most people whose risk one unit recomputes straight away (about 35 ms each on the city benchmark).
RESTRATIFY_AT_MOST = 100
_T = TypeVar("_T")


@dataclass(frozen=True)
class EntryError:
    """Something wrong with one entry (or, with entry None, with the whole file)."""

    file: str
    entry: int | None
    resource_type: str
    message: str

    def as_json(self) -> Json:
        return {"file": self.file, "entry": self.entry, "resourceType": self.resource_type, "message": self.message}


@dataclass
class ImportReport:
    """Counts per resource type: taken (new or already known), of which new; skipped; and the errors."""

    imported: Counter[str] = field(default_factory=Counter)
    created: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[EntryError] = field(default_factory=list)

    def as_json(self) -> Json:
        return {
            "imported": dict(sorted(self.imported.items())),
            "created": dict(sorted(self.created.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "errors": [error.as_json() for error in self.errors],
        }


@dataclass
class Outcome:
    """What happened to one entry: "created", "matched" or "skipped", and the OneTeam row it became."""

    entry: int
    resource_type: str
    result: str
    pk: int | None = None


def _numbered(source: Path | Iterable[str | bytes]) -> list[tuple[int, str | bytes]]:
    """An NDJSON file's lines that are not blank, with their line numbers (from 1)."""
    if isinstance(source, Path):
        with source.open("rb") as lines:
            return _numbered(lines)
    return [(number, line) for number, line in enumerate(source, start=1) if line.strip()]


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Rollback(Exception):
    """Raised inside a unit's transaction to undo it when any entry has an error."""


class _OutOfOrder(Exception):
    """Raised inside a unit's transaction, read a batch at a time, at an entry of a type ORDER puts before one
    already stored: the unit is undone and stored again whole."""


class Importer:
    """One import run: a report, and the references seen so far so a later file can refer to an earlier one.

    `actor` is the API client's service account, or None for the command line; `username` names
    who imported in the audit log when there is no actor ("" to use the actor's own).
    """

    def __init__(
        self, *, actor: Staff | None = None, username: str = "import_fhir", purpose: Purpose = Purpose.DIRECT_CARE
    ) -> None:
        self.actor = actor
        self.username = username
        self.purpose = purpose
        # People an API client tried to write about but may not (for the caller to audit the refusal).
        self.refused_person_ids: set[int] = set()
        self.report = ImportReport()
        self.seen: dict[str, int] = {}  # "Patient/abc" or "urn:uuid:…" -> OneTeam primary key

    # ----- reading files -------------------------------------------------------------------------------

    def import_json(self, file: str, body: bytes | str) -> list[Outcome] | None:
        """Import one JSON document: a Bundle or a single resource. Returns the outcomes, or None if refused."""
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            why = "it is nested too deeply" if isinstance(error, RecursionError) else error
            self.report.errors.append(EntryError(file, None, "", f"The file is not valid JSON: {why}"))
            return None
        if not isinstance(document, dict):
            self.report.errors.append(EntryError(file, None, "", "The file must hold a FHIR resource (a JSON object)"))
            return None
        if document.get("resourceType") != "Bundle":
            return self.import_readings(file, [read_entry(Entry(0, "", document))])
        if document.get("type") not in BUNDLE_TYPES:
            self.report.errors.append(
                EntryError(file, None, "Bundle", f"Bundle.type must be one of {', '.join(BUNDLE_TYPES)}")
            )
            return None
        raw = document.get("entry")
        entries: list[Any] = raw if isinstance(raw, list) else []
        return self.import_readings(
            file,
            [
                read_entry(
                    Entry(
                        index,
                        str(entry.get("fullUrl") or "") if isinstance(entry, dict) else "",
                        entry.get("resource") if isinstance(entry, dict) else None,
                    )
                )
                for index, entry in enumerate(entries)
            ],
        )

    def import_xml(self, file: str, body: bytes) -> list[Outcome] | None:
        """Import one FHIR XML document: a Bundle or a single resource, each resource validated on its own.

        `fhir.resources` reads each resource's XML into the same JSON the rest of the
        import takes, so XML means exactly what JSON does.
        """
        try:
            root = xmlfiles.parse(body)
        except xmlfiles.XmlRefused as refused:
            self.report.errors.append(EntryError(file, None, "", f"The file is not valid FHIR XML: {refused}"))
            return None
        if xmlfiles.name(root) != "Bundle":
            return self.import_readings(file, [read_xml(Entry(0, "", root))])
        kind = xmlfiles.value(root, "type")
        if kind not in BUNDLE_TYPES:
            self.report.errors.append(
                EntryError(file, None, "Bundle", f"Bundle.type must be one of {', '.join(BUNDLE_TYPES)}")
            )
            return None
        return self.import_readings(
            file,
            [
                read_xml(Entry(index, xmlfiles.value(entry, "fullUrl"), xmlfiles.resource(entry)))
                for index, entry in enumerate(xmlfiles.children(root, "entry"))
            ],
        )

    def import_path(self, path: Path) -> list[Outcome] | None:
        """Import one file by its kind: NDJSON (.ndjson, .jsonl), XML (.xml) or JSON (anything else)."""
        if path.suffix in NDJSON_SUFFIXES:
            with path.open("rb") as lines:
                return self.import_ndjson(str(path), lines)
        if path.suffix == ".xml":
            return self.import_xml(str(path), path.read_bytes())
        return self.import_json(str(path), path.read_bytes())

    def import_ndjson(
        self,
        file: str,
        lines: Iterable[str | bytes],
        *,
        on_progress: Callable[[int], object] | None = None,
        parallel_from: int = PARALLEL_FROM,
    ) -> list[Outcome] | None:
        """Import an NDJSON file (one resource per line) as one unit; `entry` in its errors is the line number."""
        return self._import_ndjson([(file, lines)], on_progress, parallel_from)[0]

    def import_ndjson_files(
        self, paths: Sequence[Path], *, on_progress: Callable[[int], object] | None = None
    ) -> list[list[Outcome] | None]:
        """Import NDJSON files in the order given, each one unit: while one is stored, the next is already read."""
        return self._import_ndjson([(str(path), path) for path in paths], on_progress, PARALLEL_FROM)

    def _import_ndjson(
        self,
        files: Sequence[tuple[str, Path | Iterable[str | bytes]]],
        on_progress: Callable[[int], object] | None,
        parallel_from: int,
    ) -> list[list[Outcome] | None]:
        """Import NDJSON files (given as a path, or as lines), each one unit, in order.

        Validation is most of the work, so a file of `parallel_from` lines or more is read in
        forked worker processes, one per core, a batch of lines at a time. This process stores
        each batch as it comes while the workers read the next ones, and the next file's once
        this one's are done, so its audit and commit do not leave the workers waiting. Storing
        is the longer chain, so the workers run at a lower priority and take the spare CPU.
        """
        cores = os.cpu_count() or 1
        with ExitStack() as stack:
            pool: ProcessPoolExecutor | None = None

            def read(source: Path | Iterable[str | bytes]) -> Iterator[list[Reading]]:
                nonlocal pool
                numbered = _numbered(source)
                batches = _chunks(numbered, BATCH)
                if len(numbered) < parallel_from or cores < 2:
                    return map(read_lines, batches)
                if pool is None:
                    pool = ProcessPoolExecutor(
                        cores,
                        mp_context=multiprocessing.get_context("fork"),
                        initializer=os.nice,
                        initargs=(WORKER_NICENESS,),
                    )
                    stack.callback(pool.shutdown, cancel_futures=True)
                # Every batch is handed over now; the workers take them in order, this file's before the next's.
                futures = [pool.submit(read_lines, batch) for batch in batches]
                return (future.result() for future in futures)

            outcomes = []
            ahead = read(files[0][1]) if files else iter(())
            for position, (file, _source) in enumerate(files):
                current = ahead
                if position + 1 < len(files):
                    ahead = read(files[position + 1][1])
                outcomes.append(self._import_unit(file, current, on_progress))
            return outcomes

    # ----- one unit ------------------------------------------------------------------------------------

    def import_readings(self, file: str, readings: list[Reading]) -> list[Outcome] | None:
        """Store one unit's entries, all or nothing. Returns the outcomes, or None if refused."""
        return self._import_unit(file, [readings])

    def _import_unit(
        self,
        file: str,
        batches: Iterable[list[Reading]],
        on_progress: Callable[[int], object] | None = None,
    ) -> list[Outcome] | None:
        """Store one unit's entries, batch by batch as they are read, in one transaction: all or nothing.

        Storing a batch as it comes means the same as storing the whole unit at once while the
        entries come in dependency order (`ORDER`: an NDJSON file of one type, say); a unit whose
        entries do not is stored again, whole, once it is all read.
        """
        unit = _Unit(self, file)
        batches = iter(batches)
        taken: list[Reading] = []
        try:
            with transaction.atomic():
                for batch in batches:
                    taken.extend(batch)
                    unit.take(batch)
                    if on_progress:
                        on_progress(len(batch))
                if unit.errors:
                    raise _Rollback
                unit.restratify()
                unit.audit()
        except _OutOfOrder:
            for batch in batches:
                taken.extend(batch)
                if on_progress:
                    on_progress(len(batch))
            return self._import_unit(file, [taken])
        except _Rollback:
            # In entry order, whichever stage found them.
            self.report.errors.extend(sorted(unit.errors, key=lambda error: -1 if error.entry is None else error.entry))
            return None
        except DatabaseError as error:
            self.report.errors.append(EntryError(file, None, "", f"The database refused the import: {error}"))
            return None
        self.seen.update(unit.keys)
        for outcome in unit.outcomes:
            if outcome.result == "skipped":
                self.report.skipped[outcome.resource_type] += 1
            else:
                self.report.imported[outcome.resource_type] += 1
                if outcome.result == "created":
                    self.report.created[outcome.resource_type] += 1
        return sorted(unit.outcomes, key=lambda outcome: outcome.entry)


class _Unit:
    """The work of importing one Bundle or NDJSON file."""

    def __init__(self, run: Importer, file: str) -> None:
        self.run = run
        self.file = file
        self.errors: list[EntryError] = []
        self.outcomes: list[Outcome] = []
        self.keys: dict[str, int] = {}
        self.changed: dict[int, Counter[str]] = defaultdict(Counter)
        self.recounted: set[int] = set()  # people whose repeat-medicine count went up
        self._organisations: dict[int, tuple[str, int | None]] | None = None
        self.by_identifier: dict[tuple[str, str], int] = {}
        self._people: dict[str, int] = {}
        # Names of entries that already have an error: a reference to one is not a second problem.
        self.unreadable: set[str] = set()
        self.first_at: dict[str, int] = {}  # fullUrl -> the entry it first named
        self.rank = 0  # the latest place in ORDER of a type in the batches so far

    def error(self, entry: Reading, resource_type: str, message: str) -> None:
        self.errors.append(EntryError(self.file, entry.index, resource_type, message))

    # ----- references ----------------------------------------------------------------------------------

    @staticmethod
    def names(entry: Reading, resource_type: str) -> list[str]:
        """Every name others may refer to an entry by: its fullUrl and Type/id."""
        return [name for name in (entry.full_url, entry.resource_id and f"{resource_type}/{entry.resource_id}") if name]

    def register(self, entry: Reading, resource_type: str, pk: int, result: str) -> None:
        """Remember what an entry became, under every name others may refer to it by."""
        for name in self.names(entry, resource_type):
            self.keys[name] = pk
        self.outcomes.append(Outcome(entry.index, resource_type, result, pk))

    def _literal(self, ref: Ref) -> int | None:
        key = self._literal_key(ref)
        return self.keys.get(key, self.run.seen.get(key)) if key else None

    @staticmethod
    def _literal_key(ref: Ref) -> str:
        """The name a literal reference looks for: an absolute URL ends with Type/id; urn:uuid: is kept whole."""
        if not ref.literal:
            return ""
        if ref.literal.startswith("urn:"):
            return ref.literal
        return ref.resource_type + "/" + ref.literal.rsplit("/", 1)[-1]

    def organisations(self) -> dict[int, tuple[str, int | None]]:
        """Every organisation by id: (sector, neighbourhood id); and `by_identifier` filled. The map is small."""
        if self._organisations is None:
            self._organisations = {}
            for pk, ods, sector, neighbourhood in Organisation.objects.values_list(
                "pk", "ods_code", "sector", "neighbourhood_id"
            ):
                self._organisations[pk] = (sector, neighbourhood)
                if ods:
                    self.by_identifier[(codes.ODS_CODE, ods)] = pk
            others = OrganisationIdentifier.objects.values_list("system", "value", "organisation_id")
            self.by_identifier.update(((system, value), pk) for system, value, pk in others)
        return self._organisations

    def know_organisation(self, organisation: Organisation, keys: list[tuple[str, str]]) -> None:
        """Add an organisation the unit created to the map."""
        self.organisations()[organisation.pk] = (organisation.sector, organisation.neighbourhood_id)
        self.by_identifier.update((key, organisation.pk) for key in keys)

    def organisation_by_identifier(self, ref: Ref) -> int | None:
        """The organisation with the reference's identifier (an ODS code when no system is given), or None."""
        self.organisations()
        ods = ref.system in (codes.ODS_CODE, "")
        return self.by_identifier.get((codes.ODS_CODE, ref.value.upper()) if ods else (ref.system, ref.value))

    def resolve(self, entry: Reading, ref: Ref, where: str) -> int | None:
        """The OneTeam id `ref` points at, or None with an error naming the dangling reference."""
        pk = self._literal(ref)
        if pk is None and ref.value:
            if ref.resource_type == "Organization":
                pk = self.organisation_by_identifier(ref)
            elif ref.resource_type == "Patient" and ref.system in (codes.NHS_NUMBER, ""):
                pk = self._people.get(ref.value)
        if pk is None and self._literal_key(ref) in self.unreadable:
            return None
        if pk is None:
            said = ref.literal or f"{ref.resource_type}?identifier={ref.system}|{ref.value}"
            self.error(
                entry,
                entry.resource_type,
                f"{where} refers to {said}, which is neither in this import nor known to OneTeam",
            )
        return pk

    def prefetch_people(self, refs: Iterable[Ref]) -> None:
        """Load the people referred to by NHS number, in bulk, for `resolve`."""
        wanted = sorted({ref.value for ref in refs if ref.resource_type == "Patient" and ref.value} - set(self._people))
        for chunk in _chunks(wanted):
            self._people.update(Person.objects.filter(nhs_number__in=chunk).values_list("nhs_number", "pk"))

    # ----- storing -------------------------------------------------------------------------------------

    def take(self, readings: list[Reading]) -> None:
        """Store a batch of the unit's readings, each type in ORDER; raise _OutOfOrder if the batch holds a type ORDER
        puts before one of an earlier batch (its entries may be what the earlier ones refer to)."""
        ranks = {RANK[kind] for kind in {reading.resource_type for reading in readings} if kind in RANK}
        if ranks and min(ranks) < self.rank:
            raise _OutOfOrder
        self.rank = max(ranks, default=self.rank)
        by_type: dict[str, list[tuple[Reading, Record]]] = defaultdict(list)
        for reading in readings:
            if reading.full_url and reading.full_url in self.first_at:
                # FHIR's bdl-7: a fullUrl names one resource, so a second is a reference that could mean either.
                self.error(
                    reading,
                    reading.resource_type,
                    f"Bundle.entry[{reading.index}].fullUrl: {reading.full_url} is already the fullUrl of entry "
                    f"{self.first_at[reading.full_url]} (FHIR bdl-7: each fullUrl must be unique)",
                )
                self.unreadable.add(reading.full_url)
                continue
            self.first_at.setdefault(reading.full_url, reading.index)
            if reading.error:
                self.error(reading, reading.resource_type, reading.error)
                self.unreadable.update(self.names(reading, reading.resource_type))
            elif reading.record is None:
                self.outcomes.append(Outcome(reading.index, reading.resource_type, "skipped"))
            else:
                by_type[reading.resource_type].append((reading, reading.record))
        for resource_type in ORDER:
            if by_type[resource_type]:
                self.apply(resource_type, by_type[resource_type])

    def apply(self, resource_type: str, items: list[tuple[Reading, Record]]) -> None:
        for chunk in _chunks(items):
            _APPLY[resource_type](self, chunk)

    def restratify(self) -> None:
        """Recompute the risk of the people whose eFI facts (conditions, repeat-medicine count) the unit changed."""
        people = {person_id for person_id, added in self.changed.items() if added["Condition"]} | self.recounted
        if len(people) > RESTRATIFY_AT_MOST:
            return
        for person in Person.objects.filter(pk__in=people).order_by("pk"):
            restratify_person(person)

    def audit(self) -> None:
        """One audit event for each person whose record the unit added to, in one append."""
        audit.append(
            [
                new_event(
                    staff=self.run.actor,
                    username=self.run.username,
                    action=AuditAction.CREATE,
                    person_id=person_id,
                    detail={"fhir_import": dict(sorted(added.items()))},
                )
                for person_id, added in sorted(self.changed.items())
            ]
        )


def _apply_organizations(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    """Match each Organization on its ODS code, else any other identifier, else (with none) its name; or create it."""
    unit.organisations()
    neighbourhoods = dict(Neighbourhood.objects.values_list("code", "pk"))
    named = dict(Organisation.objects.filter(ods_code__isnull=True).values_list("name", "pk"))
    new: dict[tuple[str, str], tuple[Organisation, OrganisationRecord]] = {}
    waiting: list[tuple[Reading, tuple[str, str]]] = []
    for entry, record in items:
        assert isinstance(record, OrganisationRecord)
        keys = _organisation_keys(record)
        pk = next((unit.by_identifier[key] for key in keys if key in unit.by_identifier), None)
        if pk is None and not keys:
            pk = named.get(record.name)
        if pk is not None:
            unit.register(entry, "Organization", pk, "matched")
            continue
        neighbourhood = neighbourhoods.get(record.neighbourhood_code)
        if record.sector == Sector.GP_PRACTICE and neighbourhood is None:
            unit.error(
                entry, "Organization", "A GP practice needs the neighbourhood extension naming a OneTeam neighbourhood"
            )
            continue
        key = keys[0] if keys else ("name", record.name)
        if key not in new:
            organisation = Organisation(
                name=record.name, ods_code=record.ods_code or None, sector=record.sector, neighbourhood_id=neighbourhood
            )
            new[key] = (organisation, record)
        waiting.append((entry, key))
    Organisation.objects.bulk_create(organisation for organisation, _record in new.values())
    OrganisationIdentifier.objects.bulk_create(
        OrganisationIdentifier(organisation=organisation, system=system, value=value)
        for organisation, record in new.values()
        for system, value in dict.fromkeys(record.identifiers)
    )
    for organisation, record in new.values():
        unit.know_organisation(organisation, _organisation_keys(record))
    for entry, key in waiting:
        unit.register(entry, "Organization", new[key][0].pk, "created")


def _organisation_keys(record: OrganisationRecord) -> list[tuple[str, str]]:
    """The (system, value) pairs an organisation is found by, the ODS code first."""
    return ([(codes.ODS_CODE, record.ods_code)] if record.ods_code else []) + list(record.identifiers)


def _apply_practitioners(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    names = [record.username for _entry, record in items if isinstance(record, PractitionerRecord)]
    known = dict(Staff.objects.filter(username__in=names).values_list("username", "pk"))
    new: dict[str, Staff] = {}
    for _entry, record in items:
        assert isinstance(record, PractitionerRecord)
        if record.username not in known and record.username not in new:
            # A directory entry, not an account: inactive, and no password that could ever match.
            new[record.username] = Staff(
                username=record.username,
                first_name=record.first_name,
                last_name=record.last_name,
                profession=record.profession,
                is_active=False,
                password=make_password(None),
            )
    Staff.objects.bulk_create(new.values())
    known.update((staff.username, staff.pk) for staff in new.values())
    for entry, record in items:
        assert isinstance(record, PractitionerRecord)
        unit.register(entry, "Practitioner", known[record.username], "created" if record.username in new else "matched")


def _apply_patients(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    records = [(entry, record) for entry, record in items if isinstance(record, PatientRecord)]
    numbers = [record.nhs_number for _entry, record in records if record.nhs_number]
    known = dict(Person.objects.filter(nhs_number__in=numbers).values_list("nhs_number", "pk"))
    lsoas = {
        code: (pk, ward, neighbourhood)
        for code, pk, ward, neighbourhood in LSOA.objects.filter(
            code__in={record.lsoa_code for _entry, record in records if record.lsoa_code}
        ).values_list("code", "pk", "ward_id", "ward__neighbourhood_id")
    }
    new: dict[str, Person] = {}
    waiting: list[tuple[Reading, str]] = []
    for entry, record in records:
        if record.nhs_number in known:
            unit.register(entry, "Patient", known[record.nhs_number], "matched")
        elif not record.nhs_number:
            _match_without_nhs_number(unit, entry, record)
        elif record.nhs_number in new:
            waiting.append((entry, record.nhs_number))
        else:
            person = _new_person(unit, entry, record, lsoas)
            if person is not None:
                new[record.nhs_number] = person
                waiting.append((entry, record.nhs_number))
    people_services.add_people(new.values())
    for entry, number in waiting:
        unit.register(entry, "Patient", new[number].pk, "created")
        unit.changed[new[number].pk]["Patient"] = 1
    unit._people.update(known)
    unit._people.update((number, person.pk) for number, person in new.items())


def _match_without_nhs_number(unit: _Unit, entry: Reading, record: PatientRecord) -> None:
    matches = list(
        Person.objects.filter(
            family_name__iexact=record.family_name,
            given_name__iexact=record.given_name,
            date_of_birth=record.date_of_birth,
            postcode=record.postcode,
        ).values_list("pk", flat=True)[:2]
    )
    if len(matches) == 1:
        unit.register(entry, "Patient", matches[0], "matched")
    else:
        found = "no one" if not matches else "more than one person"
        unit.error(
            entry,
            "Patient",
            f"No NHS number, and {found} has this family name, given name, date of birth and postcode; "
            "OneTeam creates people only with an NHS number",
        )


def _new_person(
    unit: _Unit, entry: Reading, record: PatientRecord, lsoas: dict[str, tuple[int, int, int]]
) -> Person | None:
    """A new person, placed where OneTeam can place them (ADR 14).

    Their area is the LSOA extension on their address or, failing that, the area of someone already
    known at the same postcode; anyone else lives outside the area and is kept with no area. Their GP
    practice is `generalPractitioner` when it names an organisation: the practice's neighbourhood, if it
    is one of OneTeam's, places them; with none named, or one named only by an identifier OneTeam does
    not hold, the GP is kept as not known. Only a reference that names an entry nobody can find is an error.
    """
    place = lsoas.get(record.lsoa_code)
    if place is None and record.postcode:
        place = (
            Person.objects.filter(postcode=record.postcode, lsoa__isnull=False)
            .values_list("lsoa_id", "ward_id", "ward_neighbourhood_id")
            .first()
        )
    practice_id = None
    if record.gp_practice is not None and record.gp_practice.literal:
        practice_id = unit.resolve(entry, record.gp_practice, "Patient.generalPractitioner")
        if practice_id is None:
            return None
    elif record.gp_practice is not None:
        # Named only by an identifier (an ODS code, say) of a practice OneTeam does not hold: the GP is not known.
        practice_id = unit.organisation_by_identifier(record.gp_practice)
    sector, practice_neighbourhood_id = unit.organisations()[practice_id] if practice_id is not None else ("", None)
    if sector != Sector.GP_PRACTICE:
        practice_neighbourhood_id = None
    lsoa_id, ward_id, ward_neighbourhood_id = place or (None, None, None)
    return Person(
        nhs_number=record.nhs_number,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        date_of_death=record.date_of_death,
        sex=record.sex,
        ethnic_category=record.ethnic_category,
        interpreter_needed=record.interpreter_needed,
        gender_identity=record.gender_identity,
        lives_alone=record.lives_alone,
        communication_needs=record.communication_needs,
        repeat_medication_count=record.repeat_medication_count,
        preferred_language=record.preferred_language,
        address_line_1=record.address_line_1,
        address_line_2=record.address_line_2,
        town=record.town,
        postcode=record.postcode,
        lsoa_id=lsoa_id,
        ward_id=ward_id,
        ward_neighbourhood_id=ward_neighbourhood_id,
        gp_practice_id=practice_id,
        practice_neighbourhood_id=practice_neighbourhood_id,
    )


def _subjects(unit: _Unit, items: Sequence[tuple[Reading, Any]], where: str) -> list[tuple[Reading, Any, int]]:
    """Each record with the person it is about; entries whose subject does not resolve get an error."""
    unit.prefetch_people(record.subject for _entry, record in items)
    resolved = []
    for entry, record in items:
        person_id = unit.resolve(entry, record.subject, where)
        if person_id is not None:
            resolved.append((entry, record, person_id))
    return _may_write(unit, resolved) if unit.run.actor is not None else resolved


def _category(resource_type: str, record: Any) -> DataCategory:
    """The data category an entry adds to the record: a condition's from its code, alerts their own, else physical."""
    if resource_type == "Condition":
        return condition_category(record.snomed_code)
    return DataCategory.SAFETY_ALERTS if resource_type == "Flag" else DataCategory.PHYSICAL_HEALTH


def _may_write(unit: _Unit, resolved: list[tuple[Reading, Any, int]]) -> list[tuple[Reading, Any, int]]:
    """The entries the API client may write, asking the access policy per person and category; an error on the
    others (which names no one), so the unit writes nothing.
    """
    actor = unit.run.actor
    assert actor is not None
    people = Person.objects.in_bulk({person_id for _entry, _record, person_id in resolved})
    prefetch(actor, people.values())
    allowed = []
    for entry, record, person_id in resolved:
        category = _category(entry.resource_type, record)
        if may_contribute(actor, people[person_id], category, unit.run.purpose).allowed:
            allowed.append((entry, record, person_id))
        else:
            unit.run.refused_person_ids.add(person_id)
            unit.error(entry, entry.resource_type, f"You may not add {category.label.lower()} to this person's record")
    return allowed


def _add_rows(
    unit: _Unit,
    resource_type: str,
    items: Sequence[tuple[Reading, Any]],
    model: type[Any],
    key_fields: tuple[str, ...],
    fields: tuple[str, ...],
    row: Callable[[Any, int], tuple[Any, ...]],
    key: Callable[[Any, int], tuple[Any, ...]],
) -> list[tuple[Any, int, int]]:
    """Store the records not already there (by `key_fields`), in bulk: `row` gives a record's values of `fields`.
    Returns the matched records with their rows and people."""
    where = {"AllergyIntolerance": "patient", "RelatedPerson": "patient"}.get(resource_type, "subject")
    resolved = _subjects(unit, items, f"{resource_type}.{where}")
    person_ids = {person_id for _entry, _record, person_id in resolved}
    existing = {
        tuple(found[1:]): found[0]
        for found in model.objects.filter(person_id__in=person_ids).values_list("pk", "person_id", *key_fields[1:])
    }
    new: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for _entry, record, person_id in resolved:
        identity = key(record, person_id)
        if identity not in existing and identity not in new:
            new[identity] = row(record, person_id)
    created = dict(zip(new, _insert(model, fields, list(new.values())), strict=True))
    matched = []
    for entry, record, person_id in resolved:
        identity = key(record, person_id)
        if identity in created:
            existing[identity] = created.pop(identity)
            unit.register(entry, resource_type, existing[identity], "created")
            unit.changed[person_id][resource_type] += 1
        else:
            unit.register(entry, resource_type, existing[identity], "matched")
            matched.append((record, existing[identity], person_id))
    return matched


def _insert(model: type[Any], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert rows (values of `fields`, in order) and return their new ids, in the same order.

    On PostgreSQL the ids come from the table's sequence in one query and the rows go in with one
    COPY, several times cheaper in Python than `bulk_create` building a model instance per row;
    elsewhere (SQLite) it is `bulk_create`.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create(model(**dict(zip(fields, values, strict=True))) for values in rows)
        return [instance.pk for instance in made]
    table, quote = model._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in ("id", *fields))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [found for (found,) in cursor.fetchall()]
        # The psycopg cursor itself (Django's wrapper has no COPY of its own), its errors made Django's as the
        # ORM's are, so a refused row (a constraint) is a DatabaseError the import reports.
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for pk, values in zip(ids, rows, strict=True):
                copy.write_row((pk, *values))
    return ids


def _apply_conditions(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    matched = _add_rows(
        unit,
        "Condition",
        items,
        Condition,
        ("person_id", "snomed_code", "recorded_on"),
        ("person_id", "snomed_code", "term", "recorded_on", "clinical_status", "verification_status"),
        lambda r, p: (p, r.snomed_code, r.term, r.recorded_on, r.clinical_status, r.verification_status),
        lambda r, p: (p, r.snomed_code, r.recorded_on),
    )
    # A condition OneTeam holds takes the status the sender gives it now (resolved, refuted, ...): one read for
    # the chunk, and one UPDATE for each pair of statuses that changes anything.
    rows = Condition.objects.filter(pk__in=[pk for _record, pk, _person in matched])
    held = {pk: (clinical, verification) for pk, clinical, verification in rows.values_list("pk", *_STATUSES)}
    changes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for record, pk, person_id in matched:
        statuses = (record.clinical_status, record.verification_status)
        if held[pk] != statuses:
            changes[statuses].append(pk)
            unit.changed[person_id]["Condition"] += 1
    for (clinical, verification), pks in changes.items():
        Condition.objects.filter(pk__in=pks).update(clinical_status=clinical, verification_status=verification)


def _apply_contacts(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    _add_rows(
        unit,
        "RelatedPerson",
        items,
        RelatedPerson,
        ("person_id", "name", "relationship", "phone"),
        ("person_id", "name", "relationship", "phone", "is_carer", "is_next_of_kin"),
        lambda r, p: (p, r.name, r.relationship, r.phone, r.is_carer, r.is_next_of_kin),
        lambda r, p: (p, r.name, r.relationship, r.phone),
    )


_STATUSES = ("clinical_status", "verification_status")


def _apply_flags(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    _add_rows(
        unit,
        "Flag",
        items,
        SafetyAlert,
        ("person_id", "kind", "raised_on"),
        ("person_id", "kind", "detail", "raised_on", "active"),
        lambda r, p: (p, r.kind, r.detail, r.raised_on, r.active),
        lambda r, p: (p, r.kind, r.raised_on),
    )


def _apply_allergies(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    _add_rows(
        unit,
        "AllergyIntolerance",
        items,
        Allergy,
        ("person_id", "snomed_code", "recorded_on"),
        ("person_id", "snomed_code", "term", "recorded_on"),
        lambda r, p: (p, r.snomed_code, r.term, r.recorded_on),
        lambda r, p: (p, r.snomed_code, r.recorded_on),
    )


def _apply_encounters(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    with_hospital: list[tuple[Reading, _WithHospital]] = []
    for entry, record in items:
        assert isinstance(record, EncounterRecord)
        hospital_id = unit.resolve(entry, record.hospital, "Encounter.serviceProvider")
        if hospital_id is not None:
            with_hospital.append((entry, _WithHospital(record, hospital_id)))
    matched = _add_rows(
        unit,
        "Encounter",
        with_hospital,
        HospitalAdmission,
        ("person_id", "hospital_id", "admitted_on"),
        ("person_id", "hospital_id", "method", "encounter_class", "admitted_on", "discharged_on"),
        lambda r, p: (
            p,
            r.hospital_id,
            r.record.method,
            r.record.encounter_class,
            r.record.admitted_on,
            r.record.discharged_on,
        ),
        lambda r, p: (p, r.hospital_id, r.record.admitted_on),
    )
    # A discharge for a stay OneTeam has as an admission completes it (one query finds the open stays).
    discharges = {pk: wrapped.record.discharged_on for wrapped, pk, _person in matched if wrapped.record.discharged_on}
    still_in = HospitalAdmission.objects.filter(pk__in=discharges, discharged_on__isnull=True).values_list(
        "pk", flat=True
    )
    for pk in still_in:
        HospitalAdmission.objects.filter(pk=pk).update(discharged_on=discharges[pk])


@dataclass(frozen=True)
class _WithHospital:
    """An encounter with its hospital resolved; `subject` is the encounter's."""

    record: EncounterRecord
    hospital_id: int

    @property
    def subject(self) -> Ref:
        return self.record.subject


def _apply_medications(unit: _Unit, items: Sequence[tuple[Reading, Record]]) -> None:
    resource_type = "MedicationRequest"
    resolved = _subjects(unit, items, f"{resource_type}.subject")
    person_ids = {person_id for _entry, _record, person_id in resolved}
    existing = set(RepeatMedication.objects.filter(person_id__in=person_ids).values_list("person_id", "code"))
    new: dict[tuple[int, str], RepeatMedication] = {}
    for entry, record, person_id in resolved:
        assert isinstance(record, MedicationRecord)
        identity = (person_id, record.code)
        fresh = identity not in existing and identity not in new
        if fresh:
            new[identity] = RepeatMedication(person_id=person_id, code=record.code)
            unit.changed[person_id][resource_type] += 1
        unit.register(entry, resource_type, person_id, "created" if fresh else "matched")
    RepeatMedication.objects.bulk_create(new.values())
    counts = (
        RepeatMedication.objects.filter(person_id__in={person_id for person_id, _code in new})
        .values("person_id")
        .annotate(total=Count("pk"))
        .values_list("person_id", "total")
    )
    for person_id, total in counts:
        if people_services.raise_repeat_medicine_count(person_id=person_id, total=total):
            unit.recounted.add(person_id)


_APPLY: dict[str, Callable[[_Unit, Sequence[tuple[Reading, Record]]], None]] = {
    "Organization": _apply_organizations,
    "Practitioner": _apply_practitioners,
    "Patient": _apply_patients,
    "RelatedPerson": _apply_contacts,
    "Condition": _apply_conditions,
    "Encounter": _apply_encounters,
    "Flag": _apply_flags,
    "AllergyIntolerance": _apply_allergies,
    "MedicationRequest": _apply_medications,
}
