"""The coordinated-care experience questionnaire: single-use links, and answers kept without identity.

A key worker makes a link for a person they support. The link carries a signed
invitation number and a random secret; only the secret's hash is stored. It
works once, for EXPIRES_AFTER days. The answers are stored against the episode
of care only, as scores from 0 to 100 (higher is better, so the one question
asked the other way round is turned round).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from oneteam.access.models import DataCategory, Purpose
from oneteam.access.services import ask, audit_list, authorise_read, prefetch
from oneteam.organisations.models import Staff
from oneteam.referrals.models import Episode

from .models import ExperienceInvitation

EXPIRES_AFTER = datetime.timedelta(days=28)
_SALT = "oneteam.outcomes.experience"


@dataclass(frozen=True)
class Question:
    field: str
    text: str
    # True when agreeing is the bad answer, so its score is turned round.
    worded_negatively: bool = False


QUESTIONS = (
    Question("asked_what_matters", "The people helping me asked me what matters to me."),
    Question("not_repeating_story", "I have had to tell my story again and again.", worded_negatively=True),
    Question("know_who_to_contact", "I know who to contact when I need help."),
    Question("working_together", "The services helping me work together."),
    Question("involved_in_decisions", "I am as involved as I want to be in decisions about my care."),
)
ANSWERS = (
    ("100", "Strongly agree"),
    ("75", "Agree"),
    ("50", "Neither agree nor disagree"),
    ("25", "Disagree"),
    ("0", "Strongly disagree"),
)


class LinkNotUsable(Exception):
    """The link was changed, has expired or has been used; the message says which, for the person."""


def secret_hash(secret: str) -> str:
    """What is stored of a link's secret: its SHA-256, so a copy of the database cannot answer for anyone."""
    return hashlib.sha256(secret.encode()).hexdigest()


def link_token(invitation: ExperienceInvitation, secret: str) -> str:
    """The signed token for the link's address: the invitation's number and its secret."""
    return signing.dumps({"invitation": invitation.pk, "secret": secret}, salt=_SALT, compress=True)


def episodes_to_ask(staff: Staff) -> list[Episode]:
    """The open episodes `staff` is key worker for, whose person the policy lets them see. Each person shown is
    recorded, in one append.
    """
    episodes = list(Episode.objects.filter(key_worker=staff, closed_at=None).select_related("person").order_by("pk"))
    prefetch(staff, [episode.person for episode in episodes])
    shown = [
        episode
        for episode in episodes
        if ask(staff, episode.person, DataCategory.DEMOGRAPHICS, Purpose.DIRECT_CARE).allowed
    ]
    audit_list(
        staff=staff,
        person_ids=[episode.person_id for episode in shown],
        category=DataCategory.DEMOGRAPHICS,
        purpose=Purpose.DIRECT_CARE,
        detail={"experience_links": True},
    )
    return shown


def episode_to_ask(staff: Staff, episode_id: int) -> Episode | None:
    """One of those episodes, if `staff` is its key worker and may see the person (the read is audited)."""
    episode = Episode.objects.filter(pk=episode_id, key_worker=staff, closed_at=None).select_related("person").first()
    if episode is None:
        return None
    decisions = authorise_read(
        staff=staff, person=episode.person, categories=[DataCategory.DEMOGRAPHICS], purpose=Purpose.DIRECT_CARE
    )
    return episode if decisions[DataCategory.DEMOGRAPHICS].allowed else None


def open_invitation(token: str) -> ExperienceInvitation:
    """The invitation a link is for, if it can still be answered; else LinkNotUsable."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=EXPIRES_AFTER)
    except signing.SignatureExpired as expired:
        raise LinkNotUsable("This link has expired.") from expired
    except signing.BadSignature as bad:
        raise LinkNotUsable("This link is not right. Check it was copied in full.") from bad
    # A token signed with our key but not made by `invitation_token` (an old format, or a leaked key) is refused too.
    well_formed = (
        isinstance(value, dict)
        and type(value.get("invitation")) is int
        and 0 < value["invitation"] < 2**63
        and isinstance(value.get("secret"), str)
    )
    invitation = (
        ExperienceInvitation.objects.filter(pk=value["invitation"], secret_hash=secret_hash(value["secret"])).first()
        if well_formed
        else None
    )
    if invitation is None:
        raise LinkNotUsable("This link is not right. Check it was copied in full.")
    if invitation.used_at is not None:
        raise LinkNotUsable("This questionnaire has already been filled in. Thank you.")
    if invitation.expires_at <= timezone.now():
        raise LinkNotUsable("This link has expired.")
    return invitation
