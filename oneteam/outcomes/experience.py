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
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from oneteam.access.models import AuditAction, DataCategory, Purpose
from oneteam.access.services import ask, audit_list, authorise_read, prefetch, record_event
from oneteam.organisations.models import Staff
from oneteam.referrals.models import Episode

from .models import ExperienceInvitation, ExperienceResponse

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


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


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


@transaction.atomic
def invite(*, staff: Staff, episode: Episode) -> str:
    """Make a single-use link for the person in `episode`; returns the token for the link's address."""
    secret = secrets.token_urlsafe(24)
    now = timezone.now()
    invitation = ExperienceInvitation.objects.create(
        episode=episode, secret_hash=_hash(secret), created_by=staff, created_at=now, expires_at=now + EXPIRES_AFTER
    )
    record_event(
        staff=staff,
        action=AuditAction.CREATE,
        person_id=episode.person_id,
        category=DataCategory.CARE_PLAN,
        detail={"experience_invitation": invitation.pk},
    )
    return signing.dumps({"invitation": invitation.pk, "secret": secret}, salt=_SALT, compress=True)


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
        ExperienceInvitation.objects.filter(pk=value["invitation"], secret_hash=_hash(value["secret"])).first()
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


@transaction.atomic
def record_answers(*, token: str, scores: dict[str, int], with_staff: bool) -> None:
    """Store the answers and use up the link, once: a second submission is refused, not stored."""
    invitation = open_invitation(token)
    used = ExperienceInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:  # someone submitted the same link a moment ago
        raise LinkNotUsable("This questionnaire has already been filled in. Thank you.")
    turned = {
        question.field: 100 - scores[question.field] if question.worded_negatively else scores[question.field]
        for question in QUESTIONS
    }
    ExperienceResponse.objects.create(
        episode_id=invitation.episode_id, answered_on=timezone.localdate(), with_staff=with_staff, **turned
    )
