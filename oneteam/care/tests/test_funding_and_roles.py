"""Free or means-tested, in words for the person; the role guide, kept up to date by team leads."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.care.forms import CapacityForm
from oneteam.care.models import Funding, RoleGuide, ServiceType
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]


def test_every_service_type_says_whether_it_is_free_and_why() -> None:
    services = list(ServiceType.objects.all())
    assert {service.funding for service in services} == set(Funding.values)
    assert all(len(service.explanation) > 40 for service in services)


def test_the_funding_page_lists_them(client_for: SignIn, nurse: Staff) -> None:
    page = client_for(nurse).get(reverse("care:funding")).content.decode()
    assert "Means-tested (social care)" in page and "Home care" in page and "financial assessment" in page


def test_every_caring_profession_has_a_role_guide_page(client_for: SignIn, nurse: Staff) -> None:
    client = client_for(nurse)
    page = client.get(reverse("care:role", args=[Profession.SOCIAL_WORKER])).content.decode()
    assert "Care Act 2014" in page and "Change this page" not in page
    assert client.get(reverse("care:role", args=["astronaut"])).status_code == 404
    assert client.get(reverse("care:edit_role", args=[Profession.SOCIAL_WORKER])).status_code == 403


def test_a_team_lead_edits_a_page(client_for: SignIn, home: Neighbourhood) -> None:
    lead = make_staff(home, profession=Profession.TEAM_LEAD)
    client = client_for(lead)
    url = reverse("care:edit_role", args=[Profession.GP])
    response = client.post(url, {"what_they_do": "", "statutory_duties": "GMC", "ask_them_for": "x" * 3001})
    assert 'id="id_what_they_do-error"' in response.content.decode()
    assert 'id="id_ask_them_for-error"' in response.content.decode()
    client.post(url, {"what_they_do": "Family doctors", "statutory_duties": "GMC", "ask_them_for": "Reviews"})
    guide = RoleGuide.objects.get(profession=Profession.GP)
    assert guide.what_they_do == "Family doctors" and guide.updated_by == lead


def test_a_social_work_assessment_is_a_free_council_service_not_a_voluntary_one(
    client_for: SignIn, nurse: Staff
) -> None:
    assert ServiceType.objects.get(code="social-work-assessment").funding == Funding.FREE_COUNCIL
    page = client_for(nurse).get(reverse("care:funding")).content.decode()
    council = page.index("Free (council)")
    assert council < page.index("Social work assessment and advice") < page.index("Free (community or voluntary)")


def test_the_capacity_form_asks_for_evidence_in_plain_english() -> None:
    labels = [str(field.label) for name, field in CapacityForm().fields.items() if name.endswith("_evidence")]
    assert "Evidence: whether they understand the information" in labels
    assert not any("the person understand" in label for label in labels)
