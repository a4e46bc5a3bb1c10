"""The whole-population run and the one-person recompute, on the real database."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import AdmissionMethod, HospitalAdmission, Person, RelatedPerson
from oneteam.referrals.models import Outcome
from oneteam.referrals.services import close_referral
from oneteam.referrals.tests.factories import make_referral
from oneteam.risk import priority, queries
from oneteam.risk.models import PersonDeficit, PersonRisk, PriorityWeights, StratificationRun
from oneteam.risk.services import stratify
from oneteam.synthetic import codes as C

from .conftest import AS_OF, YOUNGER, code, resident

pytestmark = pytest.mark.django_db

# Ten deficits, each from one code.
TEN = (
    C.HEART_FAILURE,
    C.FALLS,
    C.DEMENTIA,
    C.COPD,
    C.ATRIAL_FIBRILLATION,
    C.CHRONIC_KIDNEY_DISEASE,
    C.HYPERTENSION,
    C.URINARY_INCONTINENCE,
    C.HEARING_LOSS,
    C.OSTEOPOROSIS,
)


def risk_of(person: Person) -> PersonRisk:
    run = queries.current_run()
    return PersonRisk.objects.get(run=run, person=person)


def deficits_of(person: Person) -> set[str]:
    return set(PersonDeficit.objects.filter(run=queries.current_run(), person=person).values_list("deficit", flat=True))


def test_a_deficit_matched_by_several_codes_counts_once(home: Neighbourhood) -> None:
    person = resident(home)
    code(person, C.OSTEOARTHRITIS, C.RHEUMATOID_ARTHRITIS, C.GOUT, C.HEART_FAILURE)
    stratify.run(as_of=AS_OF)
    assert deficits_of(person) == {"arthritis", "heart_failure"}
    assert risk_of(person).deficits == 2


def test_living_alone_counts_once_as_social_vulnerability_whether_flagged_coded_or_both(home: Neighbourhood) -> None:
    both = resident(home, lives_alone=True)
    code(both, C.Concept("105529008", "Lives alone"))
    stratify.run(as_of=AS_OF)
    assert deficits_of(both) == {"social_vulnerability"}


def test_under_65s_get_no_efi_but_still_get_their_admission_facts(home: Neighbourhood) -> None:
    person = resident(home, date_of_birth=YOUNGER, repeat_medication_count=9, lives_alone=True)
    code(person, *TEN)
    stratify.run(as_of=AS_OF)
    risk = risk_of(person)
    assert (risk.deficits, risk.category, risk.age_band) == (None, "", "18-64")
    assert deficits_of(person) == set()
    assert risk.lives_alone and risk.priority > 0


@pytest.mark.parametrize(("medicines", "deficits"), [(4, set()), (5, {"polypharmacy"})])
def test_polypharmacy_counts_at_5_repeat_medicines_and_not_at_4(
    home: Neighbourhood, medicines: int, deficits: set[str]
) -> None:
    person = resident(home, repeat_medication_count=medicines)
    stratify.run(as_of=AS_OF)
    assert deficits_of(person) == deficits


def test_ten_deficits_make_moderate_frailty_and_thirteen_severe(home: Neighbourhood) -> None:
    moderate, severe = resident(home), resident(home, repeat_medication_count=6, lives_alone=True)
    code(moderate, *TEN)
    code(severe, *TEN, C.PARKINSONS_DISEASE)
    stratify.run(as_of=AS_OF)
    assert (risk_of(moderate).deficits, risk_of(moderate).category) == (10, "moderate")
    assert (risk_of(severe).deficits, risk_of(severe).category) == (13, "severe")


def _admit(person: Person, method: str, admitted_on: datetime.date, nights: int | None) -> None:
    assert person.gp_practice is not None
    HospitalAdmission.objects.create(
        person=person,
        hospital=person.gp_practice,
        method=method,
        admitted_on=admitted_on,
        discharged_on=admitted_on + datetime.timedelta(days=nights) if nights is not None else None,
    )


def test_admission_facts_count_emergency_stays_in_the_last_12_months_and_their_nights(home: Neighbourhood) -> None:
    person = resident(home)
    _admit(person, AdmissionMethod.NON_ELECTIVE, AS_OF - datetime.timedelta(days=200), 5)
    _admit(person, AdmissionMethod.NON_ELECTIVE, AS_OF - datetime.timedelta(days=3), None)  # still in: 3 nights so far
    _admit(person, AdmissionMethod.NON_ELECTIVE, AS_OF - datetime.timedelta(days=400), 20)  # too long ago
    _admit(person, AdmissionMethod.ELECTIVE, AS_OF - datetime.timedelta(days=50), 2)  # planned
    stratify.run(as_of=AS_OF)
    risk = risk_of(person)
    assert (risk.emergency_admissions, risk.bed_days) == (2, 8)


def test_carer_deprivation_and_a_recent_fall_are_recorded_as_facts(home: Neighbourhood) -> None:
    person = resident(home, decile=2)
    RelatedPerson.objects.create(person=person, name="Sam", relationship="Daughter", is_carer=True)
    code(person, C.FALLS, recorded_on=AS_OF - datetime.timedelta(days=30))
    long_ago = resident(home, decile=9)
    code(long_ago, C.FALLS, recorded_on=AS_OF - datetime.timedelta(days=800))
    stratify.run(as_of=AS_OF)
    assert (risk_of(person).has_carer, risk_of(person).imd_decile, risk_of(person).recent_fall) == (True, 2, True)
    assert (risk_of(long_ago).has_carer, risk_of(long_ago).recent_fall) == (False, False)
    assert "falls" in deficits_of(long_ago), "a fall at any time is an eFI deficit"


def test_known_to_the_team_means_an_open_referral_episode_or_care_team_relationship(
    home: Neighbourhood, matron: Staff
) -> None:
    referred, closed, in_care_team, unknown = (resident(home) for _ in range(4))
    make_referral(home, person=referred)
    referral = make_referral(home, person=closed)
    owner = make_staff(home, profession=Profession.CARE_COORDINATOR)
    owner.teams.add(referral.owner_team)  # type: ignore[arg-type]
    close_referral(actor=owner, referral=referral, outcome=Outcome.NO_FURTHER_ACTION)
    join_care_team(actor=None, person=in_care_team, staff=matron, role=CareRole.ALLOCATED_PROFESSIONAL)
    stratify.run(as_of=AS_OF)
    known = {p.pk: risk_of(p).known_to_team for p in (referred, closed, in_care_team, unknown)}
    assert known == {referred.pk: True, closed.pk: False, in_care_team.pk: True, unknown.pk: False}


def test_a_run_records_when_with_which_code_list_and_how_long_and_replaces_the_previous_rows(
    home: Neighbourhood,
) -> None:
    person = resident(home)
    first = stratify.run(as_of=AS_OF)
    code(person, *TEN)
    second = stratify.run(as_of=AS_OF)
    assert second.finished_at is not None and second.seconds is not None and second.seconds >= 0
    assert (second.codelist_version, second.as_of, second.people_scored, second.people_with_efi) == (
        "efi-v1",
        AS_OF,
        1,
        1,
    )
    assert queries.current_run() == second
    assert not PersonRisk.objects.filter(run=first).exists()
    assert not PersonDeficit.objects.filter(run=first).exists()
    assert (risk_of(person).previous_category, risk_of(person).category) == ("fit", "moderate")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's (SQLite deletes rows)")
def test_on_postgresql_each_run_has_its_own_indexed_partitions_and_the_previous_ones_are_dropped(
    home: Neighbourhood,
) -> None:
    person = resident(home)
    assert person.gp_practice is not None
    PersonRisk.objects.create(  # a row written outside any run (as a test fixture would) lands in the default
        run=StratificationRun.objects.create(started_at=timezone.now(), as_of=AS_OF, codelist_version="efi-v1"),
        person=person,
        practice_neighbourhood=home,
        ward_neighbourhood=home,
        gp_practice=person.gp_practice,
        ethnic_category="A",
        age_band="85+",
        category="fit",
        emergency_admissions=0,
        bed_days=0,
        lives_alone=False,
        has_carer=False,
        imd_decile=5,
        recent_fall=False,
        known_to_team=False,
        priority=0,
    )
    stratify.run(as_of=AS_OF)
    second = stratify.run(as_of=AS_OF)
    for table in ("risk_personrisk", "risk_persondeficit"):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, (SELECT COUNT(*) FROM pg_index x WHERE x.indrelid = c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
                [table],
            )
            partitions = dict(cursor.fetchall())
        indexes = 3 if table == "risk_personrisk" else 1
        assert partitions == {f"{table}_default": indexes, f"{table}_run_{second.pk}": indexes}
    assert set(PersonRisk.objects.values_list("run_id", flat=True)) == {second.pk}


def test_the_dead_are_not_scored(home: Neighbourhood) -> None:
    resident(home, date_of_death=datetime.date(2025, 1, 1))
    assert stratify.run(as_of=AS_OF).people_scored == 0


def test_restratify_person_recomputes_only_that_person_and_keeps_their_previous_category(home: Neighbourhood) -> None:
    person, other = resident(home), resident(home)
    stratify.run(as_of=AS_OF)
    code(person, *TEN)
    code(other, *TEN)
    risk = stratify.restratify_person(person)
    assert risk is not None
    assert (risk.deficits, risk.category, risk.previous_category) == (10, "moderate", "fit")
    assert risk_of(other).deficits == 0, "only the person asked about is recomputed"
    assert StratificationRun.objects.count() == 1


def test_restratify_person_before_any_run_does_nothing(home: Neighbourhood) -> None:
    assert stratify.restratify_person(resident(home)) is None


def test_the_sql_priority_is_the_sum_of_the_points_shown_with_each_neighbourhoods_own_weights(
    home: Neighbourhood,
) -> None:
    elsewhere = make_neighbourhood()
    people = [
        resident(home, decile=1, lives_alone=True),
        resident(elsewhere, repeat_medication_count=7),
        resident(home, date_of_birth=YOUNGER),
    ]
    code(people[0], *TEN)
    _admit(people[1], AdmissionMethod.NON_ELECTIVE, AS_OF - datetime.timedelta(days=40), 16)
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    own = priority.Weights(emergency_admission=7, lives_alone=9, moderate_frailty=11, not_known=0)
    PriorityWeights.objects.create(
        neighbourhood=home, version=1, created_at=lead.date_joined, created_by=lead, change_note="Test", **own.__dict__
    )
    stratify.run(as_of=AS_OF)
    for person in people:
        risk = risk_of(person)
        weights = own if person.practice_neighbourhood_id == home.pk else priority.DEFAULT
        assert risk.priority == priority.total(risk, weights)
    assert risk_of(people[0]).priority == 9 + 2 + 11  # lives alone, most deprived (default 2), moderate frailty
    # Default weights elsewhere: one emergency admission, two full weeks in, not known to the team.
    assert risk_of(people[1]).priority == 3 + 2 + 2
    assert risk_of(people[2]).priority == 0, "this neighbourhood gives no points for not being known"
