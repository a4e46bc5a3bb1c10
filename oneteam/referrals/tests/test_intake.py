"""The public self-referral form: field errors, what an accepted form creates, and the spam and repeat guards."""

from __future__ import annotations

import datetime
import hashlib
import re
import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from oneteam.access.models import AuditAction, AuditEvent
from oneteam.organisations.models import Organisation, Team
from oneteam.organisations.tests.factories import make_neighbourhood, make_practice
from oneteam.referrals.forms_public import SelfReferralForm
from oneteam.referrals.models import Referral, SelfReferralSubmission, Source, State
from oneteam.referrals.services import intake
from oneteam.referrals.tests.factories import make_front_door

pytestmark = pytest.mark.django_db

FORM = reverse("referrals_public:self_referral")
SENT = reverse("referrals_public:self_referral_sent")


@pytest.fixture(autouse=True)
def no_minimum_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests post at once; the minimum time is tested on its own below."""
    monkeypatch.setattr(intake, "MINIMUM_SECONDS", 0)


@pytest.fixture
def front_door() -> Team:
    return make_front_door(make_neighbourhood())


@pytest.fixture
def practice(front_door: Team) -> Organisation:
    assert front_door.neighbourhood is not None
    return make_practice(front_door.neighbourhood)


def answers(practice: Organisation, **changes: str | None) -> dict[str, str]:
    """A complete, valid form as a browser would post it, with `changes` (None: a box left out, as if unticked)."""
    data = {
        "filled_in_by": "self",
        "referrer_name": "",
        "referrer_relationship": "",
        "given_name": "Ada",
        "family_name": "Khan",
        "dob_day": "4",
        "dob_month": "5",
        "dob_year": "1938",
        "nhs_number": "",
        "postcode": "ot12ab",
        "gp_practice": str(practice.pk),
        "contact_phone": "01632 960 001",
        "contact_email": "",
        "need": "falls",
        "urgency": "soon",
        "what_matters": "Staying in my own home",
        "consent_to_share": "yes",
        "website": "",
        "started": intake.form_started(),
    }
    data.update(changes)  # type: ignore[arg-type]
    return {name: value for name, value in data.items() if value is not None}


def error_next_to(html: str, anchor: str) -> str:
    """The error message shown with a field (NHS.UK gives it the id `<field id>-error`)."""
    found = re.search(rf'id="{anchor}-error"[^>]*>\s*<span[^>]*>Error: </span>(.*?)</span>', html, re.DOTALL)
    assert found, f"no error message next to {anchor}"
    return found.group(1).strip()


def nothing_saved() -> bool:
    return not Referral.objects.exists() and not SelfReferralSubmission.objects.exists()


def test_the_form_is_open_to_anyone_with_a_hidden_box_for_bots(client: Client, practice: Organisation) -> None:
    response = client.get(FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert practice.name in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(
        r'<label for="id_website">Leave this empty</label>\s*<input[^>]*autocomplete="off" tabindex="-1"', html
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nhs_number": "123 456 7890"}, "id_nhs_number", "This is not a valid NHS number"),
        (
            {"contact_phone": "", "contact_email": ""},
            "id_contact_phone",
            "Enter a phone number or an email address so the team can contact you",
        ),
        ({"what_matters": "x" * 1001}, "id_what_matters", "What matters to you must be 1,000 characters or fewer"),
        ({"dob_day": "31", "dob_month": "2"}, "id_dob", "Date of birth must be a real date"),
        ({"filled_in_by": "carer"}, "id_referrer_name", "Enter your full name"),
        ({"consent_to_share": None}, "id_consent_to_share", "Confirm that the team can share this information"),
    ],
)
def test_a_problem_is_named_next_to_its_field_and_in_the_summary_and_nothing_is_saved(
    client: Client, practice: Organisation, changes: dict[str, str | None], field: str, message: str
) -> None:
    response = client.post(FORM, answers(practice, **changes))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in error_next_to(html, field)
    # The summary links to the field; a date links to its first box.
    link = "id_dob_day" if field == "id_dob" else field
    assert re.search(rf'<a href="#{link}"\s*>\s*{re.escape(message)}', html), "not linked from the error summary"
    assert 'value="Khan"' in html  # the answers are kept
    assert nothing_saved()


def test_problems_are_summarised_in_the_order_of_the_page(client: Client, practice: Organisation) -> None:
    response = client.post(
        FORM, answers(practice, dob_year="", nhs_number="1", contact_phone="", what_matters="x" * 1001)
    )
    summary = re.findall(r'<a href="#(id_\w+)"', response.content.decode())
    assert summary[:4] == ["id_dob_day", "id_nhs_number", "id_contact_phone", "id_what_matters"]


def test_an_accepted_self_referral_waits_in_the_front_door_queue_for_triage(
    client: Client, practice: Organisation, front_door: Team
) -> None:
    response = client.post(FORM, answers(practice), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == SENT

    referral = Referral.objects.get()
    assert (referral.owner_team, referral.state, referral.source) == (front_door, State.RECEIVED, Source.SELF)
    assert (referral.person, referral.referred_by, referral.neighbourhood) == (None, None, practice.neighbourhood)
    assert (referral.postcode, referral.date_of_birth) == ("OT1 2AB", datetime.date(1938, 5, 4))
    assert AuditEvent.objects.filter(staff=None, action=AuditAction.CREATE, detail__self_referral=referral.pk).exists()
    submission = SelfReferralSubmission.objects.get()
    assert submission.referral == referral
    assert submission.client_hash == hashlib.sha256(f"203.0.113.9{settings.SECRET_KEY}".encode()).hexdigest()

    confirmation = client.get(SENT).content.decode()
    assert "Your request has been sent" in confirmation
    assert "aims to contact you within 2 days" in confirmation
    assert "Khan" not in confirmation and "Ada" not in confirmation


def test_a_carer_is_recorded_as_the_referrer(client: Client, practice: Organisation) -> None:
    client.post(
        FORM,
        answers(practice, filled_in_by="carer", referrer_name="Bilal Khan", referrer_relationship="Son"),
    )
    referral = Referral.objects.get()
    assert (referral.source, referral.referrer_name, referral.referrer_relationship) == (
        Source.CARER,
        "Bilal Khan",
        "Son",
    )


def test_the_confirmation_page_needs_a_sent_form(client: Client) -> None:
    assert client.get(SENT)["Location"] == FORM


def test_the_same_form_sent_twice_within_a_minute_creates_one_referral(client: Client, practice: Organisation) -> None:
    form = answers(practice)
    first = client.post(FORM, form)
    again = client.post(FORM, form | {"given_name": " ada ", "started": intake.form_started()})
    assert first["Location"] == again["Location"] == SENT
    assert Referral.objects.count() == 1

    SelfReferralSubmission.objects.update(
        submitted_at=SelfReferralSubmission.objects.get().submitted_at - intake.REPEAT_WINDOW
    )
    client.post(FORM, form)
    assert Referral.objects.count() == 2  # after a minute it is a new request


def test_a_filled_in_hidden_box_is_refused_and_nothing_is_saved(client: Client, practice: Organisation) -> None:
    response = client.post(FORM, answers(practice, website="https://spam.example"))
    assert response.status_code == 400
    assert "we could not send your form" in response.content.decode()
    assert nothing_saved()


def test_a_form_sent_too_fast_or_too_late_or_tampered_with_is_refused_politely(
    client: Client, practice: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MINIMUM_SECONDS", 3)
    assert "we could not send your form" in client.post(FORM, answers(practice)).content.decode()
    with mock.patch("time.time", return_value=time.time() - 3 * 60 * 60):
        three_hours_ago = intake.form_started()
    refused = client.post(FORM, answers(practice, started=three_hours_ago)).content.decode()
    assert "open for more than 2 hours" in refused
    assert "we could not send your form" in client.post(FORM, answers(practice, started="1700000000")).content.decode()
    assert nothing_saved()


def test_a_sixth_form_in_an_hour_from_one_computer_is_refused(client: Client, practice: Organisation) -> None:
    for n in range(intake.PER_HOUR):
        assert client.post(FORM, answers(practice, given_name=f"Ada{n}"))["Location"] == SENT
    response = client.post(FORM, answers(practice, given_name="Sixth"))
    assert response.status_code == 429
    assert "sent 5 requests in the last hour" in response.content.decode()
    assert Referral.objects.count() == intake.PER_HOUR

    elsewhere = client.post(FORM, answers(practice, given_name="Sixth"), REMOTE_ADDR="198.51.100.7")
    assert elsewhere["Location"] == SENT


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sending_two_copies_at_once_creates_one_referral(practice: Organisation) -> None:
    form = SelfReferralForm(MultiValueDict({name: [value] for name, value in answers(practice).items()}))
    assert form.is_valid(), form.errors
    referral = form.self_referral()
    start = threading.Barrier(2)
    accepted: list[int] = []

    def send() -> None:
        try:
            start.wait()
            accepted.append(
                intake.accept(referral, address="203.0.113.9", honeypot="", started=intake.form_started()).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(accepted) == 2 and accepted[0] == accepted[1]
    assert Referral.objects.count() == 1
