"""Comments and moderation: a hidden idea takes no comments from anyone (pages, API, service), and no comment's
text is mailed, since mails go out before the moderators can have seen (and hidden) it."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from ideas.models import Comment, Idea
from ideas.services import ideas as services
from ideas.services import moderation
from tests.pages import client_for, t, token_client, url

pytestmark = pytest.mark.django_db
ROLES = ["registered_user", "sender", "editor_a", "platform_admin"]


@pytest.fixture
def hidden_idea(idea_a: Idea, editor_a: Any) -> Idea:
    return moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Asiaton")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_comments_on_a_hidden_idea_on_its_page(hidden_idea: Idea, role: str, request: Any) -> None:
    response = client_for(request.getfixturevalue(role)).post(url("ideas:comment", pk=hidden_idea.pk), {"text": "Hei"})
    assert response.status_code in (403, 404)  # 404 for who may not see the hidden idea at all
    if response.status_code == 403:
        assert t("The moderators have hidden this idea: it takes no comments.", "fi") in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_nobody_comments_on_a_hidden_idea_through_the_api(hidden_idea: Idea, role: str, request: Any) -> None:
    response = token_client(request.getfixturevalue(role)).post(
        f"/api/v1/ideas/{hidden_idea.pk}/comments", {"text": "Hei"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    assert not Comment.objects.exists()


def test_the_service_refuses_an_idea_hidden_after_it_was_read(
    idea_a: Idea, editor_a: Any, registered_user: Any
) -> None:
    stale = Idea.objects.get(pk=idea_a.pk)
    moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Asiaton")
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=registered_user, idea=stale, text="Hei")
    assert not Comment.objects.exists()


def test_comments_on_a_visible_idea_still_work(idea_a: Idea, registered_user: Any) -> None:
    response = client_for(registered_user).post(url("ideas:comment", pk=idea_a.pk), {"text": "Hyvä idea"})
    assert response.status_code == 302
    assert Comment.objects.filter(idea=idea_a).count() == 1


def test_a_comments_text_is_not_mailed(
    idea_a: Idea, registered_user: Any, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(actor=registered_user, idea=idea_a, text="Osta halpoja kelloja osoitteesta x")
    # The sender is told at once, before any moderator has looked; later the comment is hidden.
    moderation.comment_set_hidden(actor=editor_a, comment=comment, hidden=True, reason="Mainos")
    assert mail.outbox, "the sender is told that somebody commented"
    for message in mail.outbox:
        assert "kelloja" not in message.body
        assert all("kelloja" not in str(content) for content, _type in getattr(message, "alternatives", []))
