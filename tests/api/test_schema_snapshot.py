"""The OpenAPI schema is a contract with the API's users: any change to it must be a deliberate one.

The committed snapshot tests/api/openapi_snapshot.json is compared with the schema the code makes. After a
deliberate change, regenerate it and review the diff with the change:

    UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/api/test_schema_snapshot.py
"""

import difflib
import json
import os
from pathlib import Path
from typing import Any

from django.utils import translation

from config.api import api

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
REGENERATE = "UPDATE_SNAPSHOT=1 pytest tests/api/test_schema_snapshot.py"


def _current() -> str:
    # The schema is documentation in English; fix the language so that no label can vary with the environment.
    with translation.override("en"):
        schema: dict[str, Any] = api.get_openapi_schema()
    # Through JSON once first: status codes are int keys (200) next to str ones ("4XX"), which cannot be sorted.
    plain = json.loads(json.dumps(schema))
    return json.dumps(plain, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_openapi_schema_matches_snapshot() -> None:
    current = _current()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists(), f"No snapshot yet. Make it with: {REGENERATE}"
    committed = SNAPSHOT.read_text(encoding="utf-8")
    if current != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                fromfile="openapi_snapshot.json (committed)",
                tofile="schema from the code",
                n=2,
            )
        )
        raise AssertionError(
            "The OpenAPI schema changed. If the change is deliberate, regenerate the snapshot with\n\n"
            f"    {REGENERATE}\n\nand commit it with the change (clients may need to know). The difference:\n\n"
            + diff[:20_000]
        )


def test_schema_is_openapi_3_with_every_operation_documented() -> None:
    schema = json.loads(_current())
    assert schema["openapi"].startswith("3.")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 30
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert op.get("tags"), op["operationId"]
        assert "4XX" in op["responses"], op["operationId"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
