"""The dashboard and its download: who may see them, small numbers withheld on both, and what they cost."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.access.tests.query_counts import audit_append_queries
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.outcomes.models import MeasureResult
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES

pytestmark = pytest.mark.django_db


def store(measure: str, breakdown: str, group: str, numerator: float, denominator: float) -> None:
    MeasureResult.objects.create(
        measure=measure,
        breakdown=breakdown,
        group=group,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        numerator=numerator,
        denominator=denominator,
        numerator_count=int(numerator),
        denominator_count=int(denominator),
        computed_at=timezone.now(),
    )


@pytest.fixture
def lead() -> Staff:
    return make_staff(make_neighbourhood(), profession=Profession.TEAM_LEAD)


@pytest.fixture
def results() -> None:
    store("non_elective_admissions", "all", "All residents", 120, 1000)
    store("non_elective_admissions", "deprivation", "1 – most deprived", 40, 200)
    store("non_elective_admissions", "deprivation", "2", 3, 180)  # 3 admissions: withheld
    store("non_elective_admissions", "deprivation", "5 – least deprived", 5, 150)  # 5: shown


def signed_in(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_counts_under_5_are_withheld_on_the_page(lead: Staff, results: None) -> None:
    page = signed_in(lead).get(reverse("outcomes:dashboard"), {"by": "deprivation"}).content.decode()

    assert "200.0" in page  # 40 per 200 residents, per 1,000
    assert "33.3" in page  # 5 per 150, per 1,000: 5 is not under 5
    assert "16.7" not in page  # 3 per 180 would be 16.7
    assert "fewer than 5" in page
    assert "120.0 per 1,000 residents across the city" in page


def test_counts_under_5_are_withheld_in_the_download(lead: Staff, results: None) -> None:
    response = signed_in(lead).get(reverse("outcomes:download"), {"by": "deprivation"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    admissions = {row["deprivation quintile"]: row for row in rows if row["measure"] == "Unplanned hospital admissions"}
    assert admissions["1 – most deprived"]["value"] == "200.0"
    assert admissions["2"]["value"] == admissions["2"]["numerator"] == "fewer than 5"
    assert admissions["5 – least deprived"]["numerator"] == "5"
    assert "3" not in {row["numerator"] for row in rows}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, staff=lead).exists()


@pytest.mark.parametrize("profession", [Profession.DISTRICT_NURSE, Profession.GP, Profession.SOCIAL_WORKER])
def test_only_team_leads_and_analysts_see_the_dashboard(profession: str, results: None) -> None:
    staff = make_staff(make_neighbourhood(), profession=profession)
    client = signed_in(staff)

    assert client.get(reverse("outcomes:dashboard")).status_code == 403
    assert client.get(reverse("outcomes:download")).status_code == 403


def test_an_analyst_sees_it_and_an_unknown_breakdown_is_not_found(results: None) -> None:
    client = signed_in(make_staff(make_neighbourhood(), profession=Profession.ANALYST))

    assert client.get(reverse("outcomes:dashboard")).status_code == 200
    assert client.get(reverse("outcomes:dashboard"), {"by": "nhs_number"}).status_code == 404


def test_the_page_costs_the_same_few_queries_however_many_results(
    lead: Staff, results: None, django_assert_num_queries: object
) -> None:
    for number in range(200):
        store("bed_days", "neighbourhood", f"Neighbourhood {number}", 50 + number, 1000)
    client = signed_in(lead)
    client.get(reverse("outcomes:dashboard"))  # the first request of a session records its activity time
    # session, staff, the audit append, the results, the staff's teams (for the header), the header's inbox count
    with django_assert_num_queries(4 + audit_append_queries() + INBOX_COUNT_QUERIES):  # type: ignore[operator]
        client.get(reverse("outcomes:dashboard"), {"by": "neighbourhood"})
