"""What one idea shows to one person (selectors.idea_for_person): the idea's page and the API read the same
answer — the flags, the hidden idea's masking, the comments — so that the two cannot drift apart."""

from typing import Any

import pytest

from ideas.models import Comment, Idea
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from ideas.services import moderation
from tests.pages import client_for, t, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_idea(idea_a: Idea, editor_a: Any) -> Idea:
    moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Mainos")
    return Idea.objects.get(pk=idea_a.pk)


def _api(person: Any, idea: Idea) -> dict[str, Any]:
    response = client_for(person).get(f"/api/v1/ideas/{idea.pk}")
    assert response.status_code == 200
    return response.json()


def test_a_hidden_idea_is_masked_for_an_outsider(hidden_idea: Idea, anonymous: Any, registered_user: Any) -> None:
    for person in (anonymous, registered_user):
        shown = selectors.idea_for_person(idea=hidden_idea, user=person)
        assert (shown.title, shown.text) == ("", "")
        assert not shown.is_handler
        assert not shown.shows_files
        assert not shown.shows_sender
        assert not shown.may_comment  # a hidden idea's discussion is closed
        data = _api(person, hidden_idea)
        assert (data["title"], data["text"]) == ("", "")
        assert data["hidden_reason"] == "Mainos"
        page = client_for(person).get(url("ideas:idea", pk=hidden_idea.pk)).content.decode()
        assert hidden_idea.title not in page
        assert t("Hidden idea") in page


def test_a_hidden_idea_is_shown_to_its_handler_and_its_sender(hidden_idea: Idea, editor_a: Any, sender: Any) -> None:
    handler = selectors.idea_for_person(idea=hidden_idea, user=editor_a)
    assert handler.is_handler
    assert handler.shows_files
    assert handler.shows_sender
    assert (handler.title, handler.text) == (hidden_idea.title, hidden_idea.text)
    own = selectors.idea_for_person(idea=hidden_idea, user=sender)
    assert own.is_sender
    assert not own.is_handler
    assert not own.shows_sender
    # The API gives the sender what they wrote; the page, as before, shows its text to the handlers only.
    assert (own.title, own.text) == (hidden_idea.title, hidden_idea.text)
    assert not own.shows_files
    assert _api(sender, hidden_idea)["title"] == hidden_idea.title
    assert (
        f"<h1>{hidden_idea.title}</h1>"
        in client_for(editor_a).get(url("ideas:idea", pk=hidden_idea.pk)).content.decode()
    )


def test_a_hidden_idea_sent_without_an_account_is_masked_for_the_anonymous(
    unconfirmed_a: Idea, editor_a: Any, anonymous: Any
) -> None:
    """No sender and no signed-in person are not the same person: neither id makes the other its sender."""
    idea = services.idea_confirm(token=unconfirmed_a.confirmation_token)
    assert idea is not None
    moderation.idea_set_hidden(actor=editor_a, idea=idea, hidden=True, reason="Mainos")
    idea = Idea.objects.get(pk=idea.pk)
    shown = selectors.idea_for_person(idea=idea, user=anonymous)
    assert not shown.is_sender
    assert (shown.title, shown.text) == ("", "")
    assert _api(anonymous, idea)["title"] == ""
    assert selectors.masked_for(ideas=[idea], user=anonymous)[0].title == ""


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "sender", "editor_a", "editor_b", "platform_admin"])
def test_the_page_and_the_api_give_the_same_answer(
    request: pytest.FixtureRequest, idea_a: Idea, comment_hidden: Comment, role: str
) -> None:
    person = request.getfixturevalue(role)
    shown = selectors.idea_for_person(idea=Idea.objects.get(pk=idea_a.pk), user=person)
    data = _api(person, idea_a)
    assert data["you"] == {
        "supported": shown.supported,
        "may_comment": shown.may_comment,
        "may_support": shown.may_support,
        "may_edit": shown.may_edit,
        "may_delete": shown.may_delete,
        "may_handle": shown.is_handler,
        "state_choices": data["you"]["state_choices"],
    }
    assert [c["id"] for c in data["comments"]] == [c.pk for c in shown.comments]
    assert (data["sender"] is not None) == shown.shows_sender
    page = client_for(person).get(url("ideas:idea", pk=idea_a.pk))
    context = page.context
    assert context["is_handler"] == shown.is_handler
    assert context["can_comment"] == shown.may_comment
    assert context["can_support"] == shown.may_support
    assert context["can_edit"] == shown.may_edit
    assert context["can_delete"] == shown.may_delete
    assert context["show_sender"] == shown.shows_sender
    assert [c.pk for c in context["comments"]] == [c.pk for c in shown.comments]
    assert ("Asiaton kommentti" in page.content.decode()) == shown.is_handler


@pytest.fixture
def comment_hidden(idea_a: Idea, registered_user: Any, editor_a: Any) -> Comment:
    comment = services.comment_add(actor=registered_user, idea=idea_a, text="Asiaton kommentti")
    moderation.comment_set_hidden(actor=editor_a, comment=comment, hidden=True, reason="Asiaton")
    return comment
