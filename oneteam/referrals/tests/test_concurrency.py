"""Two people accept the same handover offer at the same moment, on separate database connections."""

import threading

import pytest
from django.db import connection

from oneteam.organisations.models import Staff
from oneteam.organisations.tests.factories import make_neighbourhood, make_staff
from oneteam.referrals import services
from oneteam.referrals.models import HandoverOffer, OfferStatus, Referral
from oneteam.referrals.tests.factories import make_front_door, make_referral


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_two_simultaneous_accepts_wins() -> None:
    home = make_neighbourhood()
    team = make_front_door(home)
    owner = make_staff(home)
    owner.teams.add(team)
    first, second = make_staff(home), make_staff(home)
    first.teams.add(team)
    second.teams.add(team)
    referral = make_referral(home)
    offer = services.offer_handover(actor=owner, referral=referral, to_team=team, note="Please take this one")

    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(staff: Staff) -> None:
        try:
            start.wait()
            services.accept_handover(actor=Staff.objects.get(pk=staff.pk), offer=HandoverOffer.objects.get(pk=offer.pk))
            outcomes[staff.username] = "won"
        except services.ReferralRefused as refused:
            outcomes[staff.username] = str(refused)
        finally:
            connection.close()  # each thread has its own connection; release it

    threads = [threading.Thread(target=accept, args=(staff,)) for staff in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(outcomes.values()).count("won") == 1, outcomes
    loser = next(text for text in outcomes.values() if text != "won")
    assert "already been accepted by" in loser and "someone else" not in loser
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert Referral.objects.get(pk=referral.pk).owner_team == team
