"""Measures as code: each is one definition, computed by set-based queries for any period and breakdown.

A measure is a numerator over a denominator, each a set of records counted (or
summed) per group of people. The meaning is written for the people who read the
dashboard; the definition is the code next to it, so the two cannot drift.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.aggregates import Aggregate
from django.utils import timezone

from oneteam.access.models import CareTeamMembership
from oneteam.care.models import Assessment, AssessmentStatus, CarePlan, Goal, GoalStatus
from oneteam.directory.models import Signpost
from oneteam.mdt.models import ActionStatus as MdtActionStatus
from oneteam.mdt.models import AgendaItem, Attendance, MdtAction
from oneteam.organisations.models import Profession
from oneteam.people.models import AdmissionMethod, HospitalAdmission, Person
from oneteam.referrals.models import (
    DischargeHandover,
    Episode,
    HandoverOffer,
    OfferStatus,
    Referral,
    State,
    Urgency,
)
from oneteam.referrals.targets import target_minutes, waiting_for_first_contact, with_due_time
from oneteam.risk.models import MdtProposal
from oneteam.risk.services import PROACTIVE_REFERRAL_NOTE

from .experience import QUESTIONS
from .models import ExperienceResponse

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class Period:
    """The days a measure covers, first and last included."""

    first: datetime.date
    last: datetime.date

    @property
    def starts(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time.min))

    @property
    def ends(self) -> datetime.datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min))

    def dates(self, field: str) -> Q:
        """Records whose date `field` falls in the period."""
        return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})

    def moments(self, field: str) -> Q:
        """Records whose date-and-time `field` falls in the period."""
        return Q(**{f"{field}__gte": self.starts, f"{field}__lt": self.ends})


def _count() -> Aggregate:
    return Count("pk")


@dataclass(frozen=True)
class Counted:
    """Records counted for one side of a measure, and how to reach their person."""

    rows: Callable[[Period], QuerySet]  # type: ignore[type-arg]
    person: str
    # What each group adds up: the number of records, or a sum such as days in hospital.
    total: Callable[[], Aggregate] = _count
    # The date field that places a record in a month, for the trend; None for a fixed population.
    month_of: str | None = None


@dataclass(frozen=True)
class Measure:
    """One measure: what it means, which way is better, and its numerator and denominator."""

    key: str
    theme: str
    name: str
    meaning: str
    unit: str
    better: str  # "lower" or "higher"
    numerator: Counted
    denominator: Counted
    scale: float = 1.0
    # Sums of durations are turned into this many seconds per unit (a day, an hour).
    seconds_per_unit: int = DAY
    notes: tuple[str, ...] = field(default_factory=tuple)


# -- Shared sets of records --------------------------------------------------------------------------------


def _residents(period: Period) -> QuerySet[Person]:
    """People alive at the end of the period: the population rates are per."""
    return Person.objects.filter(Q(date_of_death__isnull=True) | Q(date_of_death__gt=period.last))


RESIDENTS = Counted(_residents, person="")


def _non_elective(period: Period) -> QuerySet[HospitalAdmission]:
    return HospitalAdmission.objects.filter(period.dates("admitted_on"), method=AdmissionMethod.NON_ELECTIVE)


def _discharges(period: Period) -> QuerySet[HospitalAdmission]:
    return HospitalAdmission.objects.filter(period.dates("discharged_on"))


def _nights() -> Aggregate:
    return Sum(ExpressionWrapper(F("discharged_on") - F("admitted_on"), output_field=DurationField()))


def _readmitted(period: Period) -> QuerySet[HospitalAdmission]:
    """Discharges followed by an unplanned admission within 30 days."""
    again = HospitalAdmission.objects.filter(
        person=OuterRef("person"),
        method=AdmissionMethod.NON_ELECTIVE,
        admitted_on__gt=OuterRef("discharged_on"),
        admitted_on__lte=ExpressionWrapper(
            OuterRef("discharged_on") + datetime.timedelta(days=30), output_field=DurationField()
        ),
    )
    return _discharges(period).filter(Exists(again))


def _handovers_accepted(period: Period) -> QuerySet[DischargeHandover]:
    return DischargeHandover.objects.filter(period.moments("accepted_at"))


def _notification_to_acceptance() -> Aggregate:
    return Sum(ExpressionWrapper(F("accepted_at") - F("event__received_at"), output_field=DurationField()))


def _first_contacts(urgency: Urgency) -> Callable[[Period], QuerySet[Referral]]:
    def rows(period: Period) -> QuerySet[Referral]:
        return Referral.objects.filter(period.moments("first_contact_at"), urgency=urgency)

    return rows


def _wait_to_first_contact() -> Aggregate:
    return Sum(ExpressionWrapper(F("first_contact_at") - F("received_at"), output_field=DurationField()))


def _received(period: Period) -> QuerySet[Referral]:
    return Referral.objects.filter(period.moments("received_at"))


def _received_and_late(period: Period) -> QuerySet[Referral]:
    """Referrals received in the period whose first contact came after its target, or is overdue now."""
    due = with_due_time(_received(period), target_minutes())
    # contact_due_at is an annotation the type stubs cannot see, hence the keyword dictionaries.
    late = Q(**{"first_contact_at__gt": F("contact_due_at")})
    overdue = waiting_for_first_contact() & Q(**{"contact_due_at__lt": timezone.now()})
    return due.filter(late | overdue)


def _open(period: Period) -> QuerySet[Referral]:
    return Referral.objects.exclude(state=State.CLOSED).filter(person__isnull=False)


def _waiting_in_a_queue(period: Period) -> QuerySet[Referral]:
    return _open(period).filter(owner_team__isnull=False)


def _answered_offers(period: Period) -> QuerySet[HandoverOffer]:
    return HandoverOffer.objects.filter(
        period.moments("responded_at"), status__in=[OfferStatus.ACCEPTED, OfferStatus.DECLINED]
    )


def _declined_offers(period: Period) -> QuerySet[HandoverOffer]:
    return _answered_offers(period).filter(status=OfferStatus.DECLINED)


def _open_episodes(period: Period) -> QuerySet[Episode]:
    return Episode.objects.filter(closed_at__isnull=True)


def _open_episodes_with_key_worker(period: Period) -> QuerySet[Episode]:
    return _open_episodes(period).filter(key_worker__isnull=False)


BACKLOG_AGE = datetime.timedelta(days=28)
# Referrals this long before an episode opened count towards it: the ones that led to it, through any door.
REFERRALS_LEAD_IN = datetime.timedelta(days=30)


def _waiting_for_first_contact(period: Period) -> QuerySet[Referral]:
    return _open(period).filter(first_contact_at__isnull=True)


def _waiting_over_four_weeks(period: Period) -> QuerySet[Referral]:
    return _waiting_for_first_contact(period).filter(received_at__lt=timezone.now() - BACKLOG_AGE)


def _professionals_on_care_teams(period: Period) -> QuerySet[CareTeamMembership]:
    """One row for each professional on the care team of each person being supported, however many roles."""
    now = timezone.now()
    current = CareTeamMembership.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=now),
        started_at__lte=now,
        person__episodes__closed_at__isnull=True,
    )
    first_of_each_pair = current.order_by().values("person", "staff").annotate(first=Min("pk")).values("first")
    return CareTeamMembership.objects.filter(pk__in=first_of_each_pair)


def _referrals_around_episodes(period: Period) -> QuerySet[Referral]:
    """Referrals for people whose episode began in the period, from a month before it until it ended."""
    around = Episode.objects.filter(
        period.moments("opened_at"),
        person=OuterRef("person"),
        opened_at__lte=OuterRef("received_at") + REFERRALS_LEAD_IN,
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=OuterRef("received_at")))
    return Referral.objects.filter(Exists(around))


def _assessments_completed(period: Period) -> QuerySet[Assessment]:
    return Assessment.objects.filter(period.moments("completed_at"), status=AssessmentStatus.COMPLETED)


def _repeat_assessments(period: Period) -> QuerySet[Assessment]:
    return _assessments_completed(period).filter(is_repeat=True)


def _open_episodes_with_plan(period: Period) -> QuerySet[Episode]:
    return _open_episodes(period).filter(Exists(CarePlan.objects.filter(person=OuterRef("person"))))


def _mdt_actions_due(period: Period) -> QuerySet[MdtAction]:
    """MDT actions whose due date fell in the period and has passed."""
    due = Q(due_on__lt=timezone.localdate()) & period.dates("due_on")
    return MdtAction.objects.filter(due)


def _mdt_actions_done_on_time(period: Period) -> QuerySet[MdtAction]:
    return _mdt_actions_due(period).filter(status=MdtActionStatus.DONE, done_at__date__lte=F("due_on"))


def _items_discussed(period: Period) -> QuerySet[AgendaItem]:
    """Items of meetings held in the period (meetings still to come are not counted)."""
    return AgendaItem.objects.filter(period.moments("meeting__starts_at"), meeting__starts_at__lt=timezone.now())


def _items_with_a_gp(period: Period) -> QuerySet[AgendaItem]:
    return _items_discussed(period).filter(
        Exists(Attendance.objects.filter(item=OuterRef("pk"), profession=Profession.GP))
    )


def _episodes_opened(period: Period) -> QuerySet[Episode]:
    return Episode.objects.filter(period.moments("opened_at"))


def _proactive_episodes(period: Period) -> QuerySet[Episode]:
    """Episodes opened for people the proactive care list found: referred from it or proposed from it."""
    from_list = Referral.objects.filter(person=OuterRef("person"), need_detail__startswith=PROACTIVE_REFERRAL_NOTE)
    proposed = MdtProposal.objects.filter(person=OuterRef("person"))
    return _episodes_opened(period).filter(Exists(from_list) | Exists(proposed))


def _self_care_goals(period: Period) -> QuerySet[Goal]:
    return Goal.objects.filter(period.moments("added_at"), self_care=True)


def _self_care_goals_met(period: Period) -> QuerySet[Goal]:
    return _self_care_goals(period).filter(status=GoalStatus.MET)


def _signposts_due(period: Period) -> QuerySet[Signpost]:
    """Signposting whose follow-up date fell in the period and has come."""
    return Signpost.objects.filter(period.dates("follow_up_on"), follow_up_on__lte=timezone.localdate())


def _signposts_followed_up(period: Period) -> QuerySet[Signpost]:
    return _signposts_due(period).exclude(outcome="")


def _experience(period: Period) -> QuerySet[ExperienceResponse]:
    return ExperienceResponse.objects.filter(period.dates("answered_on"))


def _score(question: str) -> Callable[[], Aggregate]:
    def total() -> Aggregate:
        return Sum(question)

    return total


# -- The framework -----------------------------------------------------------------------------------------

HOSPITAL, TEAM, INTEGRATION, EXPERIENCE = "Hospital use", "Team health", "Integration", "Experience"

MEASURES: tuple[Measure, ...] = (
    Measure(
        key="non_elective_admissions",
        theme=HOSPITAL,
        name="Unplanned hospital admissions",
        meaning="Unplanned (non-elective) admissions to hospital for every 1,000 residents.",
        unit="per 1,000 residents",
        better="lower",
        numerator=Counted(_non_elective, person="person", month_of="admitted_on"),
        denominator=RESIDENTS,
        scale=1000,
    ),
    Measure(
        key="bed_days",
        theme=HOSPITAL,
        name="Days in hospital",
        meaning="Nights spent in hospital, counted when the person went home, for every 1,000 residents.",
        unit="per 1,000 residents",
        better="lower",
        numerator=Counted(_discharges, person="person", total=_nights, month_of="discharged_on"),
        denominator=RESIDENTS,
        scale=1000,
    ),
    Measure(
        key="length_of_stay",
        theme=HOSPITAL,
        name="Average length of stay",
        meaning="How many nights a hospital stay lasted, on average, for stays that ended in the period.",
        unit="nights",
        better="lower",
        numerator=Counted(_discharges, person="person", total=_nights, month_of="discharged_on"),
        denominator=Counted(_discharges, person="person", month_of="discharged_on"),
    ),
    Measure(
        key="readmissions_30_days",
        theme=HOSPITAL,
        name="Back in hospital within 30 days",
        meaning="The share of people going home from hospital who had an unplanned admission within 30 days.",
        unit="%",
        better="lower",
        numerator=Counted(_readmitted, person="person", month_of="discharged_on"),
        denominator=Counted(_discharges, person="person", month_of="discharged_on"),
        scale=100,
    ),
    Measure(
        key="discharge_to_handover",
        theme=HOSPITAL,
        name="Time to accept a discharge handover",
        meaning="Days from the hospital's discharge notification to the neighbourhood team accepting the handover.",
        unit="days",
        better="lower",
        numerator=Counted(
            _handovers_accepted, person="person", total=_notification_to_acceptance, month_of="accepted_at"
        ),
        denominator=Counted(_handovers_accepted, person="person", month_of="accepted_at"),
    ),
    *(
        Measure(
            key=f"first_contact_{urgency.value}",
            theme=TEAM,
            name=f"Time to first contact: {urgency.label.lower()}",
            meaning=f"Hours from {'an' if urgency == Urgency.URGENT else 'a'} {urgency.label.lower()} referral "
            "arriving to the first contact with the person.",
            unit="hours",
            better="lower",
            numerator=Counted(
                _first_contacts(urgency), person="person", total=_wait_to_first_contact, month_of="first_contact_at"
            ),
            denominator=Counted(_first_contacts(urgency), person="person", month_of="first_contact_at"),
            seconds_per_unit=HOUR,
        )
        for urgency in Urgency
    ),
    Measure(
        key="breaches",
        theme=TEAM,
        name="Referrals not answered in time",
        meaning="The share of referrals whose first contact came later than its target, or is overdue now.",
        unit="%",
        better="lower",
        numerator=Counted(_received_and_late, person="person", month_of="received_at"),
        denominator=Counted(_received, person="person", month_of="received_at"),
        scale=100,
        notes=("Self-referrals not yet matched to a person's record are not in the breakdowns by person.",),
    ),
    Measure(
        key="unallocated",
        theme=TEAM,
        name="Open referrals not yet allocated",
        meaning="The share of open referrals still waiting in a team's queue for someone to take them on.",
        unit="%",
        better="lower",
        numerator=Counted(_waiting_in_a_queue, person="person"),
        denominator=Counted(_open, person="person"),
        scale=100,
        notes=("A count as the measures were worked out, not over the year.",),
    ),
    Measure(
        key="handovers_declined",
        theme=INTEGRATION,
        name="Handovers declined",
        meaning="The share of answered handover offers that the receiver declined (each decline needs a reason).",
        unit="%",
        better="lower",
        numerator=Counted(_declined_offers, person="referral__person", month_of="responded_at"),
        denominator=Counted(_answered_offers, person="referral__person", month_of="responded_at"),
        scale=100,
    ),
    Measure(
        key="key_worker",
        theme=INTEGRATION,
        name="People with a named key worker",
        meaning="The share of people the team is supporting who have a named key worker to contact.",
        unit="%",
        better="higher",
        numerator=Counted(_open_episodes_with_key_worker, person="person"),
        denominator=Counted(_open_episodes, person="person"),
        scale=100,
        notes=("OneTeam will not open an episode without a key worker, so anything under 100% is a data fault.",),
    ),
)
PREVENTION = "Prevention and self-care"
MEASURES += (
    Measure(
        key="backlog_over_four_weeks",
        theme=TEAM,
        name="Waiting over 4 weeks for first contact",
        meaning="The share of open referrals still waiting for first contact that arrived more than 4 weeks ago.",
        unit="%",
        better="lower",
        numerator=Counted(_waiting_over_four_weeks, person="person"),
        denominator=Counted(_waiting_for_first_contact, person="person"),
        scale=100,
        notes=("A count as the measures were worked out, not over the year.",),
    ),
    Measure(
        key="professionals_per_person",
        theme=INTEGRATION,
        name="Professionals involved per person",
        meaning="On average, how many different professionals are on the care team of each person being supported.",
        unit="professionals",
        better="lower",
        numerator=Counted(_professionals_on_care_teams, person="person"),
        denominator=Counted(_open_episodes, person="person"),
        notes=("Fewer is better only while needs are met: it counts hand-offs, not care.",),
    ),
    Measure(
        key="referrals_per_episode",
        theme=INTEGRATION,
        name="Referrals per episode of care",
        meaning="For episodes that started in the year, how many referrals arrived for the person, from a month "
        "before the episode until it ended. One front door should make this close to 1.",
        unit="referrals",
        better="lower",
        numerator=Counted(_referrals_around_episodes, person="person", month_of="received_at"),
        denominator=Counted(_episodes_opened, person="person", month_of="opened_at"),
    ),
)
MEASURES += (
    Measure(
        key="repeat_assessments",
        theme=INTEGRATION,
        name="Assessments repeated within 90 days",
        meaning="The share of completed assessments that repeated one of the same kind done in the 90 days before.",
        unit="%",
        better="lower",
        numerator=Counted(_repeat_assessments, person="person", month_of="completed_at"),
        denominator=Counted(_assessments_completed, person="person", month_of="completed_at"),
        scale=100,
    ),
    Measure(
        key="shared_care_plan",
        theme=INTEGRATION,
        name="People with a shared care plan",
        meaning="The share of people the team is supporting who have one shared care plan.",
        unit="%",
        better="higher",
        numerator=Counted(_open_episodes_with_plan, person="person"),
        denominator=Counted(_open_episodes, person="person"),
        scale=100,
    ),
    Measure(
        key="mdt_actions_on_time",
        theme=INTEGRATION,
        name="MDT actions done on time",
        meaning="Of the actions agreed at MDT meetings that have fallen due, the share done by their due date.",
        unit="%",
        better="higher",
        numerator=Counted(_mdt_actions_done_on_time, person="person", month_of="due_on"),
        denominator=Counted(_mdt_actions_due, person="person", month_of="due_on"),
        scale=100,
    ),
    Measure(
        key="gp_mdt_attendance",
        theme=INTEGRATION,
        name="GP at the MDT discussion",
        meaning="The share of people discussed at MDT meetings whose discussion a GP attended.",
        unit="%",
        better="higher",
        numerator=Counted(_items_with_a_gp, person="person", month_of="meeting__starts_at"),
        denominator=Counted(_items_discussed, person="person", month_of="meeting__starts_at"),
        scale=100,
    ),
    Measure(
        key="proactive_episodes",
        theme=PREVENTION,
        name="Care started proactively",
        meaning="The share of new episodes of care for people the proactive care list found, before a crisis.",
        unit="%",
        better="higher",
        numerator=Counted(_proactive_episodes, person="person", month_of="opened_at"),
        denominator=Counted(_episodes_opened, person="person", month_of="opened_at"),
        scale=100,
    ),
    Measure(
        key="self_care_goals_met",
        theme=PREVENTION,
        name="Self-care goals met",
        meaning="Of the self-care goals people set in the period, in their own words, the share they have met.",
        unit="%",
        better="higher",
        numerator=Counted(_self_care_goals_met, person="plan__person", month_of="added_at"),
        denominator=Counted(_self_care_goals, person="plan__person", month_of="added_at"),
        scale=100,
    ),
    Measure(
        key="signposting_followed_up",
        theme=PREVENTION,
        name="Signposting followed up",
        meaning="Of the people signposted to community help whose follow-up date has come, the share followed up.",
        unit="%",
        better="higher",
        numerator=Counted(_signposts_followed_up, person="person", month_of="follow_up_on"),
        denominator=Counted(_signposts_due, person="person", month_of="follow_up_on"),
        scale=100,
    ),
)
MEASURES += tuple(
    Measure(
        key=f"experience_{question.field}",
        theme=EXPERIENCE,
        name=f"“{question.text}”",
        meaning=(
            "How people answered this statement, from 0 (all strongly disagreed) to 100 (all strongly agreed)."
            if not question.worded_negatively
            else "How people answered this statement, turned round so that 100 means nobody had to repeat their"
            " story and 0 means everyone strongly agreed they had."
        ),
        unit="score out of 100",
        better="higher",
        numerator=Counted(_experience, person="episode__person", total=_score(question.field), month_of="answered_on"),
        denominator=Counted(_experience, person="episode__person", month_of="answered_on"),
        notes=("The denominator is the number of people who answered.",),
    )
    for question in QUESTIONS
)
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}
