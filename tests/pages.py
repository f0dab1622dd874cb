"""What page tests share: a URL in a given language, a client signed in as a person (or as the person a role's
fixture names, or with the person's API token), a message as a person reading that language sees it, and the link an e-mail carries."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


def url(name: str, language: str = "fi", query: str = "", **kwargs: Any) -> str:
    """The path of the named URL in `language` (its language prefix), with `?query` when one is given."""
    with translation.override(language):
        path = reverse(name, kwargs=kwargs or None)
    return f"{path}?{query}" if query else path


def client_for(user: Any) -> Client:
    """A client signed in as `user`; anonymous when the user is None or anonymous."""
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def client_as(role: str, request: pytest.FixtureRequest) -> Client:
    """A client signed in as the person the fixture named `role` makes (e.g. "editor_a"); "anonymous" signs in
    nobody. For tests parametrized over roles."""
    return client_for(None if role == "anonymous" else request.getfixturevalue(role))


def token_client(user: Any) -> Client:
    """A client that sends a personal API token of `user` instead of a session cookie; anonymous for None."""
    if not getattr(user, "is_authenticated", False):
        return Client()
    from accounts.services import api_token_create

    _token, key = api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


def t(message: str, language: str = "fi") -> str:
    with translation.override(language):
        return gettext(message)


def link_in(mail: Any) -> str:
    """The path of the first link in an e-mail's body, to open on the test client's host."""
    found = re.search(r"https?://\S+", mail.body)
    assert found, mail.body
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]
