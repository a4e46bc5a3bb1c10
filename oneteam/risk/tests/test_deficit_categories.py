"""Each eFI deficit has the data category of its codes (from the condition code list, as the summary and FHIR use):
the explanation names a deficit only to a viewer the policy lets see that category, and audits the categories it
read; lists, exports and the words copied into referrals name physical-health deficits only.

OneTeam's own eFI list counts no mental-health code (dementia is physical health on purpose), so these tests use a
list in which a clinical coder has widened "memory and cognitive problems" with schizophrenia and bipolar disorder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneteam.access.models import AuditAction, AuditEvent, CareRole, CareTeamMembership, DataCategory
from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff
from oneteam.people.models import Person
from oneteam.risk import codelist
from oneteam.risk.queries import export_lines
from oneteam.risk.services import stratify
from oneteam.synthetic import codes as C

from .conftest import code, resident
from .test_stratify import TEN
from .test_views import text

pytestmark = pytest.mark.django_db
SignIn = Callable[[Staff], Client]
VERSION = "efi-mh-test"
HIDDEN = "memory and cognitive problems"


@pytest.fixture
def widened_code_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The eFI list with schizophrenia and bipolar disorder counted as memory and cognitive problems."""
    original = (codelist.FOLDER / "efi-v1.json").read_text(encoding="utf-8")
    (tmp_path / "efi-v1.json").write_text(original, encoding="utf-8")
    document = json.loads(original)
    document["version"] = VERSION
    memory = next(d for d in document["deficits"] if d["key"] == "memory_and_cognitive_problems")
    memory["codes"] += [{"code": c.code, "term": c.term} for c in (C.SCHIZOPHRENIA, C.BIPOLAR_DISORDER)]
    (tmp_path / f"{VERSION}.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(codelist, "FOLDER", tmp_path)
    yield VERSION
    codelist.load.cache_clear()


@pytest.fixture
def person(home: Neighbourhood, widened_code_list: str) -> Person:
    """Ten deficits, one of them (memory and cognitive problems) counted from a schizophrenia diagnosis."""
    person = resident(home, family_name="Frail")
    code(person, *[concept for concept in TEN if concept != C.DEMENTIA], C.SCHIZOPHRENIA)
    stratify.run(version=widened_code_list)
    return person


def test_the_deficit_takes_the_category_of_its_codes(widened_code_list: str) -> None:
    deficits = codelist.load(widened_code_list).by_key
    assert deficits["memory_and_cognitive_problems"].categories == {
        DataCategory.PHYSICAL_HEALTH,
        DataCategory.MENTAL_HEALTH,
    }
    assert deficits["heart_failure"].categories == {DataCategory.PHYSICAL_HEALTH}
    assert codelist.load().by_key["memory_and_cognitive_problems"].categories == {DataCategory.PHYSICAL_HEALTH}


def test_a_nurse_outside_the_care_team_is_not_shown_a_mental_health_deficit_and_the_audit_says_so(
    client_for: SignIn, home: Neighbourhood, person: Person
) -> None:
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)

    page = text(client_for(nurse).get(reverse("risk:person", args=[person.pk])))

    assert "<li>heart failure</li>" in page and HIDDEN not in page
    assert "has 10 of 36" in page and "1 deficit is not named here because you cannot see them" in page
    events = {(e.category, e.action) for e in AuditEvent.objects.filter(staff=nurse, person_id=person.pk)}
    assert events == {
        (DataCategory.PHYSICAL_HEALTH, AuditAction.VIEW),
        (DataCategory.MENTAL_HEALTH, AuditAction.DENIED),
    }


def test_the_key_worker_is_shown_it_and_the_audit_records_a_mental_health_read(
    client_for: SignIn, home: Neighbourhood, person: Person
) -> None:
    nurse = make_staff(home, profession=Profession.DISTRICT_NURSE)
    CareTeamMembership.objects.create(person=person, staff=nurse, role=CareRole.KEY_WORKER, started_at=timezone.now())

    page = text(client_for(nurse).get(reverse("risk:person", args=[person.pk])))

    assert f"<li>{HIDDEN}</li>" in page and "not named here because you cannot see them" not in page
    assert AuditEvent.objects.filter(
        staff=nurse, person_id=person.pk, category=DataCategory.MENTAL_HEALTH, action=AuditAction.VIEW
    ).exists()


def test_lists_exports_and_referral_words_name_physical_health_deficits_only(
    client_for: SignIn, home: Neighbourhood, person: Person
) -> None:
    key_worker = make_staff(home, profession=Profession.DISTRICT_NURSE)
    CareTeamMembership.objects.create(
        person=person, staff=key_worker, role=CareRole.KEY_WORKER, started_at=timezone.now()
    )
    client = client_for(key_worker)

    listed = text(client.get(reverse("risk:cohort")))
    assert "Moderate frailty (10 of 36): atrial fibrillation" in listed
    assert "1 other not named here" in listed and HIDDEN not in listed
    line = next(line for line in export_lines(staff=key_worker) if line.nhs_number == person.nhs_number)
    assert "heart failure" in line.deficits and HIDDEN not in line.deficits
    # Even the key worker, who may see it, does not copy it into a referral the front door reads.
    client.post(reverse("risk:refer", args=[person.pk]))
    assert HIDDEN not in person.referrals.get().need_detail
