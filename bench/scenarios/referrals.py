"""Referral pages on a city with a referral history: the front door's triage queue."""

from __future__ import annotations

from functools import partial

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from bench.scenarios import PageRequest, PageScenario
from oneteam.organisations.models import Profession, Staff, Team
from oneteam.people.models import Person
from oneteam.referrals.models import Referral, State
from oneteam.referrals.queries import QUEUE_PAGE_SIZE
from oneteam.referrals.synthetic import generate_referral_history
from oneteam.synthetic.city import format_report

# On the 550,000-resident city: 40,000 open and 60,000 closed referrals; smaller cities get the same share.
OPEN_PER_RESIDENT = 40_000 / 550_000
CLOSED_PER_RESIDENT = 60_000 / 550_000
HISTORY_SEED = 1


def _ensure_history() -> int:
    """Add the referral history if the city has none; return how many referrals are open."""
    if not Referral.objects.exists():
        residents = Person.objects.count()
        opened, closed = round(residents * OPEN_PER_RESIDENT), round(residents * CLOSED_PER_RESIDENT)
        print(f"Adding {opened:,} open and {closed:,} closed referrals to the city…")
        report = generate_referral_history(
            open_referrals=opened,
            closed_referrals=closed,
            seed=HISTORY_SEED,
            now=timezone.now(),
            progress=True,
        )
        for line in format_report(report):
            print(line)
    return Referral.objects.exclude(state=State.CLOSED).count()


def triage_queue(last_page: bool = False) -> PageRequest:
    """A page of the busiest front-door queue (the first, or the last), as one of its care coordinators sees it."""
    open_referrals = _ensure_history()
    waiting = Count("referrals", filter=~Q(referrals__state=State.CLOSED))
    team = Team.objects.filter(takes_referrals=True).annotate(waiting=waiting).order_by("-waiting", "pk").first()
    if team is None:
        raise SystemExit("The city has no front-door team: generate the city first (bench/generate_city.py).")
    staff = Staff.objects.filter(teams=team, profession=Profession.CARE_COORDINATOR).order_by("pk").first()
    if staff is None:
        raise SystemExit(f"{team.name} has no care coordinator to work its queue.")
    path = reverse("referrals:queue", args=[team.pk])
    if last_page:
        path += f"?page={-(-team.waiting // QUEUE_PAGE_SIZE)}"
    return PageRequest(
        staff=staff,
        path=path,
        data_size=f"{open_referrals:,} open referrals in the city, {team.waiting:,} in this queue",
    )


def busiest_inbox() -> PageRequest:
    """The inbox of the professional holding the most open referrals: the landing page after sign-in."""
    _ensure_history()
    held = Count("referrals_owned", filter=~Q(referrals_owned__state=State.CLOSED))
    staff = Staff.objects.annotate(held=held).order_by("-held", "pk").first()
    assert staff is not None
    return PageRequest(
        staff=staff,
        path=reverse("workspace:inbox"),
        data_size=f"{staff.held:,} open referrals held by this professional",
    )


def scenarios() -> list[PageScenario]:
    """The referral pages the benchmark times."""
    return [
        PageScenario(name="inbox", target_p95_ms=150, prepare=busiest_inbox),
        PageScenario(name="triage queue", target_p95_ms=150, prepare=triage_queue),
        PageScenario(name="triage queue, last page", target_p95_ms=150, prepare=partial(triage_queue, last_page=True)),
    ]
