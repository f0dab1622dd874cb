"""The barometer's admin: platform administrators see every model, nobody adds, changes or deletes there, and
invitation tokens are never shown."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from barometer.models import (
    Answer,
    FrameUnit,
    Invitation,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseImport,
    Round,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

MODELS: tuple[Any, ...] = (
    Questionnaire,
    QuestionnaireVersion,
    Question,
    Round,
    FrameUnit,
    Invitation,
    Response,
    ResponseImport,
)


def _admin_url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:barometer_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client_(platform_admin: Any) -> Client:
    client = client_for(platform_admin)
    return client


def test_platform_admin_sees_every_list_and_record(admin_client_: Client, invitation_b: Invitation) -> None:
    response = Response.objects.create(
        round=invitation_b.round, frame_unit=invitation_b.frame_unit, invitation=invitation_b
    )
    Answer.objects.create(response=response, question=Question.objects.get(code="kind"), value="municipality")
    records: dict[Any, Any] = {
        Questionnaire: Questionnaire.objects.get(),
        QuestionnaireVersion: QuestionnaireVersion.objects.get(),
        Question: Question.objects.get(code="types"),
        Round: invitation_b.round,
        FrameUnit: invitation_b.frame_unit,
        Invitation: invitation_b,
        Response: response,
    }
    for model in MODELS:
        assert admin_client_.get(_admin_url(model, "changelist")).status_code == 200, model
    for model, record in records.items():
        page = admin_client_.get(_admin_url(model, "change", record.pk))
        assert page.status_code == 200, model
        assert invitation_b.token not in page.content.decode()
    assert invitation_b.token not in admin_client_.get(_admin_url(Invitation, "changelist")).content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_written_in_the_admin(model: Any, platform_admin: Any, rf: Any) -> None:
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = platform_admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_only_platform_admins_see_it(editor_a: Any, small_version: QuestionnaireVersion) -> None:
    editor_a.is_staff = True
    editor_a.save()
    client = client_for(editor_a)
    assert client.get(_admin_url(Questionnaire, "changelist")).status_code == 403


def test_the_admin_links_to_the_editor(admin_client_: Client, small_version: QuestionnaireVersion) -> None:
    page = admin_client_.get(_admin_url(QuestionnaireVersion, "change", small_version.pk)).content.decode()
    editor = reverse("barometer:questionnaire_version", kwargs={"code": "small", "number": 1})
    assert f'href="{editor}"' in page
