"""Attacks on innovation attachments: a zip bomb refused quickly with its reason, the check and the disk write
done outside the write transaction (before, the check ran inside it and a bomb locked SQLite for 23 s), nothing
left behind when saving fails, and the files served sandboxed like ideas' files."""

import time
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from innovations import services
from innovations.models import Attachment
from tests import zip_bombs
from tests.pages import client_for, t, url

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_zip_bomb_is_refused_on_the_page_quickly_with_its_reason(published_a: Any, editor_a: Any) -> None:
    bomb = SimpleUploadedFile("suunnitelma.odt", zip_bombs.odt_bomb())
    started = time.monotonic()
    response = client_for(editor_a).post(
        url("innovations:attachment_add", pk=published_a.pk),
        {"attachment-title": "Suunnitelma", "attachment-file": bomb},
    )
    assert time.monotonic() - started < 8  # the page itself takes a moment on a busy machine; the bomb took 11 s
    assert response.status_code == 200
    assert t("The document unpacks to more than %(limit)d MB: it cannot be accepted.", "fi") % {"limit": 200} in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_the_check_and_the_disk_write_happen_outside_the_transaction(published_a: Any, editor_a: Any) -> None:
    outside = len(connection.atomic_blocks)  # the test's own transaction
    seen: dict[str, int] = {}
    real_check, real_save = services.check_upload, default_storage.save

    def check_upload(upload: Any) -> str:
        seen["check"] = len(connection.atomic_blocks)
        return real_check(upload)

    def save(*args: Any, **kwargs: Any) -> str:
        seen["write"] = len(connection.atomic_blocks)
        return real_save(*args, **kwargs)

    with mock.patch.object(services, "check_upload", check_upload), mock.patch.object(default_storage, "save", save):
        services.attachment_add(actor=editor_a, innovation=published_a, upload=SimpleUploadedFile("a.pdf", PDF))
    assert seen == {"check": outside, "write": outside}


def test_a_failed_save_leaves_no_file_behind(published_a: Any, editor_a: Any) -> None:
    written: list[str] = []
    real_save = default_storage.save

    def save(*args: Any, **kwargs: Any) -> str:
        written.append(real_save(*args, **kwargs))
        return written[-1]

    with (
        mock.patch.object(default_storage, "save", save),
        mock.patch.object(services, "change_record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.attachment_add(actor=editor_a, innovation=published_a, upload=SimpleUploadedFile("a.pdf", PDF))
    assert written
    assert not default_storage.exists(written[0])
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("draft", [False, True])
def test_attachments_are_served_sandboxed(published_a: Any, draft_a: Any, editor_a: Any, draft: bool) -> None:
    innovation = draft_a if draft else published_a
    attachment = services.attachment_add(
        actor=editor_a, innovation=innovation, upload=SimpleUploadedFile("sivu.txt", b"<script>alert(1)</script>")
    )
    response = client_for(editor_a).get(url("innovations:attachment", pk=innovation.pk, attachment_pk=attachment.pk))
    response.close()  # a streamed file: closing ends the request (work held for after the response runs)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ("private" in response.get("Cache-Control", "")) is draft
