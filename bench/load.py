"""Load test: simulated staff against production-style OneTeam (gunicorn, PostgreSQL) on this machine.

Not a test. It gives 50 synthetic staff of the city in DATABASE_URL a known
password, writes each one's plan of work (people to look up, their queue, offers
to accept), starts OneTeam with `scripts/serve.sh` on loopback, runs Locust
headless for a bounded time, prints the table of results and stops the server.
It changes the city (passwords, and the referral steps the users take), so point
it at a benchmark database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oneteam_bench .venv/bin/python bench/load.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneteam.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.urls import reverse  # noqa: E402
from tqdm import tqdm  # noqa: E402

from oneteam.access.models import CareTeamMembership  # noqa: E402
from oneteam.care.models import CarePlan  # noqa: E402
from oneteam.organisations.models import Profession, Staff, Team  # noqa: E402
from oneteam.people.models import Person  # noqa: E402
from oneteam.referrals.models import HandoverOffer, OfferStatus, Referral, State  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load"
# Professions who work referrals and sign in with a password alone (two-factor is for IG and admin roles).
WORKERS = (
    Profession.DISTRICT_NURSE,
    Profession.SOCIAL_WORKER,
    Profession.CARE_COORDINATOR,
    Profession.COMMUNITY_MATRON,
    Profession.OCCUPATIONAL_THERAPIST,
    Profession.PHYSIOTHERAPIST,
    Profession.MENTAL_HEALTH_NURSE,
)
PEOPLE_PER_USER = 40
# Care plans each simulated member of staff may update, and referrals each may triage.
PLANS_PER_USER = 10
TRIAGES_PER_USER = 10


def plan_work(users: int) -> list[dict[str, object]]:
    """Choose the staff, set their password, and list what each will do."""
    password = secrets.token_urlsafe(16)
    held = Count("referrals_owned", filter=Q(referrals_owned__state=State.ALLOCATED))
    chosen = list(
        Staff.objects.filter(profession__in=WORKERS, is_active=True, teams__takes_referrals=True)
        .annotate(held=held)
        .order_by("-held", "pk")[:users]
    )
    if len(chosen) < users:
        sys.exit(f"Only {len(chosen)} suitable staff in this city; generate the city first (bench/generate_city.py).")
    plans: list[dict[str, object]] = []
    # Referrals waiting to be matched to a record, shared out so two users never triage the same one.
    claimed: set[int] = set()
    for staff in tqdm(chosen, desc="Preparing staff", unit="staff"):
        staff.set_password(password)
        staff.save(update_fields=["password"])
        team = Team.objects.filter(members=staff, takes_referrals=True).first()
        assert team is not None
        nhs_numbers = list(
            Person.objects.filter(practice_neighbourhood=team.neighbourhood)
            .order_by("?")
            .values_list("nhs_number", flat=True)[:PEOPLE_PER_USER]
        )
        offers = list(
            HandoverOffer.objects.filter(to_staff=staff, status=OfferStatus.PENDING).values_list("referral", "pk")
        )
        first_contacts = list(
            Referral.objects.filter(owner_staff=staff, state=State.ALLOCATED).values_list("pk", flat=True)[:20]
        )
        care_plans = list(
            CarePlan.objects.filter(
                person__in=CareTeamMembership.objects.filter(staff=staff, ended_at__isnull=True).values("person")
            ).values_list("person", flat=True)[:PLANS_PER_USER]
        )
        to_triage = list(
            Referral.objects.filter(owner_team=team, state=State.RECEIVED)
            .exclude(nhs_number="")
            .exclude(pk__in=claimed)
            .filter(nhs_number__in=Person.objects.values("nhs_number"))
            .values_list("pk", "nhs_number")[:TRIAGES_PER_USER]
        )
        claimed.update(pk for pk, _number in to_triage)
        plans.append(
            {
                "username": staff.username,
                "password": password,
                "queue": reverse("referrals:queue", args=[team.pk]),
                "nhs_numbers": nhs_numbers,
                "offers": offers,
                "first_contacts": first_contacts,
                "care_plans": care_plans,
                "to_triage": to_triage,
            }
        )
    return plans


def _wait_until_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    sys.exit(f"OneTeam did not answer {url} within {seconds:.0f} seconds; see {OUT / 'server.log'}")


def _print_table(stats_file: Path) -> bool:
    """Print Locust's per-request figures; True if there were no failures and p95 met the target."""
    rows = list(csv.DictReader(stats_file.open()))
    print(f"{'request':<40}{'count':>8}{'fails':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'req/s':>8}")
    for row in rows:
        print(
            f"{row['Name'][:39]:<40}{row['Request Count']:>8}{row['Failure Count']:>7}{row['50%']:>9}"
            f"{row['95%']:>9}{row['99%']:>9}{float(row['Max Response Time']):>9.0f}{float(row['Requests/s']):>8.1f}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return int(total["Failure Count"]) == 0 and float(total["95%"]) < 300


def main() -> None:
    """Prepare, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8077)
    options = parser.parse_args()
    if settings.PRODUCTION or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Run against a PostgreSQL benchmark database (DATABASE_URL), not production.")
    OUT.mkdir(parents=True, exist_ok=True)
    plan = OUT / "plan.json"
    plan.write_text(json.dumps(plan_work(options.users)))
    host = f"127.0.0.1:{options.port}"
    environment = {
        **os.environ,
        "ONETEAM_ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": host,
        "WEB_CONCURRENCY": str(options.workers),
        "LOG_LEVEL": "WARNING",
    }
    with (OUT / "server.log").open("w") as log:
        server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=environment, stdout=log, stderr=log)
        try:
            _wait_until_up(f"http://{host}/healthz", seconds=180)
            # A long-running server has compiled its templates and opened its database connections in every
            # worker; the first requests after a start would otherwise be timed doing that.
            warm_up = urllib.request.Request(f"http://{host}/sign-in/", headers={"X-Forwarded-Proto": "https"})
            for _ in range(options.workers * 10):
                urllib.request.urlopen(warm_up, timeout=30).close()  # noqa: S310 - our own loopback server
            print(f"OneTeam is serving on {host} with {options.workers} workers; {options.users} staff for "
                  f"{options.minutes:g} minutes…")  # fmt: skip
            subprocess.run(
                [
                    sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "--only-summary",
                    "--users", str(options.users), "--spawn-rate", "5", "--run-time", f"{int(options.minutes * 60)}s",
                    "--host", f"http://{host}", "--csv", str(OUT / "run"), "--loglevel", "WARNING",
                ],
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(plan)},
                check=False,
            )  # fmt: skip
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    met = _print_table(OUT / "run_stats.csv")
    print("Target (no errors, p95 under 300 ms): " + ("met" if met else "MISSED"))


if __name__ == "__main__":
    main()
