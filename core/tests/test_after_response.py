"""Work after the response: held while a request is in progress, run when its response is closed."""

import logging

import pytest
from django.core import signals

from core import after_response
from core.after_response import run_after_response

# The receivers are called directly: sending the signals would also run Django's own receivers (which close
# database connections). The first test proves they are connected.


@pytest.fixture
def in_request():
    after_response.request_started()
    yield
    after_response.request_finished()


@pytest.mark.parametrize(
    ("signal", "receiver", "uid"),
    [
        (signals.request_started, after_response.request_started, "core.after_response.started"),
        (signals.request_finished, after_response.request_finished, "core.after_response.finished"),
    ],
)
def test_connected_to_the_request_signals(signal, receiver, uid) -> None:
    assert signal.disconnect(dispatch_uid=uid)  # True only when it was connected
    signal.connect(receiver, dispatch_uid=uid)


def test_without_a_request_the_work_runs_at_once() -> None:
    done: list[str] = []
    run_after_response(lambda: done.append("mail"))
    assert done == ["mail"]


def test_in_a_request_the_work_waits_for_the_response_to_be_closed(in_request: None) -> None:
    done: list[str] = []
    run_after_response(lambda: done.append("first"))
    run_after_response(lambda: done.append("second"))
    assert done == []
    after_response.request_finished()
    assert done == ["first", "second"]
    run_after_response(lambda: done.append("after"))  # the request is over: nothing holds it any more
    assert done == ["first", "second", "after"]


def test_failing_work_is_logged_and_the_rest_still_runs(in_request: None, caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []

    def fail() -> None:
        raise OSError("mail server gone")

    run_after_response(fail)
    run_after_response(lambda: done.append("second"))
    with caplog.at_level(logging.ERROR, logger="core.after_response"):
        after_response.request_finished()
    assert done == ["second"]
    assert "Work after the response failed" in caplog.text
    assert "mail server gone" in caplog.text


def test_each_request_starts_empty(in_request: None) -> None:
    done: list[str] = []
    run_after_response(lambda: done.append("lost with a request that never closed"))
    after_response.request_started()  # a new request without the old one's close
    after_response.request_finished()
    assert done == []
