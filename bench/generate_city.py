"""Benchmark: generate the synthetic city into the database named by DATABASE_URL and report the speed.

Not a test. It replaces any city already in that database (deleting its staff
and audit trail), so point it at a database made for benchmarking, e.g.

    psql -h 127.0.0.1 -U postgres -c 'create database oneteam_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/generate_city.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from oneteam.synthetic.city import city_digest, format_report, generate_city  # noqa: E402


def main() -> None:
    """Parse the options, generate the city and print the measured figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=550_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--digest", action="store_true", help="also fingerprint the data (slow for a full city)")
    options = parser.parse_args()
    if settings.PRODUCTION:
        sys.exit("Refusing to run: the benchmark replaces the city, its staff and the audit trail.")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        (version,) = cursor.fetchone()
    print(f"Database: {connection.vendor}, {connection.settings_dict['NAME']}")
    print(f"Server:   {version}")
    print(f"City:     {options.residents:,} residents, seed {options.seed}, as of {options.as_of}")
    report = generate_city(
        residents=options.residents, seed=options.seed, as_of=options.as_of, replace=True, progress=True
    )
    for line in format_report(report):
        print(line)
    if options.digest:
        print(f"Digest:   {city_digest()}")


if __name__ == "__main__":
    main()
