"""Referral history for the synthetic city: open referrals in every state, and closed ones with outcomes.

Written after the city (`generate_city`) from what is in the database, so it
works on any city size. Like the city it is deterministic: the same seed,
moment and city give the same rows. Rows go straight to the tables through the
city's bulk `Writer`, so nothing here is audited: it is made-up history, not
anyone's use of a record. Every database rule still holds: one owner per
referral, one open episode per person, a key worker on every open episode, at
most one handover offer waiting per referral.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from django.db import connection, transaction
from tqdm import tqdm

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.organisations.models import Profession, Staff, Team
from oneteam.people.models import Person
from oneteam.synthetic.sampling import Weighted, chance, rng_for
from oneteam.synthetic.writer import Report, Row, Table, Writer, next_free_id

from .models import (
    Episode,
    EventKind,
    HandoverOffer,
    Need,
    OfferStatus,
    Outcome,
    Referral,
    ReferralEvent,
    Source,
    State,
    Urgency,
)
from .queries import SUITED_PROFESSIONS

REFERRAL = Table(
    Referral,
    (
        "id", "neighbourhood", "person", "given_name", "family_name", "date_of_birth", "nhs_number", "postcode",
        "contact_phone", "contact_email", "need", "need_detail", "urgency", "what_matters", "consent_to_share",
        "source", "referred_by", "referrer_name", "referrer_relationship", "received_at", "state",
        "state_changed_at", "first_contact_at", "closed_at", "outcome", "outcome_note", "owner_team", "owner_staff",
    ),
)  # fmt: skip
EVENT = Table(ReferralEvent, ("id", "referral", "at", "actor", "kind", "owner", "note"))
EPISODE = Table(Episode, ("id", "person", "neighbourhood", "opened_at", "closed_at", "key_worker"))
OFFER = Table(
    HandoverOffer, ("id", "referral", "offered_by", "offered_at", "to_staff", "note", "status", "decline_reason")
)
MEMBERSHIP = Table(CareTeamMembership, ("id", "person", "staff", "role", "started_at", "ended_at"))
TABLES = (REFERRAL, EVENT, EPISODE, OFFER, MEMBERSHIP)

NEEDS = Weighted(
    [
        (Need.FALLS, 18), (Need.WOUND_CARE, 16), (Need.PERSONAL_CARE, 14), (Need.CARER_STRESS, 8),
        (Need.LONELINESS, 8), (Need.HOUSING, 5), (Need.MENTAL_HEALTH, 10), (Need.END_OF_LIFE, 5),
        (Need.MEDICATION, 10), (Need.OTHER, 6),
    ]
)  # fmt: skip
URGENCIES = Weighted([(Urgency.URGENT, 10), (Urgency.SOON, 30), (Urgency.ROUTINE, 60)])
SOURCES = Weighted([(Source.STAFF, 70), (Source.SELF, 10), (Source.CARER, 10), (Source.HOSPITAL, 10)])
# Where an open referral has got to. Received and triaged ones wait in the team's queue.
OPEN_STATES = Weighted([(State.RECEIVED, 25), (State.TRIAGED, 15), (State.ALLOCATED, 25), (State.IN_PROGRESS, 35)])
OUTCOMES = Weighted(
    [
        (Outcome.SUPPORTED, 60), (Outcome.SIGNPOSTED, 15), (Outcome.NO_FURTHER_ACTION, 12),
        (Outcome.DECLINED_BY_PERSON, 10), (Outcome.DIED, 3),
    ]
)  # fmt: skip
WHAT_MATTERS = (
    "Staying in my own home.",
    "Getting out to the shops on my own again.",
    "Seeing my grandchildren on Sundays.",
    "Not going back into hospital.",
    "Being able to look after my husband.",
    "Getting back to the allotment.",
    "Sleeping through the night without pain.",
    "Going to church.",
    "",
)
CARER_RELATIONSHIPS = ("Daughter", "Son", "Wife", "Husband", "Neighbour", "Friend")
# Average hours from allocation to first contact, against targets of 2 hours, 2 days and 2 weeks.
FIRST_CONTACT_MEAN_HOURS = {Urgency.URGENT: 1.0, Urgency.SOON: 20.0, Urgency.ROUTINE: 120.0}
# One in twenty referrals being worked on has a handover offer waiting for an answer.
PENDING_OFFER_CHANCE = 0.05
# Open referrals arrived in the last few weeks, most of them recently.
OPEN_MEAN_AGE_DAYS = 6.0
OPEN_MAX_AGE_DAYS = 45.0


class HistoryExistsError(Exception):
    """The database already holds referrals, and this generator only writes into an empty referral history."""


@dataclass(frozen=True)
class _Resident:
    id: int
    given_name: str
    family_name: str
    date_of_birth: datetime.date
    nhs_number: str
    postcode: str


@dataclass(frozen=True)
class _Professional:
    id: int
    in_words: str  # as `owner_in_words` puts it: "Name (Profession)"


@dataclass
class _Door:
    """One neighbourhood's front door: its team, the team's professionals by profession, and its residents."""

    neighbourhood_id: int
    team_id: int
    team_name: str
    staff: dict[str, list[_Professional]] = field(default_factory=dict)

    def anyone(self, rng: random.Random, *professions: str) -> _Professional:
        """A professional of one of `professions` (any care professional if the team has none of them)."""
        pool = [person for profession in professions for person in self.staff.get(profession, [])]
        if not pool:
            pool = [person for people in self.staff.values() for person in people]
        return pool[rng.randrange(len(pool))]


@dataclass
class _Ids:
    """The next primary key for each table, counting up from the first free one."""

    counters: dict[Table, Iterator[int]]

    def next(self, table: Table) -> int:
        return next(self.counters[table])


@dataclass
class _Rows:
    rows: dict[Table, list[Row]] = field(default_factory=lambda: {table: [] for table in TABLES})

    def add(self, table: Table, row: Row) -> None:
        self.rows[table].append(row)


def generate_referral_history(
    *, open_referrals: int, closed_referrals: int, seed: int, now: datetime.datetime, progress: bool = False
) -> Report:
    """Write `open_referrals` open and `closed_referrals` closed referrals, shared out between the front doors.

    Refuses (HistoryExistsError) if any referral exists already. One transaction.
    """
    started = time.perf_counter()
    with transaction.atomic():
        if Referral.objects.exists():
            raise HistoryExistsError("The database already holds referrals; the history is only added to none.")
        doors = _front_doors()
        writer = Writer(connection)
        if not doors:
            return writer.report
        ids = _Ids({table: count(next_free_id(table.model)) for table in TABLES})
        with tqdm(total=open_referrals + closed_referrals, unit=" referrals", disable=not progress) as bar:
            for number, door in enumerate(doors):
                rng = rng_for(seed, "referrals", door.neighbourhood_id)
                share_open = _share(open_referrals, len(doors), number)
                share_closed = _share(closed_referrals, len(doors), number)
                rows = _Rows()
                _write_door(rows, ids, door, rng, now, share_open, share_closed)
                for table in TABLES:
                    writer.write(table, rows.rows[table])
                bar.update(share_open + share_closed)
        writer.finish()
    writer.report.elapsed_seconds = time.perf_counter() - started
    return writer.report


def _share(total: int, parts: int, number: int) -> int:
    """Part `number` of `total` split into `parts` as evenly as whole numbers allow."""
    return total // parts + (1 if number < total % parts else 0)


def _front_doors() -> list[_Door]:
    doors = []
    for team in Team.objects.filter(takes_referrals=True, neighbourhood__isnull=False).order_by("pk"):
        assert team.neighbourhood_id is not None
        door = _Door(neighbourhood_id=team.neighbourhood_id, team_id=team.pk, team_name=team.name)
        for staff in Staff.objects.filter(teams=team, is_active=True).order_by("pk"):
            professional = _Professional(staff.pk, f"{staff.get_full_name()} ({staff.get_profession_display()})")
            door.staff.setdefault(staff.profession, []).append(professional)
        doors.append(door)
    return doors


def _residents(door: _Door) -> list[_Resident]:
    fields = ("pk", "given_name", "family_name", "date_of_birth", "nhs_number", "postcode")
    rows = Person.objects.filter(practice_neighbourhood_id=door.neighbourhood_id).order_by("pk").values_list(*fields)
    return [_Resident(*row) for row in rows]


def _older_first(residents: list[_Resident], rng: random.Random, wanted: int, today: datetime.date) -> list[_Resident]:
    """`wanted` different residents, older people far more likely (weighted sampling without replacement)."""

    def weight(resident: _Resident) -> float:
        age = (today - resident.date_of_birth).days / 365.25
        return 1.0 + 4.0 * (age >= 65) + 6.0 * (age >= 80)

    keyed = sorted(residents, key=lambda resident: rng.random() ** (1.0 / weight(resident)), reverse=True)
    return keyed[:wanted]


def _write_door(
    rows: _Rows, ids: _Ids, door: _Door, rng: random.Random, now: datetime.datetime, opened: int, closed: int
) -> None:
    residents = _residents(door)
    if not residents:
        return
    # Open referrals are for different people (a second would have been joined to the first).
    for resident in _older_first(residents, rng, opened, now.date()):
        age = datetime.timedelta(days=min(rng.expovariate(1 / OPEN_MEAN_AGE_DAYS), OPEN_MAX_AGE_DAYS))
        _story(rows, ids, door, rng, resident, received=now - age, now=now, end=OPEN_STATES.pick(rng))
    for _ in range(closed):
        resident = residents[rng.randrange(len(residents))]
        received = now - datetime.timedelta(days=rng.uniform(OPEN_MAX_AGE_DAYS, 365))
        _story(rows, ids, door, rng, resident, received=received, now=now, end=State.CLOSED)


def _later(rng: random.Random, after: datetime.datetime, before: datetime.datetime) -> datetime.datetime:
    """A moment between `after` and `before`, nearer the start."""
    return after + (before - after) * rng.random() ** 2


def _step_delay(rng: random.Random, stage: State, urgency: Urgency) -> datetime.timedelta:
    """How long a step took after the one before, in the way a busy team works: most on time, some late."""
    hours = {
        State.TRIAGED: rng.expovariate(1 / 6),
        State.ALLOCATED: rng.expovariate(1 / 24),
        # First contact, after allocation: mostly within the urgency's target, with a long tail of late ones.
        State.IN_PROGRESS: rng.expovariate(1 / FIRST_CONTACT_MEAN_HOURS[urgency]),
        State.CLOSED: rng.uniform(7 * 24, 90 * 24),
    }[stage]
    return datetime.timedelta(hours=hours)


def _story(
    rows: _Rows,
    ids: _Ids,
    door: _Door,
    rng: random.Random,
    resident: _Resident,
    *,
    received: datetime.datetime,
    now: datetime.datetime,
    end: State,
) -> None:
    """One referral from its arrival to `end`, with every step in its history."""
    referral_id = ids.next(REFERRAL)
    need, urgency, source = NEEDS.pick(rng), URGENCIES.pick(rng), SOURCES.pick(rng)
    referrer = door.anyone(rng, Profession.GP, Profession.DISTRICT_NURSE, Profession.SOCIAL_WORKER)
    coordinator = door.anyone(rng, Profession.CARE_COORDINATOR)
    owner = door.anyone(rng, *SUITED_PROFESSIONS[need])
    events: list[tuple[datetime.datetime, int | None, EventKind, str, str]] = [
        (received, referrer.id if source == Source.STAFF else None, EventKind.RECEIVED, door.team_name, "")
    ]
    moment = allocated_at = received
    stages = [State.TRIAGED, State.ALLOCATED, State.IN_PROGRESS, State.CLOSED]
    reached = stages[: stages.index(end) + 1] if end != State.RECEIVED else []
    first_contact = closed_at = None
    for stage in reached:
        # Never later than now: a step that would not have happened yet happened just now.
        moment = min(moment + _step_delay(rng, stage, urgency), now)
        if stage == State.TRIAGED:
            events.append((moment, coordinator.id, EventKind.TRIAGED, door.team_name, ""))
        elif stage == State.ALLOCATED:
            events.append((moment, coordinator.id, EventKind.ALLOCATED, owner.in_words, ""))
            allocated_at = moment
        elif stage == State.IN_PROGRESS:
            first_contact = moment
            events.append((moment, owner.id, EventKind.STARTED, owner.in_words, ""))
        else:
            closed_at = moment
            events.append((moment, owner.id, EventKind.CLOSED, owner.in_words, ""))
    held_by_staff = end in (State.ALLOCATED, State.IN_PROGRESS, State.CLOSED)
    outcome = OUTCOMES.pick(rng) if end == State.CLOSED else ""
    rows.add(
        REFERRAL,
        (
            referral_id, door.neighbourhood_id,
            # A self-referral waiting for triage is not yet matched to a record.
            None if end == State.RECEIVED and source == Source.SELF else resident.id,
            resident.given_name, resident.family_name, resident.date_of_birth,
            "" if source == Source.SELF else resident.nhs_number, resident.postcode, "", "",
            need, "", urgency, rng.choice(WHAT_MATTERS), True, source,
            referrer.id if source == Source.STAFF else None,
            f"{resident.given_name} {resident.family_name}" if source == Source.SELF else (
                "A relative" if source == Source.CARER else ""),
            rng.choice(CARER_RELATIONSHIPS) if source == Source.CARER else "",
            received, end, moment, first_contact, closed_at, outcome, "",
            None if held_by_staff else door.team_id, owner.id if held_by_staff else None,
        ),
    )  # fmt: skip
    for at, actor, kind, owner_words, note in events:
        rows.add(EVENT, (ids.next(EVENT), referral_id, at, actor, kind, owner_words, note))
    if held_by_staff:
        _episode(rows, ids, door, resident, owner, opened=allocated_at, closed=closed_at, outcome=outcome)
    if end in (State.ALLOCATED, State.IN_PROGRESS) and chance(rng, PENDING_OFFER_CHANCE):
        _pending_offer(rows, ids, door, rng, referral_id, owner, need, after=moment, now=now)


def _episode(
    rows: _Rows,
    ids: _Ids,
    door: _Door,
    resident: _Resident,
    key_worker: _Professional,
    *,
    opened: datetime.datetime,
    closed: datetime.datetime | None,
    outcome: str,
) -> None:
    """The episode of care an allocation opens, and the allocated professional's place on the care team."""
    if closed is not None and outcome != Outcome.SUPPORTED:
        return  # closed without the team taking the person on: no episode was needed
    rows.add(EPISODE, (ids.next(EPISODE), resident.id, door.neighbourhood_id, opened, closed, key_worker.id))
    for role in (CareRole.REFERRAL_OWNER, CareRole.KEY_WORKER):
        rows.add(MEMBERSHIP, (ids.next(MEMBERSHIP), resident.id, key_worker.id, role, opened, closed))


def _pending_offer(
    rows: _Rows,
    ids: _Ids,
    door: _Door,
    rng: random.Random,
    referral_id: int,
    owner: _Professional,
    need: Need,
    *,
    after: datetime.datetime,
    now: datetime.datetime,
) -> None:
    receiver = door.anyone(rng, *SUITED_PROFESSIONS[need])
    if receiver.id == owner.id:
        return
    offered_at = _later(rng, after, now)
    note = "Would you take this on? You know the person better than I do."
    rows.add(OFFER, (ids.next(OFFER), referral_id, owner.id, offered_at, receiver.id, note, OfferStatus.PENDING, ""))
    event_note = f"Offered to {receiver.in_words}: {note}"
    rows.add(EVENT, (ids.next(EVENT), referral_id, offered_at, owner.id, EventKind.OFFERED, owner.in_words, event_note))
