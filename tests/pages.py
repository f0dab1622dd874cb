"""What page tests share: a URL in a given language, a client signed in as a person, and a message as a person
reading that language sees it."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


def url(name: str, language: str = "fi", **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def client_for(user: Any) -> Client:
    """A client signed in as `user`; anonymous when the user is None or anonymous."""
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def t(message: str, language: str = "fi") -> str:
    with translation.override(language):
        return gettext(message)
