"""Staff pages of the directory: search with freshness, reports of out-of-date details, signposting and follow-up."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, DataCategory
from oneteam.access.services.care_team import join_care_team
from oneteam.directory import services
from oneteam.directory.models import DetailReport, EntryEdit, Service, Signpost, SignpostOutcome
from oneteam.directory.search import stems
from oneteam.directory.services.importer import import_file
from oneteam.organisations.models import LSOA, Neighbourhood, Profession, Staff, Ward
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.people.models import Person
from oneteam.people.tests.factories import make_person
from oneteam.referrals.tests.header import INBOX_COUNT_QUERIES
from oneteam.submissions.tests.twice import send_twice

from .factories import make_service, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def home() -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def link_worker(home: Neighbourhood) -> Staff:
    return make_staff(home, profession=Profession.VCSE_LINK_WORKER)


@pytest.fixture
def person(home: Neighbourhood, link_worker: Staff) -> Person:
    """Ada, 85, living in district OT3, supported by the link worker."""
    ward = Ward.objects.create(code="E05900003", name="Parkside", neighbourhood=home)
    lsoa = LSOA.objects.create(code="E01900001", name="A", ward=ward, imd_decile=3, latitude=53.41, longitude=-1.45)
    ada = make_person(home, given_name="Ada", family_name="Khan", postcode="OT3 4AB", lsoa=lsoa, ward=ward)
    ada.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 85, day=1)
    ada.save()
    join_care_team(actor=None, person=ada, staff=link_worker, role=CareRole.ALLOCATED_PROFESSIONAL)
    return ada


def signed_in(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    client.get(reverse("directory:caseload"))  # the first request of a session records its activity time
    return client


def test_search_shows_when_each_entry_was_checked_and_flags_stale_ones(link_worker: Staff) -> None:
    today = timezone.localdate()
    make_service("fresh", name="Fresh lunch club", assured_date=(today - datetime.timedelta(days=75)).isoformat())
    make_service("stale", name="Old lunch club", assured_date=today.replace(year=today.year - 2).isoformat())
    page = signed_in(link_worker).get(reverse("directory:search"), {"text": "lunch"}).content.decode()
    assert "2 services found" in page
    assert "Details checked 2 months ago" in page
    assert "Details checked 24 months ago" in page
    assert page.count("May be out of date") == 1
    assert page.index("Fresh lunch club") < page.index("Old lunch club")  # fresher first when equally relevant


def test_search_ranks_name_matches_first_and_filters_by_day_cost_and_age(link_worker: Staff) -> None:
    make_service("a", name="Chat café", description="Drop in if you feel lonely")
    make_service("b", name="Loneliness befriending", description="Weekly calls", minimum_age=18, maximum_age=50)
    client = signed_in(link_worker)
    page = client.get(reverse("directory:search"), {"text": "lonely"}).content.decode()
    assert page.index("Loneliness befriending") < page.index("Chat café")
    page = client.get(reverse("directory:search"), {"text": "lonely", "age": "80"}).content.decode()
    assert "Chat café" in page and "Loneliness befriending" not in page
    page = client.get(reverse("directory:search"), {"day": "WE"}).content.decode()
    assert "0 services found" in page
    page = client.get(reverse("directory:search"), {"charging": "free"}).content.decode()
    assert "0 services found" in page  # both charge £3 for lunch


def test_search_names_the_field_when_input_is_wrong(link_worker: Staff) -> None:
    response = signed_in(link_worker).get(reverse("directory:search"), {"postcode": "nonsense", "age": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a real postcode, like OT3 4AB" in page and "Enter an age in whole years" in page


def test_searching_for_a_person_uses_their_home_and_age_and_is_audited(link_worker: Staff, person: Person) -> None:
    make_service("near", name="Tuesday lunch club", latitude=53.412)
    make_service("far", name="Far lunch club", latitude=53.60)
    client = signed_in(link_worker)
    response = client.get(reverse("directory:search_for_person", args=[person.pk]))
    page = response.content.decode()
    assert "home (OT3 4AB) for someone aged 85" in page, page[page.find("<h1") : page.find("<h1") + 400]
    assert "Tuesday lunch club" in page and "Far lunch club" not in page  # within 5 km by default
    assert "0.2 km away" in page
    assert "Signpost Ada to Tuesday lunch club" in page
    assert AuditEvent.objects.filter(person_id=person.pk, category=DataCategory.DEMOGRAPHICS, allowed=True).exists()


def test_someone_outside_the_care_team_cannot_search_for_or_signpost_the_person(person: Person) -> None:
    outsider = make_staff(make_neighbourhood(), profession=Profession.VCSE_LINK_WORKER)
    make_service("svc")
    client = signed_in(outsider)
    assert client.get(reverse("directory:search_for_person", args=[person.pk])).status_code == 403
    response = client.post(reverse("directory:signpost", args=[person.pk, uid("svc")]), {"note": "x", "follow_up": "1"})
    assert response.status_code == 403
    assert not Signpost.objects.exists()


def test_anyone_can_report_an_out_of_date_detail_and_a_maintainer_closes_it(home: Neighbourhood) -> None:
    service = make_service("svc", assured_date="2020-01-01")
    nurse = make_staff(home)
    client = signed_in(nurse)
    empty = client.post(reverse("directory:report_detail", args=[uid("svc")]), {"what_is_wrong": ""})
    assert empty.status_code == 400 and "Say what is out of date" in empty.content.decode()
    client.post(reverse("directory:report_detail", args=[uid("svc")]), {"what_is_wrong": "Now meets on Thursdays"})
    report = DetailReport.objects.get()
    assert report.reported_by == nurse and report.resolved_at is None
    assert client.get(reverse("directory:report_queue")).status_code == 403  # nurses do not maintain the directory

    maintainer = signed_in(make_staff(home, profession=Profession.ADMINISTRATOR))
    assert "Now meets on Thursdays" in maintainer.get(reverse("directory:report_queue")).content.decode()
    refused = maintainer.post(reverse("directory:resolve_report", args=[report.pk]), {"note": ""})
    assert refused.status_code == 400 and "Say what you did about the report" in refused.content.decode()
    maintainer.post(reverse("directory:resolve_report", args=[report.pk]), {"note": "Day changed", "checked": "on"})
    report.refresh_from_db()
    service.refresh_from_db()
    # Closing the report is not checking the entry: the old details may still be there.
    assert report.resolved_at is not None and service.assured_date == datetime.date(2020, 1, 1)
    assert "No reports are waiting" in maintainer.get(reverse("directory:report_queue")).content.decode()


def test_the_search_page_shows_alerts_fees_languages_and_accessibility(link_worker: Staff) -> None:
    data = Path(__file__).parent / "data"
    import_file(data / "oruk_taxonomy.json")
    import_file(data / "oruk_service.json")  # the profile's example: counselling, with every field
    page = signed_in(link_worker).get(reverse("directory:search"), {"text": "counselling"}).content.decode()
    assert "Following COVID-19 we have moved most of our counselling sessions online." in page  # the alert
    assert "<strong>Cost:</strong> The person pays a set charge. fees_description" in page  # the profile's `fees`
    assert "<strong>Languages:</strong> English" in page
    assert "induction loops for hearing aids" in page  # the place's accessibility


def test_each_result_shows_where_and_when_the_service_runs_and_its_phone(link_worker: Staff) -> None:
    make_service("svc")
    make_service("other", name="Chat café", description="Drop in")
    page = signed_in(link_worker).get(reverse("directory:search"), {"text": "lunch"}).content.decode()
    assert "1 service found" in page
    assert "<strong>Where:</strong> Parkside Community Centre, 2 Mill Road, OT3 4AB" in page
    assert "<strong>When:</strong> Every Tuesday, 12pm to 2pm" in page
    assert page.count("<strong>Phone:</strong>") == 1 and "<strong>Phone:</strong> 0113 496 0000" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's (pg_trgm)")
def test_a_search_word_is_matched_through_the_trigram_index() -> None:
    make_service("svc")
    # The condition `search` writes for each word, on its own so no other index competes for it.
    sql, params = Service.objects.filter(search_text__contains=stems("lonely")[0]).query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is too small for the planner to prefer any index over reading the table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on directory_service_search_text_trgm" in plan, plan


def test_an_entry_id_that_cannot_exist_is_404_on_every_page(link_worker: Staff, person: Person) -> None:
    client = signed_in(link_worker)  # a maintainer in the person's care team
    for path in ("/directory/services/%00/report", "/directory/services/%00/edit", "/directory/services/nope/edit",
                 f"/directory/people/{person.pk}/signpost/%00"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_resolving_a_report_that_does_not_exist_is_404(home: Neighbourhood) -> None:
    maintainer = signed_in(make_staff(home, profession=Profession.ADMINISTRATOR))
    response = maintainer.post(reverse("directory:resolve_report", args=[999999]), {"note": "Done"})
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "2000000", "7"])
def test_a_page_past_the_end_shows_the_last_page(link_worker: Staff, page: str) -> None:
    make_service("svc", name="Tuesday lunch club")
    response = signed_in(link_worker).get(reverse("directory:search"), {"page": page})
    assert response.status_code == 200 and "Tuesday lunch club" in response.content.decode()


@pytest.mark.parametrize("page", ["²", "-1", "0", "two", "1e3"])
def test_a_page_that_is_not_a_whole_number_is_400_with_a_message(link_worker: Staff, page: str) -> None:
    response = signed_in(link_worker).get(reverse("directory:search"), {"page": page})
    assert response.status_code == 400
    assert "The page number must be a whole number, like 2" in response.content.decode()


def test_a_maintainer_updates_an_entry_with_history_and_only_confirming_marks_it_checked(home: Neighbourhood) -> None:
    service = make_service("svc", assured_date="2020-01-01")
    url = reverse("directory:edit_entry", args=[service.pk])
    nurse = signed_in(make_staff(home))
    assert nurse.get(url).status_code == 403
    assert nurse.post(url, {"name": "Mine now", "status": "active"}).status_code == 403

    editor = make_staff(home, profession=Profession.VCSE_LINK_WORKER)
    maintainer = signed_in(editor)
    page = maintainer.get(url).content.decode()
    assert "0113 496 0000" in page and "No changes yet" in page
    form = {
        "name": "Tuesday lunch club", "status": "active", "description": service.description,
        "eligibility_description": "People aged 60 and over", "fees_description": "£3 for lunch.",
        "phone": "0113 496 0555", "alert": "", "url": "", "email": "",
    }  # fmt: skip
    bad = maintainer.post(url, {**form, "email": "not an email", "name": ""})
    assert bad.status_code == 400 and "Enter an email address" in bad.content.decode()
    assert "Enter the service&#39;s name" in bad.content.decode() or "Enter the service's name" in bad.content.decode()

    maintainer.post(url, form)  # a new phone number, not yet confirmed
    service.refresh_from_db()
    assert service.phones.get().number == "0113 496 0555"
    assert service.assured_date == datetime.date(2020, 1, 1)  # not checked: the rest may still be wrong
    unchanged = maintainer.post(url, form)
    assert unchanged.status_code == 400 and "Nothing has changed" in unchanged.content.decode()

    maintainer.post(url, {**form, "alert": "Closed in August", "confirmed": "on"})
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate() and service.assurer_email == editor.email
    assert service.record["alert"] == "Closed in August"
    history = maintainer.get(url).content.decode()
    assert "“0113 496 0000” changed to “0113 496 0555”" in history
    assert "all details confirmed" in history
    served = Client().get(reverse("directory:api_service", args=[service.pk])).json()
    assert served["alert"] == "Closed in August" and served["assured_date"] == timezone.localdate().isoformat()
    search = maintainer.get(reverse("directory:search"), {"text": "lunch"}).content.decode()
    assert "Closed in August" in search and "Details checked this month" in search


def test_signposting_goes_to_the_inbox_when_due_and_the_outcome_is_recorded(link_worker: Staff, person: Person) -> None:
    make_service("svc", name="Tuesday lunch club")
    client = signed_in(link_worker)
    url = reverse("directory:signpost", args=[person.pk, uid("svc")])
    refused = client.post(url, {"note": "", "follow_up": ""})
    assert refused.status_code == 400
    assert (
        "Write a note about why" in refused.content.decode()
        and "Choose when you will follow up" in refused.content.decode()
    )
    response = client.post(url, {"note": "Wants company at lunch", "follow_up": "2"})
    assert response.status_code == 302
    made = Signpost.objects.get()
    assert made.follow_up_on == timezone.localdate() + datetime.timedelta(weeks=2)
    assert AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.CREATE, category="care_plan").exists()
    assert "Signposting follow-ups due (0)" in client.get(reverse("workspace:inbox")).content.decode()

    Signpost.objects.filter(pk=made.pk).update(follow_up_on=timezone.localdate())  # two weeks pass
    inbox = client.get(reverse("workspace:inbox")).content.decode()
    assert "Signposting follow-ups due (1)" in inbox and "Inbox (1)" in inbox

    outcome = reverse("directory:record_outcome", args=[made.pk])
    no_reason = client.post(outcome, {"outcome": "did_not_attend", "note": ""})
    assert no_reason.status_code == 400 and "Say why the person did not go" in no_reason.content.decode()
    client.post(outcome, {"outcome": "did_not_attend", "note": "Could not get a lift"})
    made.refresh_from_db()
    assert (made.outcome, made.outcome_note) == (SignpostOutcome.DID_NOT_ATTEND, "Could not get a lift")
    assert "Inbox (0)" in client.get(reverse("workspace:inbox")).content.decode()
    record = client.get(reverse("directory:person_signposts", args=[person.pk])).content.decode()
    assert "Did not attend: Could not get a lift" in record


def test_the_caseload_lists_the_people_a_link_worker_supports(link_worker: Staff, person: Person) -> None:
    service = make_service("svc")
    Signpost.objects.create(
        person=person, service=service, signposted_by=link_worker, signposted_at=timezone.now(), note="n",
        follow_up_on=datetime.date(2030, 1, 2),
    )  # fmt: skip
    page = signed_in(link_worker).get(reverse("directory:caseload")).content.decode()
    assert "Ada KHAN" in page and "2 January 2030" in page


def _search_page(client: Client) -> Any:
    return client.get(
        reverse("directory:search"), {"text": "lunch", "day": "TU", "postcode": "OT3 4AB", "distance": "5"}
    )


@pytest.mark.parametrize("services", [2, 25])
def test_the_search_page_query_count_does_not_grow_with_data(
    services: int, link_worker: Staff, person: Person, django_assert_num_queries: Any
) -> None:
    for n in range(services):
        make_service(f"svc-{n}")
    client = signed_in(link_worker)
    events = AuditEvent.objects.count()
    # session, staff, the needs list, where the postcode is, the page of services with organisations and the total,
    # places, schedules and phones, their languages and accessibility; then the header's teams and inbox count
    with django_assert_num_queries(10 + INBOX_COUNT_QUERIES):
        response = _search_page(client)
    assert response.status_code == 200 and f"{services} services found" in response.content.decode()
    assert Service.objects.count() == services
    assert AuditEvent.objects.count() == events  # directory entries are not personal data: nothing to audit


def test_an_outsider_cannot_open_or_record_a_follow_up_and_the_refusal_is_audited(
    link_worker: Staff, person: Person
) -> None:
    service = make_service("svc")
    made = services.signpost(
        actor=link_worker, person=person, service=service, note="n", follow_up_on=timezone.localdate()
    )
    outsider = make_staff(make_neighbourhood(), profession=Profession.VCSE_LINK_WORKER)
    client = signed_in(outsider)
    url = reverse("directory:record_outcome", args=[made.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "attended"}).status_code == 403
    made.refresh_from_db()
    assert made.outcome == ""
    assert AuditEvent.objects.filter(person_id=person.pk, staff=outsider, allowed=False).exists()
    with pytest.raises(services.Refused):
        services.record_outcome(actor=outsider, signpost_id=made.pk, outcome=SignpostOutcome.ATTENDED, note="")
    with pytest.raises(services.Refused, match="today or later"):
        services.signpost(
            actor=link_worker, person=person, service=service, note="n",
            follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
        )  # fmt: skip


def test_someone_who_may_see_the_person_but_not_their_care_plan_is_told_why_they_cannot_signpost(
    home: Neighbourhood, person: Person
) -> None:
    administrator = make_staff(home, profession=Profession.ADMINISTRATOR)  # demographics only, by the default rules
    make_service("svc")
    page = signed_in(administrator).get(reverse("directory:search_for_person", args=[person.pk])).content.decode()
    assert "You cannot signpost Ada from here. Not allowed" in page
    assert "Signpost Ada to" not in page


# -- A form sent twice saves once (ADR 0024) ----------------------------------------------------------------


def test_a_report_of_out_of_date_details_sent_twice_is_one_report(home: Neighbourhood) -> None:
    make_service("svc")
    page = reverse("directory:report_detail", args=[uid("svc")])
    send_twice(signed_in(make_staff(home)), page, {"what_is_wrong": "Now meets on Thursdays"})
    assert DetailReport.objects.count() == 1


def test_an_entry_edit_sent_twice_is_one_change_in_its_history(home: Neighbourhood) -> None:
    service = make_service("svc", assured_date="2020-01-01")
    form = {
        "name": "Tuesday lunch club", "status": "active", "description": service.description,
        "eligibility_description": "", "fees_description": "", "phone": "0113 496 0555",
        "alert": "", "url": "", "email": "",
    }  # fmt: skip
    maintainer = signed_in(make_staff(home, profession=Profession.VCSE_LINK_WORKER))
    send_twice(maintainer, reverse("directory:edit_entry", args=[service.pk]), form)
    assert EntryEdit.objects.filter(service=service).count() == 1


def test_signposting_sent_twice_signposts_once_and_its_outcome_is_recorded_once(
    link_worker: Staff, person: Person
) -> None:
    make_service("svc", name="Tuesday lunch club")
    client = signed_in(link_worker)
    send_twice(
        client, reverse("directory:signpost", args=[person.pk, uid("svc")]), {"note": "Company", "follow_up": "2"}
    )
    made = Signpost.objects.get()
    outcome = {"outcome": "did_not_attend", "note": "Could not get a lift"}
    send_twice(client, reverse("directory:record_outcome", args=[made.pk]), outcome)
    made.refresh_from_db()
    assert made.outcome == SignpostOutcome.DID_NOT_ATTEND
