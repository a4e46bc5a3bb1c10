"""The risk pages: what they show, whom to, what they audit, and what they cost in queries."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, ConsentDecision, ConsentStatus, DataCategory, Purpose
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_lsoa, make_neighbourhood, make_practice, make_staff
from oneteam.people.models import AdmissionMethod, HospitalAdmission, Person, Sex
from oneteam.people.tests.factories import next_nhs_number
from oneteam.referrals.models import Need, Referral
from oneteam.referrals.tests.factories import make_referral
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES
from oneteam.risk import queries
from oneteam.risk.models import MdtProposal, PersonRisk, PriorityWeights
from oneteam.risk.services import stratify
from oneteam.synthetic import codes as C

from .conftest import AS_OF, OLDER, YOUNGER, code, resident
from .test_stratify import TEN

pytestmark = pytest.mark.django_db

Sign_in = Callable[[Staff], Client]
LIST = reverse("risk:cohort")


def text(response: HttpResponseBase) -> str:
    content: bytes = response.content  # type: ignore[attr-defined]
    return html.unescape(content.decode())


def frail(home: Neighbourhood, **fields: Any) -> Person:
    """A person with moderate frailty (ten deficits), two recent emergency admissions, living alone."""
    person = resident(home, lives_alone=True, family_name="Frail", **fields)
    code(person, *TEN[:9])  # nine coded deficits, and living alone is the tenth
    assert person.gp_practice is not None
    for days_ago in (100, 20):
        HospitalAdmission.objects.create(
            person=person,
            hospital=person.gp_practice,
            method=AdmissionMethod.NON_ELECTIVE,
            admitted_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            discharged_on=timezone.localdate() - datetime.timedelta(days=days_ago - 4),
        )
    return person


def test_each_row_says_why_in_words_highest_priority_first(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    resident(home, family_name="Fitter")
    stratify.run()
    page = text(client_for(matron).get(LIST))
    assert (
        "Moderate frailty (10 of 36): atrial fibrillation, chronic kidney disease, falls, hearing loss, "
        "heart failure, high blood pressure, memory and cognitive problems, respiratory disease, "
        "social vulnerability, urinary incontinence; 2 emergency admissions in 12 months (8 nights in hospital); "
        "lives alone; not yet known to the team"
    ) in page
    assert page.index("FRAIL") < page.index("FITTER")
    assert person.nhs_number[:3] in page
    assert "How the priority is worked out" in page and "Points for each emergency admission in 12 months" in page


def test_filters_narrow_the_list_to_moderate_and_severe_frailty_not_known_to_the_team(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    frail(home, given_name="Wanted")
    known = frail(home, given_name="Known")
    make_referral(home, person=known)
    resident(home, given_name="Fit")
    other = make_neighbourhood()
    matron.teams.add(*make_staff(other).teams.all())
    frail(other, given_name="Elsewhere")
    stratify.run()
    page = text(
        client_for(matron).get(
            LIST, {"neighbourhood": str(home.pk), "category": ["moderate", "severe"], "not_known": "on"}
        )
    )
    assert "1 person matches" in page
    assert "Wanted FRAIL" in page
    assert "Known" not in page and "Elsewhere" not in page and "Fit " not in page


def test_the_practice_priority_and_changed_band_filters(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    changed, steady = frail(home, given_name="Changed"), resident(home, given_name="Steady")
    stratify.run()
    code(changed, C.PARKINSONS_DISEASE, C.OSTEOPOROSIS, C.GLAUCOMA)
    stratify.run()
    client = client_for(matron)
    only_changed = text(client.get(LIST, {"changed": "on"}))
    assert "Changed FRAIL" in only_changed and "Steady" not in only_changed and "Was Moderate frailty" in only_changed
    top = text(client.get(LIST, {"min_priority": 5}))
    assert "Changed FRAIL" in top and "Steady" not in top
    practice = text(client.get(LIST, {"practice": str(steady.gp_practice_id)}))
    assert "Steady" in practice and "Changed" not in practice


def test_bad_filter_input_is_named_next_to_the_field(client_for: Sign_in, matron: Staff, home: Neighbourhood) -> None:
    stratify.run()
    response = client_for(matron).get(LIST, {"min_priority": "-3", "practice": "999999"})
    assert response.status_code == 400
    page = text(response)
    assert "The lowest priority must be 0 or more" in page and "Choose from the list" in page
    assert 'href="#id_min_priority"' in page


def test_the_list_is_audited_once_per_page_without_names(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    frail(home)
    stratify.run()
    client_for(matron).get(LIST, {"category": "moderate"})
    # One event for each person shown (here one), so the person's subject-access report lists the risk list.
    event = AuditEvent.objects.get(staff=matron, action=AuditAction.LIST)
    assert event.person_id is not None and event.purpose == Purpose.DIRECT_CARE
    assert event.detail["risk_list"]["categories"] == ["moderate"]
    assert event.detail["matching"] == 1


def test_staff_see_only_their_own_neighbourhoods_and_only_if_their_agreement_allows_it(
    client_for: Sign_in, home: Neighbourhood
) -> None:
    frail(home)
    stratify.run()
    outsider = make_staff(make_neighbourhood(), profession=Profession.COMMUNITY_MATRON)
    assert "FRAIL" not in text(client_for(outsider).get(LIST))
    # Team leads see physical health only for their own care team's people, so no named list.
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    page = text(client_for(lead).get(LIST))
    assert "You cannot see a named risk list" in page and "FRAIL" not in page


def test_a_person_who_withdrew_consent_is_left_off_the_list(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    ConsentDecision.objects.create(
        person=person, status=ConsentStatus.WITHDRAWN, recorded_by=matron, recorded_at=timezone.now()
    )
    stratify.run()
    assert "FRAIL" not in text(client_for(matron).get(LIST))


def many_people(neighbourhood: Neighbourhood, count: int) -> None:
    """`count` people aged 65 or over who share one area and practice, made in one insert."""
    lsoa, practice = make_lsoa(neighbourhood), make_practice(neighbourhood)
    Person.objects.bulk_create(
        Person(
            nhs_number=next_nhs_number(),
            given_name="Many",
            family_name=f"Person{n}",
            date_of_birth=OLDER,
            sex=Sex.MALE,
            address_line_1="2 Mill Road",
            town="Oneteam City",
            postcode="OT1 2AB",
            lsoa=lsoa,
            ward=lsoa.ward,
            gp_practice=practice,
            practice_neighbourhood=neighbourhood,
            ward_neighbourhood=neighbourhood,
            repeat_medication_count=n % 8,
            lives_alone=n % 3 == 0,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("people", [60, 10_000])
def test_the_list_pages_at_a_pinned_query_count_however_many_match(
    people: int, client_for: Sign_in, matron: Staff, home: Neighbourhood, django_assert_num_queries: object
) -> None:
    many_people(home, people)
    stratify.run()
    client = client_for(matron)
    client.get(reverse("workspace:inbox"))  # the first request of a session records its activity time
    # session, staff, staff's teams, listable neighbourhoods, their practices, the current run, the page of
    # scores with the number matching, their people, their deficits, the audit append, the weights in force,
    # then the header's inbox count
    with django_assert_num_queries(10 + audit_append_queries() + INBOX_COUNT_QUERIES):  # type: ignore[operator]
        response = client.get(LIST, {"page": 2})
    page = text(response)
    assert f"{people:,} people match" in page and f"Showing 51 to {min(100, people)}" in page


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("999", "Showing 101 to 120"), ("nonsense", "Showing 1 to 50"), ("0", "Showing 1 to 50"), ("2", "Showing 51")],
)
def test_the_list_counts_its_matches_on_every_page_and_a_page_past_the_end_shows_the_last(
    asked: str, shown: str, client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    many_people(home, 120)
    stratify.run()
    page = text(client_for(matron).get(LIST, {"page": asked}))
    assert "120 people match" in page and shown in page


def test_the_explanation_lists_every_deficit_and_the_points_behind_the_priority(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    stratify.run()
    page = text(client_for(matron).get(reverse("risk:person", args=[person.pk])))
    risk = PersonRisk.objects.get(person=person)
    assert "has 10 of 36, a score of 0.28: <strong>moderate frailty</strong>" in page
    assert "<li>urinary incontinence</li>" in page
    cell = '</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">'
    for words, points in [("2 emergency admissions in 12 months", 6), ("1 full week in hospital after them", 1)]:
        assert f"{words}{cell}{points}<" in page
    # Two admissions, one full week in, lives alone, not known, moderate frailty (OneTeam's starting weights).
    assert risk.priority == 6 + 1 + 2 + 2 + 3
    assert f"Priority: {risk.priority} points" in page
    event = AuditEvent.objects.get(person_id=person.pk, action=AuditAction.VIEW)
    assert (event.category, event.purpose) == (DataCategory.PHYSICAL_HEALTH, Purpose.DIRECT_CARE)


def test_an_outsider_cannot_open_the_explanation_and_is_told_why(client_for: Sign_in, home: Neighbourhood) -> None:
    person = frail(home)
    stratify.run()
    outsider = make_staff(make_neighbourhood(), profession=Profession.COMMUNITY_MATRON)
    response = client_for(outsider).get(reverse("risk:person", args=[person.pk]))
    assert response.status_code == 403
    # Someone with no relationship is told only that (issue 16): not why, which would say where the person is.
    assert "You may not see this record" in text(response) and "heart failure" not in text(response)
    assert AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.DENIED).exists()


def test_refer_from_a_row_sends_the_person_to_the_single_point_of_access_in_one_step(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    stratify.run()
    back = LIST + "?category=moderate"
    response = client_for(matron).post(reverse("risk:refer", args=[person.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    referral = Referral.objects.get(person=person)
    assert (referral.need, referral.referred_by, referral.owner_team.takes_referrals) == (Need.OTHER, matron, True)  # type: ignore[union-attr]
    assert referral.need_detail.startswith("Found by the proactive risk list. Moderate frailty (10 of 36)")


def test_propose_for_the_next_mdt_records_a_proposal_once(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    person = frail(home)
    stratify.run()
    client = client_for(matron)
    url = reverse("risk:propose", args=[person.pk])
    assert client.post(url, {"question": "Medicines review?"}).status_code == 302
    proposal = MdtProposal.objects.get(person=person)
    assert (proposal.question, proposal.proposed_by, proposal.neighbourhood) == ("Medicines review?", matron, home)
    assert proposal.why.startswith("Moderate frailty (10 of 36)")
    assert AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.CREATE).exists()
    again = client.post(url, {"question": ""})
    assert again.status_code == 400 and "already proposed for the next MDT" in text(again)
    assert MdtProposal.objects.count() == 1


def test_a_team_lead_changes_the_weights_as_a_new_audited_version_and_priorities_follow(
    client_for: Sign_in, home: Neighbourhood
) -> None:
    person = frail(home)
    stratify.run()
    before = PersonRisk.objects.get(person=person).priority
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    form = {
        "scope": str(home.pk),
        "emergency_admission": 10,
        "bed_week": 1,
        "lives_alone": 2,
        "has_carer": 1,
        "most_deprived": 2,
        "recent_fall": 3,
        "not_known": 2,
        "mild_frailty": 1,
        "moderate_frailty": 3,
        "severe_frailty": 5,
        "change_note": "Admissions matter most here",
    }
    response = client_for(lead).post(reverse("risk:weights"), form)
    assert response.status_code == 302
    weights = PriorityWeights.objects.get(neighbourhood=home)
    assert (weights.version, weights.emergency_admission, weights.created_by) == (1, 10, lead)
    assert PersonRisk.objects.get(person=person).priority == before + 2 * (10 - 3)
    assert AuditEvent.objects.filter(staff=lead, action=AuditAction.UPDATE).exists()
    page = text(client_for(lead).get(reverse("risk:weights")))
    assert "Test N2 priority weights, version 1" in page and "Admissions matter most here" in page


def test_weights_form_names_bad_values_and_others_cannot_change_weights(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    response = client_for(lead).post(reverse("risk:weights"), {"scope": "", "emergency_admission": 99})
    assert response.status_code == 400
    page = text(response)
    assert "Points cannot be more than 50" in page and "Say why the weights are changing" in page
    assert "Only a team lead can change the weights" in text(client_for(matron).get(reverse("risk:weights")))
    assert client_for(matron).post(reverse("risk:weights"), {"scope": ""}).status_code == 403
    assert not PriorityWeights.objects.exists()


def test_the_fairness_view_compares_the_list_with_the_neighbourhood_and_suppresses_small_counts(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    for _ in range(3):
        frail(home)
    for _ in range(6):
        resident(home, date_of_birth=YOUNGER)
    stratify.run()
    page = text(client_for(matron).get(reverse("risk:fairness"), {"neighbourhood": home.pk}))
    assert "3 people on the list" in page
    assert "fewer than 5" in page and "6 (67%)" in page  # six of nine people are 18 to 64
    assert "FRAIL" not in page
    event = AuditEvent.objects.get(staff=matron, purpose=Purpose.PLANNING)
    assert event.person_id is None and event.detail["risk_fairness"] == home.pk


def test_stratify_reads_as_of_from_the_command_line_and_summarises(home: Neighbourhood, capsys: object) -> None:
    from django.core.management import call_command

    resident(home)
    call_command("stratify", "--as-of", AS_OF.isoformat(), verbosity=0)
    run = queries.current_run()
    assert run is not None and run.as_of == AS_OF and run.people_scored == 1


def test_consent_given_again_after_withdrawal_and_objections_are_honoured(
    client_for: Sign_in, matron: Staff, home: Neighbourhood
) -> None:
    from oneteam.access.models import Objection

    again, objector = frail(home, given_name="Again"), frail(home, given_name="Objector")
    now = timezone.now()
    ConsentDecision.objects.create(
        person=again, status=ConsentStatus.WITHDRAWN, recorded_by=matron, recorded_at=now - datetime.timedelta(days=9)
    )
    ConsentDecision.objects.create(person=again, status=ConsentStatus.GIVEN, recorded_by=matron, recorded_at=now)
    Objection.objects.create(
        person=objector, category=DataCategory.PHYSICAL_HEALTH, recorded_by=matron, recorded_at=now
    )
    stratify.run()
    page = text(client_for(matron).get(LIST))
    assert "Again FRAIL" in page and "Objector" not in page
