"""Two people save the same version of a care plan at the same moment, on separate database connections."""

import threading

import pytest
from django.db import connection

from oneteam.care import services
from oneteam.care.models import CarePlan
from oneteam.care.seed import ensure_reference_data
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_two_simultaneous_saves_wins() -> None:
    ensure_reference_data()
    home = make_neighbourhood()
    person = make_person(home)
    first, second = make_staff(home), make_staff(home)
    version = services.update_plan_text(actor=first, person=person, expected_version=0, what_matters="Start").version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(staff: Staff, words: str) -> None:
        try:
            start.wait()
            services.update_plan_text(
                actor=Staff.objects.get(pk=staff.pk),
                person=Person.objects.get(pk=person.pk),
                expected_version=version,
                what_matters=words,
            )
            outcomes[words] = "saved"
        except services.StalePlan:
            outcomes[words] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=pair) for pair in ((first, "Garden"), (second, "Grandson"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(words for words, outcome in outcomes.items() if outcome == "saved")
    plan = CarePlan.objects.get(person=person)
    assert plan.what_matters == winner and plan.version == version + 1
    assert plan.changes.count() == 2
