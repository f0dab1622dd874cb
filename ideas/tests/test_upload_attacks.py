"""Attacks on the send form through its files and limits, without an account: a zip bomb as the attachment of
forms that are refused anyway (before, only complete sendings counted, so such forms were free), the files
checked while a transaction waits, and one address flooded with confirmation mails from many connections."""

import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from core import uploads as core_uploads
from ideas.models import Challenge, Idea
from ideas.services import ideas as services
from ideas.tests.test_uploads import image_bytes
from ideas.views.limits import ATTEMPT_RATE, CONFIRMATION_RATE_PER_ADDRESS
from tests import zip_bombs
from tests.pages import t, url

pytestmark = pytest.mark.django_db


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bombs.odt_bomb()


def test_a_flood_of_invalid_forms_with_a_zip_bomb_is_limited(challenge_a: Challenge, bomb: bytes) -> None:
    page = url("ideas:send", pk=challenge_a.pk)
    client = Client()
    checks = mock.Mock(wraps=core_uploads.check_file)
    statuses = []
    with mock.patch.object(core_uploads, "check_file", checks):
        for _ in range(_limit(ATTEMPT_RATE) + 5):
            # No title: the form is refused whatever the file, and the bomb is checked on the way.
            data = {
                "title": "",
                "text": "T",
                "sender_email": "a@example.fi",
                "attachment": SimpleUploadedFile("a.odt", bomb),
            }
            started = time.monotonic()
            response = client.post(page, data)
            statuses.append(response.status_code)
            assert time.monotonic() - started < 3  # each is refused quickly, bomb or not
    assert statuses[: _limit(ATTEMPT_RATE)] == [200] * _limit(ATTEMPT_RATE)
    assert statuses[_limit(ATTEMPT_RATE) :] == [429] * 5
    # Past the limit the files are not looked at at all.
    assert checks.call_count == _limit(ATTEMPT_RATE)
    assert t("Too many ideas were sent from your account or address. Wait a moment and try again.", "fi") in (
        response.content.decode()
    )
    assert not Idea.objects.exists()


def test_the_bomb_is_refused_at_the_attachment_field(challenge_a: Challenge, bomb: bytes) -> None:
    data = {
        "title": "Idea",
        "text": "T",
        "sender_email": "a@example.fi",
        "attachment": SimpleUploadedFile("a.odt", bomb),
    }
    response = Client().post(url("ideas:send", pk=challenge_a.pk), data)
    assert response.status_code == 200
    assert t("The document unpacks to more than %(limit)d MB: it cannot be accepted.", "fi") % {"limit": 200} in (
        response.content.decode()
    )
    assert not Idea.objects.exists()


def test_files_are_checked_and_images_decoded_before_the_transaction(challenge_a: Challenge, sender: Any) -> None:
    """Decoding a 50-megapixel image takes a second or more: no transaction (on SQLite, the one write lock) may be
    open meanwhile."""
    outside = len(connection.atomic_blocks)  # the test's own transaction
    seen: list[int] = []
    real_clean = core_uploads.clean_image

    def clean_image(*args: Any, **kwargs: Any) -> Any:
        seen.append(len(connection.atomic_blocks))
        return real_clean(*args, **kwargs)

    with mock.patch.object(core_uploads, "clean_image", clean_image):
        services.idea_send(
            actor=sender,
            challenge=challenge_a,
            title="Kuva",
            text="T",
            image=SimpleUploadedFile("kuva.png", image_bytes()),
        )
    assert seen == [outside]


def test_one_address_gets_a_limited_number_of_confirmation_mails_from_any_number_of_connections(
    challenge_a: Challenge, django_capture_on_commit_callbacks: Any
) -> None:
    page = url("ideas:send", pk=challenge_a.pk)
    limit = _limit(CONFIRMATION_RATE_PER_ADDRESS)
    statuses = []
    for number in range(limit + 3):
        # A new connection each time: the limits per person or address from where it is sent do not hold.
        data = {"title": f"Idea {number}", "text": "T", "sender_email": "Uhri@Example.fi"}
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(Client(REMOTE_ADDR=f"10.1.0.{number}").post(page, data).status_code)
    assert statuses == [302] * limit + [429] * 3
    assert len(mail.outbox) == limit
    assert {message.to[0].lower() for message in mail.outbox} == {"uhri@example.fi"}
    # Another address is not held up.
    other = {"title": "Oma", "text": "T", "sender_email": "toinen@example.fi"}
    assert Client(REMOTE_ADDR="10.2.0.1").post(page, other).status_code == 302
