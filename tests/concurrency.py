"""Races with real threads, each with its own database connection. SQLite serialises every writer (and its
in-memory test database is not shared between threads), so races run on PostgreSQL only:
`DATABASE_URL=postgres://… pytest …`."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL (set DATABASE_URL)")


def at_once(work: Callable[[int], Any], threads: int) -> list[Any]:
    """Runs work(0) … work(n-1) in threads released together; returns each result or the exception it raised."""
    results: list[Any] = [None] * threads
    barrier = threading.Barrier(threads)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return results
