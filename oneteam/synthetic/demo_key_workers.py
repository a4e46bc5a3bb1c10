"""The demo district nurse's key-worker caseload, made true everywhere it is shown.

The demo sign-ins (oneteam.synthetic.demo) put the demo nurse on some
residents' care teams as key worker. The key worker the person's summary, the
MDT and the sharing page name is the key worker of the person's open episode,
so each of those people gets one with her as key worker, and any other key
worker the synthetic city gave them steps down. Never available in production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from oneteam.access.models import CareRole, CareTeamMembership
from oneteam.access.services.care_team import leave_care_team
from oneteam.organisations.models import Profession, Staff
from oneteam.referrals.models import Episode

from .demo import demo_username


@transaction.atomic
def ensure_demo_key_workers() -> list[Episode]:
    """Open episodes, with the demo nurse as key worker, for everyone she is key worker for. Safe to run again."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo caseloads are never set up in production.")
    nurse = Staff.objects.get(username=demo_username(Profession.DISTRICT_NURSE))
    memberships = CareTeamMembership.objects.filter(
        staff=nurse, role=CareRole.KEY_WORKER, ended_at__isnull=True
    ).select_related("person")
    episodes = []
    for membership in memberships.order_by("person_id"):
        person = membership.person
        episode = Episode.objects.filter(person=person, closed_at__isnull=True).first()
        if episode is None:
            assert person.practice_neighbourhood_id is not None  # the demo city places everyone
            episode = Episode.objects.create(
                person=person,
                neighbourhood_id=person.practice_neighbourhood_id,
                opened_at=membership.started_at or timezone.now(),
                key_worker=nurse,
            )
        elif episode.key_worker_id != nurse.pk:
            episode.key_worker = nurse
            episode.save(update_fields=["key_worker"])
        others = CareTeamMembership.objects.filter(
            person=person, role=CareRole.KEY_WORKER, ended_at__isnull=True
        ).exclude(staff=nurse)
        for other in others:
            leave_care_team(actor=None, membership=other)
        episodes.append(episode)
    return episodes
