"""Test data built once for a whole module (or class), rolled back when it ends.

    @pytest.fixture(scope="module")
    def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Result]:
        with kept_for_the_module(django_db_blocker):
            yield build_the_data()

The data is written inside a transaction left open while the module's tests run; each test marked django_db
still runs in its own savepoint inside it (pytest-django's usual per-test transaction), so what one test writes
is gone before the next, and the module's data is gone when the fixture ends. Not for transactional tests
(transaction=True, live_server): they commit and flush, which would see or lose the module's data.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from pytest_django import DjangoDbBlocker


@contextmanager
def kept_for_the_module(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Database access and an outer transaction for the block; rolled back at its end, whatever happened."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            # Rolled back even when the block ends normally: nothing built for the module outlives it.
            transaction.set_rollback(True)
