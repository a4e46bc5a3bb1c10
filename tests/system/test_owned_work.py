"""Work that falls between people, in a real browser: discharges, key-worker handovers, the inbox, a form sent
twice, and no dead ends (issue 17, items 3, 4, 5, 7 and 8).

With ONETEAM_SCREENSHOTS set, the key steps are saved as the user guide's pictures
(docs/user-guide/images/discharge-*.png and inbox-*.png).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oneteam.access.models import CareRole
from oneteam.access.services.care_team import join_care_team
from oneteam.care import services as care
from oneteam.care.models import ServiceType
from oneteam.care.seed import ensure_reference_data
from oneteam.mdt import services as mdt
from oneteam.mdt.tests.factories import make_meeting
from oneteam.organisations.models import Neighbourhood, Organisation, Profession, Sector, Staff
from oneteam.organisations.tests.factories import make_demo_team, make_neighbourhood, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode, HospitalEventKind, HospitalSystem, Referral, Source, Urgency
from oneteam.referrals.services import ReferralDetails, hospital, receive_referral
from oneteam.referrals.tests.factories import make_front_door
from oneteam.risk.services import stratify
from oneteam.risk.tests.conftest import YOUNGER, code, resident
from oneteam.risk.tests.test_stratify import TEN
from oneteam.synthetic.demo import ensure_demo_staff
from oneteam.synthetic.demo_meeting import ensure_demo_meeting

from .conftest import axe, click, open_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def colleague(home: Neighbourhood, profession: Profession, name: str) -> Staff:
    """A member of staff in a team of the neighbourhood, with a name a reader of the user guide can follow."""
    staff = make_staff(home, profession=profession)
    staff.first_name, staff.last_name = name.split()
    staff.save(update_fields=["first_name", "last_name"])
    Organisation.objects.filter(staff=staff).update(name="City Community Health NHS Trust")
    return staff


def test_a_discharge_is_declined_with_a_reason_then_accepted_as_owned_work(page: Page, live_server: object) -> None:
    page.set_viewport_size({"width": 1000, "height": 900})
    base = str(live_server)
    home = make_neighbourhood()
    door = make_front_door(home)
    nina = colleague(home, Profession.DISTRICT_NURSE, "Nina Patel")
    tom = colleague(home, Profession.CARE_COORDINATOR, "Tom Reid")
    for member in (nina, tom):
        member.teams.add(door)
    grace = colleague(home, Profession.SOCIAL_WORKER, "Grace Obi")
    cy = make_person(home, given_name="Cy", family_name="Home")
    Episode.objects.create(person=cy, neighbourhood=home, opened_at=timezone.now(), key_worker=grace)
    # The hospital's feed announces the discharge (the feed is named differently from the hospital, as real ones are).
    st_marys = Organisation.objects.create(name="St Mary's Hospital", ods_code="RSM", sector=Sector.ACUTE_HOSPITAL)
    feed = HospitalSystem.objects.create(
        name="St Mary's ADT feed", organisation=st_marys, token_hash="0" * 64, created_at=timezone.now()
    )
    notice = hospital.EncounterNotice(
        external_id="ENC-1",
        nhs_number=cy.nhs_number,
        kind=HospitalEventKind.DISCHARGE,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        admitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    hospital.receive_encounter(system=feed, notice=notice)

    # The nurse finds the discharge in her inbox: it names the hospital, not the feed it came from.
    open_as(page, base, nina, "/inbox/")
    discharges = page.get_by_role("table", name="Hospital discharges waiting for your team")
    expect(discharges).to_contain_text("Not accepted yet")
    discharges.get_by_role("link", name="Cy HOME").click()
    axe(page)
    expect(page.get_by_text("St Mary's Hospital")).to_be_visible()
    expect(page.get_by_text("ADT feed")).to_have_count(0)
    screenshot(page, "discharge-handover")

    # She cannot take it on and must say why; it stays in the team's queue.
    click(page, "button", "Decline handover")
    expect(page.locator("#id_reason-error")).to_contain_text("Give a reason for declining")
    page.get_by_label("Why can you not take this person on?").fill("On leave from tomorrow for two weeks")
    click(page, "button", "Decline handover")
    expect(page.get_by_text("You declined this handover. It is back in the")).to_be_visible()

    # The coordinator sees why, accepts, and holds the follow-up with first contact due.
    open_as(page, base, tom, "/inbox/")
    expect(page.get_by_text("Declined by Nina Patel: On leave from tomorrow for two weeks")).to_be_visible()
    page.get_by_role("table", name="Hospital discharges waiting for your team").get_by_role("link").click()
    axe(page)
    click(page, "button", "Accept handover")
    expect(page.get_by_text("You accepted this discharge handover.")).to_be_visible()
    expect(page.get_by_text("Held by Tom Reid (Care coordinator).")).to_be_visible()
    expect(page.get_by_text("Follow-up after discharge from St Mary's Hospital")).to_be_visible()
    screenshot(page, "discharge-accepted")

    # The key worker was told of the discharge, and now of who follows it up.
    open_as(page, base, grace, "/inbox/")
    expect(page.get_by_text(re.compile("^Discharged from St Mary's Hospital on"))).to_be_visible()
    expect(
        page.get_by_text(re.compile("^Tom Reid accepted the handover after discharge from St Mary's"))
    ).to_be_visible()
    assert Referral.objects.get(person=cy).owner_staff == tom


def test_one_key_worker_everywhere_and_the_handover_note_reaches_the_new_one(page: Page, live_server: object) -> None:
    base = str(live_server)
    team = make_demo_team()
    assert team.neighbourhood is not None
    for _ in range(40):
        make_person(team.neighbourhood)
    ensure_demo_staff()
    meeting = ensure_demo_meeting()  # the README: three people the demo nurse is key worker for on the agenda
    nurse = Staff.objects.get(username="demo.district.nurse")
    social_worker = Staff.objects.get(username="demo.social.worker")
    person = meeting.items.order_by("pk").first().person  # type: ignore[union-attr]
    name = nurse.get_full_name()

    # The summary, the sharing page and the MDT agree on who the key worker is.
    open_as(page, base, nurse, f"/people/{person.pk}/")
    key_worker = page.get_by_role("heading", name="Key worker").locator("xpath=following-sibling::dl[1]")
    expect(key_worker).to_contain_text(name)
    click(page, "link", "Who can see this record and why")
    expect(page.get_by_text(re.compile(f"^{name}, District nurse.* – Key worker$"))).to_have_count(1)
    expect(page.get_by_text(re.compile(r" – Key worker$"))).to_have_count(1)
    chair = Staff.objects.get(username="demo.care.coordinator")
    item = meeting.items.get(person=person)
    open_as(page, base, chair, f"/mdt/items/{item.pk}/")
    expect(page.locator("dl").filter(has_text="Key worker")).to_contain_text(f"{name} (District nurse)")

    # She hands the role on with a note; it reaches the social worker's inbox and stays on the record.
    open_as(page, base, nurse, f"/referrals/people/{person.pk}/key-worker/")
    page.get_by_label("New key worker").select_option(str(social_worker.pk))
    page.get_by_label("Handover note").fill("Daughter visits on Tuesdays; key safe code is with the office")
    click(page, "button", "Change key worker")
    expect(page.get_by_text(f"{social_worker.get_full_name()} is now the key worker.")).to_be_visible()
    open_as(page, base, social_worker, "/inbox/")
    expect(page.get_by_text("Daughter visits on Tuesdays; key safe code is with the office")).to_be_visible()
    open_as(page, base, social_worker, f"/referrals/people/{person.pk}/key-worker/")
    expect(page.get_by_role("heading", name="Earlier handovers")).to_be_visible()
    expect(page.get_by_text("Daughter visits on Tuesdays; key safe code is with the office")).to_be_visible()


def test_the_inbox_holds_care_plan_and_mdt_actions_and_invitees_see_who_an_item_is_about(
    page: Page, live_server: object
) -> None:
    page.set_viewport_size({"width": 1000, "height": 900})
    base = str(live_server)
    home = make_neighbourhood()
    door = make_front_door(home)
    coordinator = colleague(home, Profession.CARE_COORDINATOR, "Cara Lane")
    coordinator.teams.add(door)
    nurse = colleague(home, Profession.DISTRICT_NURSE, "Nina Patel")
    social_worker = colleague(home, Profession.SOCIAL_WORKER, "Grace Obi")
    ada = make_person(home, given_name="Ada", family_name="Khan")
    join_care_team(actor=None, person=ada, staff=nurse, role=CareRole.KEY_WORKER)
    ensure_reference_data()  # a transactional test starts with empty tables
    service = ServiceType.objects.get(code="district-nursing")
    late = timezone.localdate() - datetime.timedelta(days=2)
    details = care.ActionDetails(
        description="Arrange a carer's assessment for her daughter",
        owner=social_worker,
        service_type=service,
        due_on=late,
    )
    care.add_action(actor=nurse, person=ada, expected_version=0, details=details)
    meeting = make_meeting(home, coordinator)
    mdt.add_item(
        actor=coordinator,
        meeting=meeting,
        person=ada,
        question="Is a package of care needed after her fall?",
        professions=[Profession.SOCIAL_WORKER],
        expected_minutes=10,
    )

    # The social worker's inbox has the action a colleague gave her, flagged overdue.
    open_as(page, base, social_worker, "/inbox/")
    actions = page.get_by_role("table", name="Care-plan actions you own, soonest due first")
    expect(actions).to_contain_text("Arrange a carer's assessment for her daughter")
    expect(actions).to_contain_text("Ada KHAN")
    expect(actions.get_by_text("Overdue")).to_be_visible()
    screenshot(page, "inbox-actions", page.get_by_role("heading", name=re.compile("^Care-plan actions you own")))

    # Invited to discuss Ada at the MDT, she sees who the item is about and can prepare.
    open_as(page, base, social_worker, f"/mdt/meetings/{meeting.pk}/")
    expect(page.get_by_text("Ada KHAN")).to_be_visible()
    expect(page.get_by_text("Is a package of care needed after her fall?")).to_be_visible()
    expect(page.get_by_text("You cannot see who this item is about")).to_have_count(0)


def test_a_referral_sent_twice_makes_one_and_the_referrer_is_told(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    make_front_door(home)
    gp = colleague(home, Profession.GP, "Priya Shah")
    ada = make_person(home, given_name="Ada", family_name="Khan")

    for _ in range(2):  # the second time is the same form sent again
        open_as(page, base, gp, f"/referrals/new/people/{ada.pk}/")
        page.get_by_label("Falls").check()
        page.get_by_label("Soon").check()
        page.get_by_label("Yes").check()
        click(page, "button", "Send referral")
        expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    expect(page.get_by_text("You had already sent this referral, so it was not sent a second time.")).to_be_visible()
    assert Referral.objects.filter(person=ada).count() == 1

    # A colleague referring Ada for the same need is told it is already with the team.
    nurse = colleague(home, Profession.DISTRICT_NURSE, "Nina Patel")
    open_as(page, base, nurse, f"/referrals/new/people/{ada.pk}/")
    page.get_by_label("Falls").check()
    page.get_by_label("Soon").check()
    page.get_by_label("Yes").check()
    click(page, "button", "Send referral")
    expect(page.locator("#id_need-error")).to_contain_text("Ada Khan was already referred for falls")
    assert Referral.objects.filter(person=ada).count() == 1


def test_no_dead_ends_for_the_mdt_chair_the_triager_and_someone_without_a_gp(page: Page, live_server: object) -> None:
    base = str(live_server)
    home = make_neighbourhood()
    door = make_front_door(home)
    chair = colleague(home, Profession.CARE_COORDINATOR, "Cara Lane")
    chair.teams.add(door)
    meeting = make_meeting(home, chair, in_days=2)
    item = mdt.add_item(
        actor=chair,
        meeting=meeting,
        person=make_person(home),
        question="Who visits first?",
        professions=[Profession.DISTRICT_NURSE],
        expected_minutes=10,
    )

    # An agenda item cannot have a decision before the meeting starts.
    open_as(page, base, chair, f"/mdt/items/{item.pk}/")
    expect(page.get_by_text("You can record the decision once the meeting has started")).to_be_visible()
    expect(page.get_by_role("button", name="Save decision")).to_have_count(0)

    # Someone not registered with a GP refers themselves by the area they live in.
    page.context.clear_cookies()
    page.goto(base + "/refer-yourself/")
    axe(page)
    page.get_by_label("GP surgery").select_option(label="Not registered with a GP, or I do not know")
    expect(page.get_by_label(re.compile("If the person is not registered with a GP"))).to_be_visible()

    # The triager finds a record without an NHS number, by name and date of birth.
    born = datetime.date(1938, 5, 4)
    ada = make_person(home, given_name="Ada", family_name="Khan", date_of_birth=born)
    details = ReferralDetails(
        given_name="Ada",
        family_name="Khan",
        date_of_birth=born,
        need="falls",
        urgency=Urgency.SOON,
        consent_to_share=True,
    )
    referral = receive_referral(neighbourhood=home, details=details, source=Source.SELF)
    open_as(page, base, chair, f"/referrals/{referral.pk}/")
    click(page, "button", "Find by name and date of birth")
    expect(page.get_by_text("1 record has this name and date of birth")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Match to Ada KHAN")).click()
    axe(page)
    expect(page.get_by_text("Referral matched to Ada Khan's record.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.person == ada


def test_the_proactive_care_list_starts_with_people_65_and_over_with_an_efi(page: Page, live_server: object) -> None:
    home = make_neighbourhood("N2")
    make_front_door(home)
    matron = make_staff(home, profession=Profession.COMMUNITY_MATRON)
    code(resident(home, given_name="Olive", family_name="Older", lives_alone=True), *TEN[:5])
    resident(home, given_name="Yan", family_name="Young", date_of_birth=YOUNGER, lives_alone=True)
    stratify.run()

    open_as(page, str(live_server), matron, "/risk/")
    people = page.get_by_role("table", name="People on the proactive care list")
    expect(people).to_contain_text("Olive OLDER")
    expect(people).not_to_contain_text("Yan")
    page.get_by_label("Include people under 65 and others without an eFI").check()
    click(page, "button", "Show people")
    expect(people).to_contain_text("Yan YOUNG")
