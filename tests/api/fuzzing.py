"""What the schemathesis fuzzers (test_fuzz.py, test_ideas_fuzz.py) share: their hypothesis settings, the test
database kept across the in-process requests, and the count of the requests they generated, per role and
operation, printed at the end of the run (a "fuzzing" section), so that a probe's figures are counted, not guessed
(docs/probe-2026-12.md)."""

from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase

MAX_EXAMPLES = 30
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    suppress_health_check=list(HealthCheck),
    database=None,  # no example database in the working tree: runs depend on the seed alone
)

SENT: Counter[tuple[str, str]] = Counter()  # (role, "METHOD /path") -> requests sent


@contextmanager
def test_database_kept() -> Iterator[None]:
    """Django closes "old" database connections when a request starts and ends; inside the test's transaction that
    would throw the test data away. Django's own test client switches this off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(
    case: Any, headers: dict[str, str], request: pytest.FixtureRequest, coverage_roles: Collection[str] | None = None
) -> None:
    """Sends the generated request as the role the `fuzz_headers` parameter names; any 5xx fails the test.

    schemathesis's coverage phase derives the same fixed cases (each parameter's boundaries and wrong types) from
    the schema for every role. With `coverage_roles` they are sent only as those roles, and the other roles get the
    random cases (fuzzing.MAX_EXAMPLES) and the schema's examples: the coverage cases were most of the requests,
    sent again unchanged for each role."""
    role = request.node.callspec.params["fuzz_headers"]
    if coverage_roles is not None and role not in coverage_roles and case.meta.phase.name == TestPhase.COVERAGE:
        return
    SENT[role, case.operation.label] += 1
    case.call_and_validate(headers=headers, checks=[not_a_server_error])


def summary() -> list[str]:
    """The lines of the report: one per role, then the total; nothing when no fuzzer ran."""
    if not SENT:
        return []
    roles: Counter[str] = Counter()
    operations: dict[str, set[str]] = {}
    for (role, operation), number in SENT.items():
        roles[role] += number
        operations.setdefault(role, set()).add(operation)
    lines = [
        f"{role}: {roles[role]} generated requests over {len(operations[role])} operations" for role in sorted(roles)
    ]
    lines.append(f"total: {sum(roles.values())} generated requests, {len(SENT)} (role, operation) pairs")
    return lines
