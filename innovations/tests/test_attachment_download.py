"""Attachments are served through a permission-checked view: a draft's files stay inside its organisation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innovations import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_attachment(editor_a, draft_a):
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test plan", content_type="application/pdf")
    return services.attachment_add(actor=editor_a, innovation=draft_a, upload=upload, title="Plan")


def _url(attachment):
    return reverse("innovations:attachment", kwargs={"pk": attachment.innovation_id, "attachment_pk": attachment.pk})


def test_member_downloads_draft_attachment(client, editor_a, draft_attachment):
    client.force_login(editor_a)
    response = client.get(_url(draft_attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test plan"


@pytest.mark.parametrize("who", ["anonymous", "registered_user", "editor_b"])
def test_outsiders_get_404_for_draft_attachment(client, request, who, draft_attachment):
    user = request.getfixturevalue(who)
    if user is not None and getattr(user, "is_authenticated", False):
        client.force_login(user)
    assert client.get(_url(draft_attachment)).status_code == 404


def test_missing_page_uses_site_layout(client):
    response = client.get("/fi/innovations/999999999/")
    assert response.status_code == 404
    assert b'id="main"' in response.content
