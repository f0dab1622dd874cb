"""A mail backend whose server is always down."""

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPServerDisconnected("the mail server is down")


class UnreachableBackend(BaseEmailBackend):
    """A server that cannot even be connected to."""

    def open(self) -> bool:
        raise ConnectionRefusedError("connection refused")

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise AssertionError("never reached")
