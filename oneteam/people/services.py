"""Every change to a person's own record (the `Person` row). Callers have already asked the access policy.

Kept apart so that no other app writes a person directly: `oneteam.writes` refuses
writes to `Person` from anywhere but a service.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import Person


@transaction.atomic
def add_people(people: Iterable[Person]) -> list[Person]:
    """Store new people in one insert (an import's new residents); their ids are set on return."""
    return Person.objects.bulk_create(people)


@transaction.atomic
def raise_repeat_medicine_count(*, person_id: int, total: int) -> bool:
    """Set how many repeat medicines a person has, only ever upwards; True if it changed.

    Never lowered: an import may not mention every repeat medicine OneTeam already knows of.
    """
    return bool(
        Person.objects.filter(pk=person_id, repeat_medication_count__lt=total).update(repeat_medication_count=total)
    )
