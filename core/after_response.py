"""Work that a request does once its response has gone out, such as the mails telling people about a change.

The person who made the change should not wait for the mail server. Django 5.2 has no background tasks, and a
queue (Celery, RQ) would be a second service to run for a handful of mails, so this uses what every WSGI server
already does: it closes the response after sending it, which fires `request_finished`. The work runs then, in the
same worker. Outside a request (commands, the shell, a test calling a service) it runs at once. Work that fails
or never runs must be safe to lose: the notifications it mails stay unsent until the next cron run sends them.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

_pending = threading.local()


def run_after_response(work: Callable[[], None]) -> None:
    """Runs `work` after the current request's response is sent; at once when there is no request."""
    waiting = getattr(_pending, "work", None)
    if waiting is None:
        work()
    else:
        waiting.append(work)


def request_started(**_kwargs: Any) -> None:
    _pending.work = []


def request_finished(**_kwargs: Any) -> None:
    waiting = getattr(_pending, "work", None) or []
    _pending.work = None
    for work in waiting:
        try:
            work()
        except Exception:
            # The response is gone: nobody can be told, so the log is the only place this can go.
            logger.exception("Work after the response failed")
