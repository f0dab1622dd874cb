"""The live server on an in-memory SQLite database: the test's queries wait while a request is being served, since
both share one connection (see the live_server fixture in conftest.py)."""

import threading
from typing import Any

import pytest
from django.core.signals import request_finished, request_started

from organisations.models import Region


def test_a_query_from_the_test_waits_until_the_request_being_served_has_ended(live_server: Any) -> None:
    if not live_server.thread.connections_override:
        pytest.skip("only an in-memory SQLite database shares its connection with the server")
    order: list[str] = []
    serving = threading.Event()
    may_end = threading.Event()

    def request() -> None:  # what the server thread does around a request
        request_started.send(sender=None, environ={})
        serving.set()
        may_end.wait(timeout=5)
        order.append("request ended")
        request_finished.send(sender=None)

    server = threading.Thread(target=request)
    server.start()
    assert serving.wait(timeout=5)
    threading.Timer(0.2, may_end.set).start()  # the request ends a moment after the query below was asked
    Region.objects.exists()
    order.append("query answered")
    server.join(timeout=5)
    assert order == ["request ended", "query answered"]


def test_a_request_that_has_ended_leaves_the_connection_free(live_server: Any) -> None:
    def request() -> None:
        request_started.send(sender=None, environ={})
        request_finished.send(sender=None)

    server = threading.Thread(target=request)
    server.start()
    server.join(timeout=5)
    assert Region.objects.exists()  # a lock left taken would fail this query after 30 s
