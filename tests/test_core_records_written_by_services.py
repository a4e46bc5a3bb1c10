"""A person, a referral and a care plan refuse writes from anywhere but a service; audit events, from anywhere
but the audit trail's `append`."""

from __future__ import annotations

from typing import Any

import pytest

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.services import new_event, record_event
from oneteam.care.models import CarePlan
from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Referral
from oneteam.writes import WriteOutsideServices

pytestmark = pytest.mark.django_db


def run_as(module: str, code: str, **names: Any) -> None:
    """Run `code` as though it were written in `module` (a view, a command, a service)."""
    exec(code, {"__name__": module, **names})  # noqa: S102 - fixed test code, never input


@pytest.mark.parametrize(
    "code",
    [
        "person.save()",
        "person.delete()",
        "Person.objects.filter(pk=person.pk).update(given_name='Changed')",
        "Person.objects.filter(pk=person.pk).delete()",
        "Person.objects.bulk_update([person], ['given_name'])",
    ],
)
def test_a_view_that_writes_a_person_directly_is_refused_and_nothing_changes(code: str) -> None:
    person = make_person(make_neighbourhood())
    with pytest.raises(WriteOutsideServices, match=r"Person records are written only through services; "):
        run_as("oneteam.people.views", code, person=person, Person=Person)
    person.refresh_from_db()
    assert Person.objects.filter(pk=person.pk, given_name=person.given_name).exists()


@pytest.mark.parametrize("model", [Referral, CarePlan])
def test_referrals_and_care_plans_are_guarded_too(model: type[Referral] | type[CarePlan]) -> None:
    with pytest.raises(WriteOutsideServices):
        run_as("oneteam.mdt.views", "model.objects.filter(pk=0).update(pk=0)", model=model)


def test_a_service_may_write() -> None:
    person = make_person(make_neighbourhood())
    run_as(
        "oneteam.people.services",
        "Person.objects.filter(pk=person.pk).update(given_name='Changed')",
        person=person,
        Person=Person,
    )
    assert Person.objects.get(pk=person.pk).given_name == "Changed"


@pytest.mark.parametrize("module", ["oneteam.access.views.governance", "oneteam.access.services", "tests.test_x"])
def test_only_the_audit_trail_inserts_audit_events(module: str) -> None:
    """Even a service or a test: an event inserted around `append` would break the hash chain."""
    event = new_event(staff=None, action=AuditAction.SIGN_OUT)
    with pytest.raises(WriteOutsideServices, match=r"written only through oneteam.access.audit; "):
        run_as(module, "AuditEvent.objects.bulk_create([event])", AuditEvent=AuditEvent, event=event)
    assert not AuditEvent.objects.exists()
    record_event(staff=None, action=AuditAction.SIGN_OUT)
    assert AuditEvent.objects.count() == 1
