"""Finding a person and reading their record, as the key worker of someone on the team's caseload."""

from __future__ import annotations

from django.urls import reverse

from bench.scenarios import PageRequest, PageScenario
from oneteam.people.models import Person
from oneteam.referrals.models import Episode


def _key_worker_and_person() -> tuple[Episode, int]:
    """The first open episode (its key worker and person) and how many people live in the city."""
    episode = Episode.objects.filter(closed_at=None).select_related("person", "key_worker").order_by("pk").first()
    if episode is None:
        raise SystemExit("Nobody in this city has an open episode: run the referral scenarios first.")
    return episode, Person.objects.count()


def search_by_nhs_number() -> PageRequest:
    """The search page, posted with an NHS number: how every visit starts."""
    episode, residents = _key_worker_and_person()
    return PageRequest(
        staff=episode.key_worker,
        path=reverse("people:search"),
        method="POST",
        data={"by": "nhs_number", "nhs_number": episode.person.nhs_number},
        data_size=f"{residents:,} residents",
    )


def search_by_name_and_birth_date() -> PageRequest:
    """The search page, posted with a family name and date of birth (for when the NHS number is not to hand)."""
    episode, residents = _key_worker_and_person()
    born = episode.person.date_of_birth
    return PageRequest(
        staff=episode.key_worker,
        path=reverse("people:search"),
        method="POST",
        data={
            "by": "name",
            "family_name": episode.person.family_name,
            "dob_day": str(born.day),
            "dob_month": str(born.month),
            "dob_year": str(born.year),
        },
        data_size=f"{residents:,} residents",
    )


def person_record() -> PageRequest:
    """The person's record, opened by their key worker (who may see the most of it)."""
    episode, residents = _key_worker_and_person()
    return PageRequest(
        staff=episode.key_worker,
        path=reverse("people:summary", args=[episode.person_id]),
        data_size=f"{residents:,} residents",
    )


def scenarios() -> list[PageScenario]:
    """The person pages the benchmark times."""
    return [
        PageScenario(name="person search, NHS number", target_p95_ms=150, prepare=search_by_nhs_number),
        PageScenario(name="person search, name and DOB", target_p95_ms=150, prepare=search_by_name_and_birth_date),
        PageScenario(name="person record", target_p95_ms=150, prepare=person_record),
    ]
