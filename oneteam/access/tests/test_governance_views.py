"""Information governance pages: emergency access review and the sharing-agreement editor."""

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import AuditAction, AuditEvent, DataCategory, Purpose, ReviewOutcome, SharingAgreement
from oneteam.access.queries import agreement_grid
from oneteam.access.services import break_glass
from oneteam.access.sharing_forms import cell_name
from oneteam.organisations.models import Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

IG = Profession.INFORMATION_GOVERNANCE_OFFICER


def client_for(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "name",
    ["access:review_queue", "access:agreement_list"],
)
def test_only_information_governance_officers(name: str) -> None:
    staff = make_staff(make_neighbourhood())
    response = client_for(staff).get(reverse(name))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
    # The attempt is in the audit log, as an attempt to read the audit log is.
    refusal = AuditEvent.objects.get(staff=staff)
    assert (refusal.action, refusal.purpose, refusal.allowed) == (AuditAction.DENIED, Purpose.AUDIT, False)


def test_review_queue_and_review() -> None:
    person = make_person(make_neighbourhood())
    user = make_staff(make_neighbourhood(), profession=Profession.SOCIAL_WORKER)
    access = break_glass.open_emergency_access(staff=user, person=person, reason="Fall at home, ambulance on way")
    officer = client_for(make_staff(make_neighbourhood(), profession=IG))
    queue = officer.get(reverse("access:review_queue")).content.decode()
    assert "Fall at home, ambulance on way" in queue
    assert "Emergency access reviews (1)" in queue
    response = officer.post(reverse("access:review", args=[access.pk]), {"outcome": "appropriate", "note": "Fine"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.review_outcome == ReviewOutcome.APPROPRIATE
    assert AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS_REVIEWED).count() == 1
    assert (
        "There is no emergency access waiting for review."
        in officer.get(reverse("access:review_queue")).content.decode()
    )


def test_no_one_reviews_their_own_emergency_access() -> None:
    # A nurse who opened a record in an emergency and has since moved into information governance.
    officer = make_staff(make_neighbourhood(), profession=Profession.DISTRICT_NURSE)
    access = break_glass.open_emergency_access(
        staff=officer, person=make_person(make_neighbourhood()), reason="Called to a fall at home, needed medicines"
    )
    officer.profession = IG
    officer.save(update_fields=["profession"])
    response = client_for(officer).post(
        reverse("access:review", args=[access.pk]), {"outcome": "appropriate", "note": "ok"}
    )
    assert response.status_code == 400
    assert "You cannot review your own emergency access" in response.content.decode()
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_editing_an_agreement_publishes_a_new_version() -> None:
    home = make_neighbourhood()
    officer = client_for(make_staff(home, profession=IG))
    url = reverse("access:agreement_edit", args=[home.code]) + "?purpose=direct_care"
    form_page = officer.get(url)
    assert form_page.status_code == 200
    assert f'name="{cell_name(Profession.GP, DataCategory.MENTAL_HEALTH)}"' in form_page.content.decode()
    grid = agreement_grid(home, Purpose.DIRECT_CARE)
    data = {cell_name(p, c): level for p, cells in grid.rows for c, level in cells}
    data[cell_name(Profession.VCSE_LINK_WORKER, DataCategory.PHYSICAL_HEALTH)] = "care_team"
    assert officer.post(url, data).status_code == 400  # no change note
    assert SharingAgreement.objects.filter(neighbourhood=home).count() == 1
    data["change_note"] = "Link workers support people with long-term conditions"
    response = officer.post(url, data)
    assert response.status_code == 302
    latest = SharingAgreement.objects.filter(neighbourhood=home).order_by("-version").first()
    assert latest is not None and latest.version == 2
    assert latest.rules.filter(profession="vcse_link_worker", category="physical_health", level="care_team").exists()
    # Everything else carried over unchanged.
    assert latest.rules.count() == SharingAgreement.objects.get(neighbourhood=home, version=1).rules.count() + 1
    assert AuditEvent.objects.filter(action=AuditAction.RULES_CHANGED, detail__version=2).exists()
    detail = officer.get(reverse("access:agreement_detail", args=[home.code])).content.decode()
    assert "Version 2" in detail and "Link workers support people" in detail
    old = officer.get(reverse("access:agreement_version", args=[home.code, 1])).content.decode()
    assert "Version 1" in old

    # The same edit sent again (a double click, or a colleague with the same change) publishes nothing new.
    again = officer.post(url, data, follow=True).content.decode()
    assert "These rules are already in force as version 2. Nothing changed." in again
    assert SharingAgreement.objects.filter(neighbourhood=home).count() == 2
