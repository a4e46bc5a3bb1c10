"""Bulk export: NDJSON files, one per resource type (FHIR bulk-data style), for what one API client may see.

The people exported are those the client's service account could find (its
teams' neighbourhoods, or people whose care team it is on); each person's every
category is put to the access policy and audited, and only allowed categories
are written. The organisation map, the staff directory and the assessment
templates hold no one's care record and are written whole.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import IO

from django.db.models import Q

from oneteam.access.models import AuditAction, DataCategory
from oneteam.access.services import authorise_reads, in_team_neighbourhoods, record_event
from oneteam.people.models import Person

from . import queries
from .models import ApiClient
from .registry import DIRECTORY_TYPES, EXCHANGE_TYPES, PERSON_FIELDS, PERSON_RESOURCES
from .resources import Json

CHUNK = 500


def people_in_scope(client: ApiClient) -> list[int]:
    """Ids of the people the client's service account works with, before the policy is asked about each."""
    staff = client.staff
    scope = in_team_neighbourhoods(staff) | Q(care_team__staff=staff)
    return list(Person.objects.filter(scope).order_by("pk").values_list("pk", flat=True).distinct())


def export_ndjson(
    client: ApiClient,
    out: Path,
    *,
    types: Iterable[str] = EXCHANGE_TYPES,
    on_progress: Callable[[int], object] | None = None,
) -> Counter[str]:
    """Write `<Type>.ndjson` into `out` for each of `types` with anything to write. Returns the count per type."""
    types = list(types)
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    files: dict[str, IO[str]] = {}

    def write(resource: Json) -> None:
        kind = resource["resourceType"]
        if kind not in files:
            files[kind] = (out / f"{kind}.ndjson").open("w", encoding="utf-8")
        files[kind].write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[kind] += 1

    try:
        for kind in DIRECTORY_TYPES:
            if kind in types:
                for row in queries.directory_rows(kind).iterator(chunk_size=CHUNK):
                    write(queries.render_directory(kind, row))
        kinds = [PERSON_RESOURCES[kind] for kind in types if kind in PERSON_RESOURCES]
        categories = list(dict.fromkeys(category for kind in kinds for category in kind.categories))
        ids = iter(people_in_scope(client))
        while chunk := list(islice(ids, CHUNK)):
            allowed = _allowed(client, chunk, categories)
            for person_kind in kinds:
                for category in person_kind.categories:
                    for resource in person_kind.by_people(allowed[category], [category]):
                        write(resource)
            if on_progress:
                on_progress(len(chunk))
    finally:
        for handle in files.values():
            handle.close()
    record_event(staff=client.staff, action=AuditAction.EXPORT, detail={"fhir_export": dict(sorted(counts.items()))})
    return counts


def _allowed(client: ApiClient, person_ids: list[int], categories: list[DataCategory]) -> dict[DataCategory, list[int]]:
    """For each category, the people in `person_ids` the policy lets the client see it for; every answer audited."""
    people = Person.objects.select_related(*PERSON_FIELDS).filter(pk__in=person_ids).order_by("pk")
    decisions = authorise_reads(
        staff=client.staff, people=people, categories=categories, purpose=queries.purpose_of(client)
    )
    return {
        category: [person_id for person_id, answers in decisions.items() if answers[category].allowed]
        for category in categories
    }
