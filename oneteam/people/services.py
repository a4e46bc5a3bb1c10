"""Every change to a person's own record (the `Person` row and the facts kept with it, such as hospital stays).
Callers have already asked the access policy, and audit the change they make.

Kept apart so that no other app writes a person directly: `oneteam.writes` refuses
writes to `Person` from anywhere but a service, and a test refuses capability apps
writing people's models themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from oneteam.organisations.models import Organisation

from .models import HospitalAdmission, Person


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


@transaction.atomic
def record_hospital_stay(
    *,
    person: Person,
    hospital: Organisation,
    admitted_on: datetime.date,
    method: str,
    encounter_class: str,
    discharged_on: datetime.date | None = None,
) -> HospitalAdmission:
    """The person's stay at `hospital` that began on `admitted_on`, opened if new; closed on `discharged_on` if given.

    A stay already closed keeps its first discharge date: a repeated discharge message changes nothing.
    """
    stay, _ = HospitalAdmission.objects.get_or_create(
        person=person,
        hospital=hospital,
        admitted_on=admitted_on,
        defaults={"method": method, "encounter_class": encounter_class},
    )
    if discharged_on is not None and stay.discharged_on is None:
        stay.discharged_on = discharged_on
        stay.save(update_fields=["discharged_on"])
    return stay
