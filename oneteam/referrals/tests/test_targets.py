import datetime

import pytest
from django.utils import timezone

from oneteam.organisations.tests.factories import make_neighbourhood
from oneteam.referrals.models import Referral, ResponseTarget, Urgency
from oneteam.referrals.targets import breached, target_minutes
from oneteam.referrals.tests.factories import make_front_door, make_referral

pytestmark = pytest.mark.django_db


def test_defaults_and_team_lead_changes() -> None:
    assert target_minutes() == {"urgent": 120, "soon": 2880, "routine": 20160}
    ResponseTarget.objects.create(urgency=Urgency.URGENT, minutes=60)
    assert target_minutes()["urgent"] == 60


def test_breaches_by_urgency() -> None:
    home = make_neighbourhood()
    make_front_door(home)
    urgent, soon = make_referral(home), make_referral(home)
    Referral.objects.filter(pk=urgent.pk).update(urgency=Urgency.URGENT)
    three_hours_on = timezone.now() + datetime.timedelta(hours=3)
    found = set(breached(Referral.objects.all(), target_minutes(), three_hours_on).values_list("pk", flat=True))
    assert found == {urgent.pk}  # "soon" has two days
    Referral.objects.filter(pk=urgent.pk).update(first_contact_at=timezone.now())
    assert not breached(Referral.objects.all(), target_minutes(), three_hours_on).exists()
    assert soon.pk not in found
