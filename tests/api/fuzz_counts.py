"""How many requests the schemathesis fuzzers generated, per role and operation: printed at the end of the run
(`pytest tests/api/test_fuzz.py tests/api/test_ideas_fuzz.py` shows a "fuzzing" section), so that a probe's figures
are counted, not guessed (docs/probe-2026-12.md)."""

from collections import Counter
from typing import Any

SENT: Counter[tuple[str, str]] = Counter()  # (role, "METHOD /path") -> requests sent
SERVER_ERRORS: Counter[tuple[str, str]] = Counter()


def sent(role: str, case: Any) -> None:
    SENT[role, case.operation.label] += 1


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
