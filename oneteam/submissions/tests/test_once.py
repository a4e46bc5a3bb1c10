"""A form's key is claimed with its write: saved once, released if the write fails, unguarded without a key."""

from __future__ import annotations

import uuid

import pytest

from oneteam.submissions import services
from oneteam.submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_the_same_key_saves_once_and_the_second_is_sent_where_the_first_went() -> None:
    key, saved = uuid.uuid4(), []

    def save() -> str:
        saved.append(1)
        return "/people/1/"

    assert services.once(key=key, save=save) == "/people/1/"
    with pytest.raises(services.AlreadySaved) as again:
        services.once(key=key, save=save)
    assert again.value.next_url == "/people/1/"
    assert saved == [1]


def test_a_refused_write_releases_the_key_for_the_corrected_form() -> None:
    key = uuid.uuid4()

    def refused() -> str:
        raise ValueError("Enter the note")

    with pytest.raises(ValueError, match="Enter the note"):
        services.once(key=key, save=refused)
    assert not Submission.objects.exists()
    assert services.once(key=key, save=lambda: "/done/") == "/done/"


def test_no_key_or_a_garbled_one_is_not_guarded() -> None:
    assert services.parse_key("") is None and services.parse_key("not-a-key") is None
    assert [services.once(key=None, save=lambda: "/x/") for _ in range(2)] == ["/x/", "/x/"]
    assert not Submission.objects.exists()
