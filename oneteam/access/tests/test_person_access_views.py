"""The person's access pages: who can see the record, consent, objections, emergency access."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from oneteam.access.models import (
    AuditAction,
    AuditEvent,
    BreakGlassAccess,
    ConsentDecision,
    ConsentStatus,
    DataCategory,
    FlagKind,
    GovernanceFlag,
    Objection,
)
from oneteam.access.services import consent
from oneteam.access.tests.factories import key_worker_for
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(home: Neighbourhood) -> Person:
    return make_person(home, given_name="Ada", family_name="Khan")


def signed_in(staff_neighbourhood: Neighbourhood, profession: str = Profession.DISTRICT_NURSE) -> Client:
    client = Client()
    client.force_login(make_staff(staff_neighbourhood, profession=profession))
    return client


def signed_in_as(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_who_can_see_explains_each_part_and_the_agreement(home: Neighbourhood, ada: Person) -> None:
    page = signed_in(home).get(reverse("access:who_can_see", args=[ada.pk])).content.decode()
    assert "Who can see this record and why" in page
    assert "lets district nurses see physical health for direct care" in page
    assert f"{home.name} information sharing agreement (version 1)" in page
    assert "Not recorded. Sharing for direct care is expected" in page


def test_withdrawing_consent_takes_effect_for_colleagues_at_once(home: Neighbourhood, ada: Person) -> None:
    recorder, colleague = signed_in_as(key_worker_for(ada)), signed_in(home)
    summary = reverse("people:summary", args=[ada.pk])
    assert "Long-term conditions" in colleague.get(summary).content.decode()
    response = recorder.post(
        reverse("access:record_consent", args=[ada.pk]), {"status": "withdrawn", "note": "Told me on the phone"}
    )
    assert response.status_code == 302
    assert ConsentDecision.objects.get(person=ada).status == ConsentStatus.WITHDRAWN
    page = colleague.get(summary).content.decode()
    assert "You may not see this record" in page
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_RECORDED, person_id=ada.pk).count() == 1


def test_consent_form_names_the_missing_answer_and_saves_nothing(home: Neighbourhood, ada: Person) -> None:
    response = signed_in_as(key_worker_for(ada)).post(reverse("access:record_consent", args=[ada.pk]), {"note": "x"})
    assert response.status_code == 400
    assert "Select what the person has decided" in response.content.decode()
    assert not ConsentDecision.objects.exists()


def test_objection_recorded_and_withdrawn(home: Neighbourhood, ada: Person) -> None:
    client = signed_in_as(key_worker_for(ada))
    client.post(reverse("access:record_objection", args=[ada.pk]), {"category": "mental_health", "sector": "vcse"})
    objection = Objection.objects.get(person=ada)
    assert (objection.category, objection.sector) == (DataCategory.MENTAL_HEALTH, "vcse")
    assert (
        "Does not want their mental health shared"
        in client.get(reverse("access:who_can_see", args=[ada.pk])).content.decode()
    )
    client.post(reverse("access:withdraw_objection", args=[ada.pk, objection.pk]))
    objection.refresh_from_db()
    assert objection.withdrawn_at is not None


def test_outsiders_cannot_record_wishes(ada: Person) -> None:
    outsider = signed_in(make_neighbourhood())
    response = outsider.post(reverse("access:record_consent", args=[ada.pk]), {"status": "withdrawn"})
    assert response.status_code == 403
    assert not ConsentDecision.objects.exists()


@pytest.mark.parametrize("profession", [Profession.DISTRICT_NURSE, Profession.ADMINISTRATOR, Profession.ANALYST])
def test_only_the_care_team_records_wishes(home: Neighbourhood, ada: Person, profession: Profession) -> None:
    # In the person's neighbourhood team, so able to see them, but not in their care team.
    colleague = signed_in(home, profession)
    for name, data in (("record_consent", {"status": "given"}), ("record_objection", {"category": "notes"})):
        assert colleague.post(reverse(f"access:{name}", args=[ada.pk]), data).status_code == 403
    assert not ConsentDecision.objects.exists() and not Objection.objects.exists()
    if profession == Profession.DISTRICT_NURSE:  # may see the page, but is not offered what they may not do
        page = colleague.get(reverse("access:who_can_see", args=[ada.pk])).content.decode()
        assert "Only the person's care team can record their wishes" in page and "Record an objection" not in page


def test_reversing_a_withdrawal_records_who_said_so_when_and_how_and_is_shown_to_ig(
    home: Neighbourhood, ada: Person
) -> None:
    key_worker = key_worker_for(ada)
    consent.record_consent(actor=key_worker, person=ada, status=ConsentStatus.WITHDRAWN, categories=[], note="")
    client = signed_in_as(key_worker)
    url = reverse("access:record_consent", args=[ada.pk])
    response = client.post(url, {"status": "given"})
    assert response.status_code == 400
    assert "Enter who gave this decision" in response.content.decode()
    assert ConsentDecision.objects.count() == 1 and not GovernanceFlag.objects.exists()

    response = client.post(
        url,
        {
            "status": "given",
            "stated_by": "Ada herself",
            **{"stated_on_day": "1", "stated_on_month": "12", "stated_on_year": "2026"},
            "stated_how": "In person at home",
        },
    )
    assert response.status_code == 302
    latest = ConsentDecision.objects.filter(person=ada).first()
    assert latest is not None
    assert (latest.status, latest.stated_by, latest.stated_how) == ("given", "Ada herself", "In person at home")
    assert latest.stated_on == datetime.date(2026, 12, 1)
    flag = GovernanceFlag.objects.get(kind=FlagKind.CONSENT_REVERSED, person=ada)
    assert "Ada herself" in flag.note and flag.staff == key_worker
    ig = signed_in(home, Profession.INFORMATION_GOVERNANCE_OFFICER)
    assert "Consent withdrawn reversed" in ig.get(reverse("access:review_queue")).content.decode()


def test_emergency_access_needs_a_reason(ada: Person) -> None:
    outsider = signed_in(make_neighbourhood(), Profession.SOCIAL_WORKER)
    url = reverse("access:emergency_access", args=[ada.pk])
    response = outsider.post(url, {"reason": "urgent"})
    assert response.status_code == 400
    assert "Give more detail about why you need to see this record now" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    response = outsider.post(url, {"reason": "Found on the floor by a neighbour, confused"})
    assert response.status_code == 302
    page = outsider.get(reverse("people:summary", args=[ada.pk])).content.decode()
    assert "You are using emergency access to this record" in page
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert event.reason == "Found on the floor by a neighbour, confused"


def test_emergency_access_is_for_clinical_direct_care_roles_only(ada: Person) -> None:
    for profession in (Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR):
        client = signed_in(make_neighbourhood(), profession)
        url = reverse("access:emergency_access", args=[ada.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, {"reason": "Found on the floor by a neighbour, confused"})
        assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).exists()


def test_the_emergency_access_page_does_not_name_someone_the_viewer_may_not_see(ada: Person) -> None:
    outsider = signed_in(make_neighbourhood(), Profession.SOCIAL_WORKER)
    page = outsider.get(reverse("access:emergency_access", args=[ada.pk])).content.decode()
    assert "Use emergency access" in page
    assert "Khan" not in page and "KHAN" not in page and ada.nhs_number not in page


@pytest.mark.parametrize("reason", ["aaaaaaaaaa", "asdf asdf asdf", "x x x x x x x x", "1234567890123"])
def test_emergency_access_needs_a_reason_in_words(ada: Person, reason: str) -> None:
    outsider = signed_in(make_neighbourhood(), Profession.SOCIAL_WORKER)
    response = outsider.post(reverse("access:emergency_access", args=[ada.pk]), {"reason": reason})
    assert response.status_code == 400
    assert "Describe in words why you need to see this record now" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_opening_emergency_access_again_extends_the_one_grant(ada: Person) -> None:
    outsider = signed_in(make_neighbourhood(), Profession.DISTRICT_NURSE)
    url = reverse("access:emergency_access", args=[ada.pk])
    for reason in ("Found on the floor by a neighbour, confused", "Still waiting for the ambulance crew to arrive"):
        assert outsider.post(url, {"reason": reason}).status_code == 302
    access = BreakGlassAccess.objects.get()
    assert "Still waiting for the ambulance" in access.reason and "Found on the floor" in access.reason
    assert AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).count() == 2


def test_the_emergency_access_banner_shows_on_every_page_about_the_person(ada: Person) -> None:
    outsider = signed_in(make_neighbourhood(), Profession.SOCIAL_WORKER)
    outsider.post(
        reverse("access:emergency_access", args=[ada.pk]), {"reason": "Found on the floor by a neighbour, confused"}
    )
    for name in ("people:summary", "access:who_can_see", "care:record", "care:visits", "directory:person_signposts"):
        page = outsider.get(reverse(name, args=[ada.pk])).content.decode()
        assert "You are using emergency access to this record" in page, name
    assert "emergency access" not in outsider.get(reverse("people:search")).content.decode()
