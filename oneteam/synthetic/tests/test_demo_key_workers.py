"""The demo nurse's key-worker caseload is true everywhere: an open episode names her, and no one else."""

from __future__ import annotations

import pytest
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.access.services.care_team import join_care_team
from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_demo_team, make_staff
from oneteam.people.tests.factories import make_person
from oneteam.referrals.models import Episode
from oneteam.synthetic.demo import ensure_demo_staff
from oneteam.synthetic.demo_key_workers import ensure_demo_key_workers

pytestmark = pytest.mark.django_db


def test_everyone_the_demo_nurse_is_key_worker_for_has_her_on_an_open_episode() -> None:
    team = make_demo_team()
    assert team.neighbourhood is not None
    people = [make_person(team.neighbourhood) for _ in range(40)]
    # The synthetic city already gave the first resident an episode with another key worker.
    other = make_staff(team.neighbourhood)
    Episode.objects.create(
        person=people[0], neighbourhood=team.neighbourhood, opened_at=timezone.now(), key_worker=other
    )
    join_care_team(actor=None, person=people[0], staff=other, role=CareRole.KEY_WORKER)
    ensure_demo_staff()
    nurse = Staff.objects.get(username="demo.district.nurse")

    episodes = ensure_demo_key_workers()
    caseload = set(
        CareTeamMembership.objects.filter(staff=nurse, role=CareRole.KEY_WORKER, ended_at=None).values_list(
            "person_id", flat=True
        )
    )
    assert len(episodes) == len(caseload) == 12
    for episode in episodes:
        assert episode.person_id in caseload and episode.key_worker == nurse
        assert Episode.objects.get(person=episode.person, closed_at=None).key_worker == nurse
        key_workers = CareTeamMembership.objects.filter(person=episode.person, role=CareRole.KEY_WORKER, ended_at=None)
        assert list(key_workers.values_list("staff", flat=True)) == [nurse.pk]
    assert ensure_demo_key_workers() == episodes  # running again changes nothing
