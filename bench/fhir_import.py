"""Benchmark: import NDJSON into PostgreSQL through `import_fhir` and print resources per second.

Not a test. It replaces any city in the database named by DATABASE_URL (deleting
its staff and audit trail), so point it at a scratch database, never the shared
benchmark city:

    psql -h 127.0.0.1 -U postgres -c 'create database oneteam_fhirbench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_fhirbench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_fhirbench .venv/bin/python bench/fhir_import.py

Steps: generate a city of `--residents` people and write its people's records
as NDJSON (one file per resource type, as `export_fhir` writes them); replace it
with the same city's organisation map and no residents, as a new OneTeam
install would hold; then time importing the files, and importing them again
(which must create nothing).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from oneteam.fhir import queries  # noqa: E402
from oneteam.fhir.reading import Entry, read_entry  # noqa: E402
from oneteam.fhir.registry import DIRECTORY_TYPES, EXCHANGE_TYPES, PERSON_RESOURCES  # noqa: E402
from oneteam.fhir.services.importing import Importer, ImportReport  # noqa: E402
from oneteam.people.models import Person  # noqa: E402
from oneteam.synthetic.city import generate_city  # noqa: E402

CHUNK = 2000


def write_ndjson(out: Path) -> int:
    """Write the city's records as NDJSON straight from the rows (synthetic data: no one's record is read)."""
    written = 0
    for kind in DIRECTORY_TYPES:
        with (out / f"{kind}.ndjson").open("w") as file:
            for row in queries.directory_rows(kind).iterator(chunk_size=CHUNK):
                file.write(json.dumps(queries.render_directory(kind, row)) + "\n")
                written += 1
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for person_kind in (PERSON_RESOURCES[name] for name in EXCHANGE_TYPES if name in PERSON_RESOURCES):
        name = person_kind.resource_type
        with (out / f"{name}.ndjson").open("w") as file:
            for start in tqdm(range(0, len(ids), CHUNK), desc=f"Writing {name}", leave=False):
                for resource in person_kind.by_people(ids[start : start + CHUNK]):
                    file.write(json.dumps(resource) + "\n")
                    written += 1
    return written


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the validation workers), not PostgreSQL's."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def copy_yardstick(rows: int) -> float:
    """Seconds PostgreSQL takes, now, to take `rows` condition-like rows with one COPY: what storing cannot beat."""
    day = datetime.date(2026, 1, 1)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE yardstick (person_id int, code text, day date) ON COMMIT DROP")
        with cursor.copy("COPY yardstick FROM STDIN") as copy:
            for row in range(rows):
                copy.write_row((row, "38341003", day))
    return time.perf_counter() - started


def validation_yardstick(path: Path, lines: int = 2000) -> float:
    """Resources per second `fhir.resources` validates (and OneTeam reads) on one core, now, from `path`."""
    with path.open("rb") as file:
        sample = [Entry(number, "", json.loads(line)) for number, line in zip(range(lines), file, strict=False)]
    started = time.perf_counter()
    for entry in sample:
        read_entry(entry)
    return len(sample) / (time.perf_counter() - started)


def import_files(folder: Path) -> tuple[ImportReport, float, float]:
    """Import the folder's files in dependency order, as `import_fhir` does.

    Returns the report, the seconds taken and the CPU seconds Python used: on a shared, busy
    machine the second says how fast the import would go with its cores to itself.
    """
    importer = Importer(username="bench")
    paths = [folder / f"{kind}.ndjson" for kind in EXCHANGE_TYPES if (folder / f"{kind}.ndjson").exists()]
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    total = sum(len(path.read_bytes().splitlines()) for path in paths)
    with tqdm(total=total, desc="Importing", unit="resource", leave=False) as bar:
        importer.import_ndjson_files(paths, on_progress=bar.update)
    return importer.report, time.perf_counter() - started, _cpu_seconds() - cpu_started


def main() -> None:
    """Parse the options, prepare the files and the empty install, time two imports and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args()
    if settings.PRODUCTION:
        sys.exit("Refusing to run in production: this benchmark deletes the city it finds.")
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a scratch PostgreSQL database (see the module docstring).")
    as_of = datetime.date(2026, 11, 23)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        generate_city(residents=options.residents, seed=options.seed, as_of=as_of, replace=True, progress=True)
        resources = write_ndjson(out)
        # The same seed gives the same map (organisations, areas, staff) with nobody living in it.
        generate_city(residents=0, seed=options.seed, as_of=as_of, replace=True)
        first, first_seconds, first_cpu = import_files(out)
        second, second_seconds, second_cpu = import_files(out)
        # Yardsticks measured in the same run, so a busy machine shows in them too.
        copy_seconds = copy_yardstick(resources)
        validated = {kind: validation_yardstick(out / f"{kind}.ndjson") for kind in ("Patient", "Condition")}
    if first.errors or second.errors or sum(second.created.values()):
        sys.exit(f"The import did not go cleanly: {first.as_json()['errors'][:3]} {second.as_json()['created']}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    load = os.getloadavg()[0]
    print(f"FHIR NDJSON import, {options.residents:,} residents, {resources:,} resources ({version}, load {load:.1f})")
    for label, report, seconds, cpu in (
        ("first import", first, first_seconds, first_cpu),
        ("re-import", second, second_seconds, second_cpu),
    ):
        taken = sum(report.imported.values())
        rate, new = taken / seconds, sum(report.created.values())
        print(f"  {label}: {taken:,} resources in {seconds:.1f} s = {rate:,.0f} resources/s, {new:,} new")
        print(f"    Python CPU {cpu:.1f} s = {taken / cpu:,.0f} resources per CPU-second")
    print("  new rows by type: " + ", ".join(f"{k} {v:,}" for k, v in sorted(first.created.items())))
    print(
        f"  yardstick: COPY of {resources:,} three-column rows in {copy_seconds:.1f} s = "
        f"{resources / copy_seconds:,.0f} rows/s"
    )
    print(
        "  yardstick: validation and reading on one core, "
        + ", ".join(f"{kind} {rate:,.0f}/s" for kind, rate in validated.items())
        + f" (load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
