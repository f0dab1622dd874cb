"""Who may do what with the answering form: the personal link is the key, for everyone alike.

Whoever holds a valid link answers as that invitation's respondent, signed in or not, whatever their roles (a team
member testing the form gets no more and no less); without it, every action is the same 404, so that trying
links reveals nothing. Every action for every role, expected outcomes as a table.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from barometer.answering.services import answer_save
from barometer.models import Invitation, Response
from barometer.vocabulary import ResponseStatus
from tests.pages import client_as

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")
UNKNOWN = "z" * 43


def _url(name: str, token: str, **kwargs: Any) -> str:
    with translation.override("fi"):
        return reverse(f"barometer:{name}", kwargs={"token": token, **kwargs})


def _answered(invitation: Invitation) -> None:
    """The required answers given: ready to submit."""
    fresh = Invitation.objects.select_related("round__questionnaire_version", "frame_unit").get(pk=invitation.pk)
    answer_save(invitation=fresh, question_code="kind", value="municipality")
    answer_save(invitation=fresh, question_code="introduced", value="no")


def _submitted(invitation: Invitation) -> None:
    _answered(invitation)
    Response.objects.filter(invitation=invitation).update(status=ResponseStatus.SUBMITTED)


def _json(question: str, value: Any) -> dict[str, Any]:
    return {"data": json.dumps({"question": question, "value": value}), "content_type": "application/json"}


# action -> (method, url name + kwargs, request data, set-up, expected with a valid link, per role in ROLES order)
Setup = Callable[[Invitation], None]
ACTIONS: dict[str, tuple[str, str, dict[str, str], dict[str, Any], Setup | None, tuple[int, ...]]] = {
    "open the link": ("get", "answer", {}, {}, None, (302,) * 6),
    "open a page": ("get", "answer_page", {"section": "background"}, {}, None, (200,) * 6),
    "save a page": (
        "post",
        "answer_page",
        {"section": "background"},
        {"data": {"q-kind": "municipality"}},
        None,
        (302,) * 6,
    ),
    "autosave an answer": ("post", "answer_save", {}, _json("kind", "municipality"), None, (200,) * 6),
    "open the check page": ("get", "answer_check", {}, {}, None, (200,) * 6),
    "submit without required answers": ("post", "answer_check", {}, {}, None, (200,) * 6),
    "submit": ("post", "answer_check", {}, {}, _answered, (302,) * 6),
    "see the thanks page": ("get", "answer_thanks", {}, {}, _submitted, (200,) * 6),
    "autosave after submission": ("post", "answer_save", {}, _json("kind", "municipality"), _submitted, (409,) * 6),
    "download the PDF": ("get", "answer_pdf", {}, {}, None, (200,) * 6),
    "download the CSV": ("get", "answer_csv", {}, {}, None, (200,) * 6),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_the_link_is_the_key_for_every_role(request, invitation_b: Invitation, action: str, role: str) -> None:
    method, name, kwargs, data, setup, expected = ACTIONS[action]
    if setup is not None:
        setup(invitation_b)
    client = client_as(role, request)
    response = getattr(client, method)(_url(name, invitation_b.token, **kwargs), **data)
    assert response.status_code == expected[ROLES.index(role)], (action, role)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_without_the_link_every_action_is_the_same_404(request, invitation_b, action: str, role: str) -> None:
    method, name, kwargs, data, setup, _expected = ACTIONS[action]
    if setup is not None:
        setup(invitation_b)
    client = client_as(role, request)
    response = getattr(client, method)(_url(name, UNKNOWN, **kwargs), **data)
    assert response.status_code == 404, (action, role)
    # Nothing about any round, however the respondent is signed in.
    assert invitation_b.round.slug.encode() not in response.content
    assert Response.objects.filter(invitation__token=UNKNOWN).count() == 0
