"""Each measure on a small hand-made city, against figures worked out by hand (in the comments)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.care.models import Assessment, AssessmentStatus, AssessmentTemplate, CarePlan, Goal, GoalStatus
from oneteam.directory.models import Signpost, SignpostOutcome
from oneteam.directory.tests.factories import make_service
from oneteam.mdt import services as mdt
from oneteam.mdt.models import ActionStatus as MdtActionStatus
from oneteam.mdt.models import Attendance, MdtAction, Meeting
from oneteam.mdt.tests.factories import make_item, make_meeting
from oneteam.organisations.models import Neighbourhood, Organisation, Profession, Sector, Staff, Team
from oneteam.organisations.tests.factories import make_lsoa, make_neighbourhood, make_staff
from oneteam.outcomes.models import MeasureResult
from oneteam.outcomes.services import compute_measures
from oneteam.people.models import AdmissionMethod, EthnicCategory, HospitalAdmission, Person
from oneteam.people.tests.factories import make_person, make_person_outside_the_area
from oneteam.referrals.models import (
    DischargeHandover,
    Episode,
    HandoverOffer,
    HospitalEvent,
    HospitalEventKind,
    HospitalSystem,
    OfferStatus,
    Referral,
    Source,
    State,
    Urgency,
)
from oneteam.referrals.tests.factories import make_front_door
from oneteam.risk.models import MdtProposal
from oneteam.risk.services import PROACTIVE_REFERRAL_NOTE

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NE, ELECTIVE = AdmissionMethod.NON_ELECTIVE, AdmissionMethod.ELECTIVE


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def moment(days: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """`days` ago at the given time of day."""
    return timezone.make_aware(datetime.datetime.combine(days_ago(days), datetime.time(hour, minute)))


def city_figure(measure: str) -> tuple[float, float]:
    result = MeasureResult.objects.get(measure=measure, breakdown="all")
    return result.numerator, result.denominator


def admit(person: Person, method: str, admitted: int, discharged: int | None, hospital: Organisation) -> None:
    HospitalAdmission.objects.create(
        person=person,
        hospital=hospital,
        method=method,
        admitted_on=days_ago(admitted),
        discharged_on=None if discharged is None else days_ago(discharged),
    )


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def people(home: Neighbourhood) -> list[Person]:
    """Twelve living residents, and one who died before today (not counted as a resident)."""
    make_person(home, date_of_death=days_ago(100))
    return [make_person(home) for _ in range(12)]


@pytest.fixture
def hospital() -> Organisation:
    return Organisation.objects.create(name="City Hospital", ods_code="RXH", sector=Sector.ACUTE_HOSPITAL)


@pytest.fixture
def admissions(people: list[Person], hospital: Organisation) -> None:
    p = people
    admit(p[0], NE, 200, 197, hospital)  # 3 nights; back in unplanned 15 days later:
    admit(p[0], NE, 182, None, hospital)
    admit(p[1], NE, 150, 148, hospital)  # 2 nights; next unplanned admission 45 days later: not a readmission
    admit(p[1], NE, 103, None, hospital)
    admit(p[2], ELECTIVE, 120, 115, hospital)  # 5 nights; planned admission 10 days later: not counted
    admit(p[2], ELECTIVE, 105, None, hospital)
    admit(p[3], NE, 500, 498, hospital)  # before the year measured: counted nowhere
    admit(p[4], NE, 40, None, hospital)
    admit(p[5], NE, 10, None, hospital)


def test_unplanned_admissions_per_1000_residents(admissions: None) -> None:
    compute_measures(TODAY)
    # 6 unplanned admissions in the year (p0 twice, p1 twice, p4, p5) over 12 living residents.
    assert city_figure("non_elective_admissions") == (6, 12)
    result = MeasureResult.objects.get(measure="non_elective_admissions", breakdown="all")
    assert result.numerator / result.denominator * 1000 == 500


def test_bed_days_and_average_length_of_stay(admissions: None) -> None:
    compute_measures(TODAY)
    # Stays that ended in the year: 3 + 2 + 5 = 10 nights, over 3 discharges, for 12 residents.
    assert city_figure("bed_days") == (10, 12)
    assert city_figure("length_of_stay") == (10, 3)


def test_readmissions_within_30_days_count_only_unplanned_returns(admissions: None) -> None:
    compute_measures(TODAY)
    # Of the 3 discharges, only p0's was followed by an unplanned admission within 30 days.
    assert city_figure("readmissions_30_days") == (1, 3)


def test_time_from_discharge_notification_to_handover_accepted(
    people: list[Person], home: Neighbourhood, hospital: Organisation
) -> None:
    team = make_front_door(home)
    system = HospitalSystem.objects.create(name="PAS", organisation=hospital, token_hash="h", created_at=moment(400))
    nurse = make_staff(home)
    for number, (sent, accepted) in enumerate([(moment(20), moment(18)), (moment(10), moment(9)), (moment(5), None)]):
        event = HospitalEvent.objects.create(
            system=system,
            external_id=f"enc-{number}",
            kind=HospitalEventKind.DISCHARGE,
            person=people[number],
            occurred_at=sent,
            received_at=sent,
        )
        DischargeHandover.objects.create(
            event=event,
            person=people[number],
            team=team,
            due_at=sent + datetime.timedelta(hours=24),
            accepted_by=nurse if accepted else None,
            accepted_at=accepted,
        )
    compute_measures(TODAY)
    # Accepted after 2 days and after 1 day (the third is still waiting): 3 days over 2 handovers.
    assert city_figure("discharge_to_handover") == (3, 2)


def referral(
    home: Neighbourhood,
    person: Person,
    urgency: Urgency,
    received: datetime.datetime,
    *,
    first_contact: datetime.datetime | None = None,
    team: Team | None = None,
    staff: Staff | None = None,
) -> Referral:
    return Referral.objects.create(
        neighbourhood=home,
        person=person,
        given_name=person.given_name,
        family_name=person.family_name,
        need="falls",
        urgency=urgency,
        consent_to_share=True,
        source=Source.STAFF,
        received_at=received,
        state=State.IN_PROGRESS if first_contact else (State.RECEIVED if team else State.ALLOCATED),
        state_changed_at=first_contact or received,
        first_contact_at=first_contact,
        owner_team=team,
        owner_staff=staff,
    )


@pytest.fixture
def referrals(home: Neighbourhood, people: list[Person]) -> list[Referral]:
    team, nurse = make_front_door(home), make_staff(home)
    return [
        # Urgent, contacted after 1 hour 30 minutes: on time (2 hours allowed).
        referral(home, people[0], Urgency.URGENT, moment(30, 9), first_contact=moment(30, 10, 30), staff=nurse),
        # Urgent, contacted after 3 hours: late.
        referral(home, people[1], Urgency.URGENT, moment(20, 9), first_contact=moment(20, 12), staff=nurse),
        # Urgent, never contacted, waiting in the queue for 60 days: overdue.
        referral(home, people[2], Urgency.URGENT, moment(60), team=team),
        # Routine, arrived yesterday, waiting in the queue: not due for two weeks.
        referral(home, people[3], Urgency.ROUTINE, moment(1), team=team),
    ]


def test_time_to_first_contact_by_urgency(referrals: list[Referral]) -> None:
    compute_measures(TODAY)
    # Two urgent first contacts, after 1.5 and 3 hours: 4.5 hours over 2.
    assert city_figure("first_contact_urgent") == (4.5, 2)
    assert city_figure("first_contact_routine") == (0, 0)  # none yet


def test_share_of_referrals_not_answered_in_time(referrals: list[Referral]) -> None:
    compute_measures(TODAY)
    # Late (3 hours for urgent) and overdue (never contacted): 2 of the 4 received in the year.
    assert city_figure("breaches") == (2, 4)


def test_share_of_open_referrals_still_in_a_queue(referrals: list[Referral]) -> None:
    compute_measures(TODAY)
    # Two of the four open referrals wait in the team's queue; two are held by a nurse.
    assert city_figure("unallocated") == (2, 4)


def test_share_of_handovers_declined(referrals: list[Referral], home: Neighbourhood) -> None:
    giver, taker = make_staff(home), make_staff(home)
    answers = [OfferStatus.DECLINED, OfferStatus.ACCEPTED, OfferStatus.ACCEPTED, OfferStatus.ACCEPTED]
    for referral_, status in zip(referrals, answers, strict=True):
        HandoverOffer.objects.create(
            referral=referral_,
            offered_by=giver,
            offered_at=moment(5),
            to_staff=taker,
            note="Yours?",
            status=status,
            responded_by=taker,
            responded_at=moment(4),
            decline_reason="Not my area" if status == OfferStatus.DECLINED else "",
        )
    # An offer still waiting is not an answer.
    HandoverOffer.objects.create(
        referral=referrals[0], offered_by=giver, offered_at=moment(1), to_staff=taker, note="Still yours?"
    )
    compute_measures(TODAY)
    assert city_figure("handovers_declined") == (1, 4)


def test_share_of_people_supported_with_a_key_worker(people: list[Person], home: Neighbourhood) -> None:
    nurse = make_staff(home)
    for person in people[:3]:
        Episode.objects.create(person=person, neighbourhood=home, opened_at=moment(10), key_worker=nurse)
    Episode.objects.create(
        person=people[3], neighbourhood=home, opened_at=moment(100), closed_at=moment(50), key_worker=nurse
    )
    compute_measures(TODAY)
    # Three open episodes, all with a key worker (the closed one is not counted).
    assert city_figure("key_worker") == (3, 3)


def test_breakdowns_split_the_same_records_by_who_the_people_are(home: Neighbourhood, hospital: Organisation) -> None:
    deprived, affluent = make_lsoa(home, imd_decile=1), make_lsoa(home, imd_decile=10)
    for number in range(6):
        person = make_person(home, lsoa=deprived, ward=deprived.ward, ethnic_category=EthnicCategory.BLACK_AFRICAN)
        if number < 4:
            admit(person, NE, 30, None, hospital)
    for _ in range(5):
        make_person(
            home,
            lsoa=affluent,
            ward=affluent.ward,
            ethnic_category=EthnicCategory.WHITE_BRITISH,
            date_of_birth=days_ago(30 * 365),
        )
    compute_measures(TODAY)

    by_deprivation = {
        result.group: (result.numerator, result.denominator)
        for result in MeasureResult.objects.filter(measure="non_elective_admissions", breakdown="deprivation")
    }
    assert by_deprivation == {"1 – most deprived": (4, 6), "5 – least deprived": (0, 5)}
    by_ethnicity = {
        result.group: (result.numerator, result.denominator)
        for result in MeasureResult.objects.filter(measure="non_elective_admissions", breakdown="ethnicity")
    }
    assert by_ethnicity == {"Black or Black British": (4, 6), "White": (0, 5)}
    by_age = {
        result.group: result.denominator
        for result in MeasureResult.objects.filter(measure="non_elective_admissions", breakdown="age")
    }
    # The factory's residents were born in 1941; the five others are 29 or 30.
    assert by_age == {"85 and over": 6, "18 to 64": 5}
    month = f"{days_ago(30):%Y-%m}"
    trend = MeasureResult.objects.get(measure="non_elective_admissions", breakdown="month", group=month)
    assert (trend.numerator, trend.denominator) == (4, 11)


# -- Measures from the care, MDT, proactive care and directory apps ---------------------------------------


def test_share_of_assessments_repeated(people: list[Person], home: Neighbourhood) -> None:
    nurse = make_staff(home)
    holistic = AssessmentTemplate.objects.filter(code="holistic-what-matters").latest("version")
    for number, (completed, repeat) in enumerate([(True, False), (True, False), (True, True), (True, False)]):
        Assessment.objects.create(
            person=people[number],
            template=holistic,
            assessor=nurse,
            assessor_profession=nurse.profession,
            status=AssessmentStatus.COMPLETED if completed else AssessmentStatus.IN_PROGRESS,
            started_at=moment(12),
            completed_at=moment(11),
            is_repeat=repeat,
            repeat_reason="Fell again" if repeat else "",
        )
    Assessment.objects.create(  # still in progress: not counted
        person=people[5], template=holistic, assessor=nurse, assessor_profession=nurse.profession, started_at=moment(1)
    )
    compute_measures(TODAY)
    # One repeat among the four completed in the year.
    assert city_figure("repeat_assessments") == (1, 4)


def test_share_of_people_supported_with_a_shared_care_plan(people: list[Person], home: Neighbourhood) -> None:
    nurse = make_staff(home)
    for number in range(3):
        Episode.objects.create(person=people[number], neighbourhood=home, opened_at=moment(10), key_worker=nurse)
    for person in people[:2]:
        CarePlan.objects.create(person=person, created_at=moment(9), updated_at=moment(9), updated_by=nurse)
    compute_measures(TODAY)
    # Two of the three people with an open episode have a plan.
    assert city_figure("shared_care_plan") == (2, 3)


def test_mdt_actions_on_time_and_gp_attendance(people: list[Person], home: Neighbourhood) -> None:
    door = make_front_door(home)
    chair = make_staff(home, profession=Profession.CARE_COORDINATOR)
    chair.teams.add(door)
    gp = make_staff(home, profession=Profession.GP)
    meeting = make_meeting(home, chair)
    first, second = make_item(meeting, people[0]), make_item(meeting, people[1])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=moment(20, 10))  # it has been held
    Attendance.objects.create(item=first, staff=gp, profession=gp.profession, recorded_by=chair, recorded_at=moment(20))
    Attendance.objects.create(
        item=second, staff=chair, profession=chair.profession, recorded_by=chair, recorded_at=moment(20)
    )
    due_later = timezone.localdate() + datetime.timedelta(days=3)
    for due, done in [(10, 11), (10, 5), (5, None), (None, None)]:
        action = mdt.add_action(actor=chair, item=first, description="Review", owner=chair, due_on=due_later)
        if due is not None:
            MdtAction.objects.filter(pk=action.pk).update(
                due_on=days_ago(due),
                status=MdtActionStatus.DONE if done else MdtActionStatus.OPEN,
                done_at=moment(done) if done else None,
            )
    compute_measures(TODAY)
    # Of the three actions already due, one was done before its due date; the fourth is not due yet.
    assert city_figure("mdt_actions_on_time") == (1, 3)
    # A GP attended one of the two discussions.
    assert city_figure("gp_mdt_attendance") == (1, 2)


def test_share_of_new_episodes_started_proactively(people: list[Person], home: Neighbourhood) -> None:
    nurse = make_staff(home)
    for number in range(3):
        Episode.objects.create(person=people[number], neighbourhood=home, opened_at=moment(30), key_worker=nurse)
    found = referral(home, people[0], Urgency.ROUTINE, moment(40), team=make_front_door(home))
    Referral.objects.filter(pk=found.pk).update(need_detail=f"{PROACTIVE_REFERRAL_NOTE} Moderate frailty (10 of 36)")
    MdtProposal.objects.create(
        person=people[1],
        neighbourhood=home,
        question="Plan?",
        why="Severe frailty",
        proposed_by=nurse,
        created=moment(35),
    )
    compute_measures(TODAY)
    # People 0 (referred from the list) and 1 (proposed from it) of the three new episodes.
    assert city_figure("proactive_episodes") == (2, 3)


def test_self_care_goals_met_and_signposting_followed_up(people: list[Person], home: Neighbourhood) -> None:
    worker = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    plan = CarePlan.objects.create(person=people[0], created_at=moment(60), updated_at=moment(60), updated_by=worker)
    for self_care, status in [
        (True, GoalStatus.MET), (True, GoalStatus.WORKING_ON), (True, GoalStatus.NO_LONGER_WANTED),
        (False, GoalStatus.MET),
    ]:  # fmt: skip
        Goal.objects.create(plan=plan, text="Walk to the shop", self_care=self_care, status=status,
                            added_by=worker, added_at=moment(50))  # fmt: skip
    club = make_service(name="Tuesday lunch club")
    for follow_up, outcome in [(5, SignpostOutcome.ATTENDED), (3, ""), (-7, "")]:
        Signpost.objects.create(
            person=people[1], service=club, signposted_by=worker, signposted_at=moment(20), note="Company",
            follow_up_on=days_ago(follow_up), outcome=outcome,
        )  # fmt: skip
    compute_measures(TODAY)
    # One of three self-care goals met (the fourth goal is not a self-care goal).
    assert city_figure("self_care_goals_met") == (1, 3)
    # Two follow-ups have come due; one has an outcome. The third is next week.
    assert city_figure("signposting_followed_up") == (1, 2)


def test_share_of_the_waiting_list_over_four_weeks(referrals: list[Referral]) -> None:
    compute_measures(TODAY)
    # Two open referrals have had no first contact: one arrived 60 days ago, one yesterday.
    assert city_figure("backlog_over_four_weeks") == (1, 2)


def test_professionals_per_person_counts_each_professional_once(people: list[Person], home: Neighbourhood) -> None:
    nurse, former = make_staff(home), make_staff(home)
    social_worker = make_staff(home, profession=Profession.SOCIAL_WORKER)
    for person in people[:2]:
        Episode.objects.create(person=person, neighbourhood=home, opened_at=moment(30), key_worker=nurse)
    memberships = [
        (people[0], nurse, CareRole.KEY_WORKER, None),
        (people[0], nurse, CareRole.REFERRAL_OWNER, None),  # the same nurse again
        (people[0], social_worker, CareRole.ALLOCATED_PROFESSIONAL, None),
        (people[1], nurse, CareRole.KEY_WORKER, None),
        (people[1], former, CareRole.ALLOCATED_PROFESSIONAL, moment(3)),  # left the care team
    ]
    for person, staff, role, ended in memberships:
        CareTeamMembership.objects.create(person=person, staff=staff, role=role, started_at=moment(30), ended_at=ended)
    compute_measures(TODAY)
    # Two professionals for the first person and one for the second, over two people.
    assert city_figure("professionals_per_person") == (3, 2)


def test_referrals_per_episode_count_the_month_before_and_the_episode_itself(
    people: list[Person], home: Neighbourhood
) -> None:
    nurse, door = make_staff(home), make_front_door(home)
    Episode.objects.create(person=people[0], neighbourhood=home, opened_at=moment(30), key_worker=nurse)
    Episode.objects.create(
        person=people[1], neighbourhood=home, opened_at=moment(20), closed_at=moment(10), key_worker=nurse
    )
    for person, days in [(people[0], 100), (people[0], 40), (people[0], 10), (people[1], 15), (people[1], 5)]:
        referral(home, person, Urgency.ROUTINE, moment(days), team=door)
    compute_measures(TODAY)
    # First episode: the referrals 40 and 10 days ago (not the one 100 days ago); second: 15 days ago, not the
    # one after it closed. Three referrals over two episodes.
    assert city_figure("referrals_per_episode") == (3, 2)


def test_people_outside_the_area_are_their_own_group_never_a_deprivation_quintile(home: Neighbourhood) -> None:
    # Someone with no area (ADR 14) has no deprivation decile: counting them as least deprived would skew equity.
    for _ in range(5):
        make_person(home)  # in an area of decile 5, the third quintile
    for _ in range(5):
        make_person_outside_the_area()
    compute_measures(TODAY)

    def groups(breakdown: str) -> dict[str, float]:
        results = MeasureResult.objects.filter(measure="non_elective_admissions", breakdown=breakdown)
        return {result.group: result.denominator for result in results}

    assert groups("deprivation") == {"3": 5, "Outside the area": 5}
    assert groups("neighbourhood") == {home.name: 5, "Outside the area": 5}
