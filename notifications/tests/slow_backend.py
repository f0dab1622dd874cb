"""A mail backend that takes its time, so that runs of the digest overlap while mailing (into mail.outbox)."""

import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class EmailBackend(LocmemBackend):
    def send_messages(self, messages: Sequence[Any]) -> int:
        time.sleep(0.05)
        return super().send_messages(messages)
