"""The API endpoints every publishable record shares, as bodies its app's endpoints call (each app keeps its own
paths, summaries and schemas). `load` finds the record as this person may see it (404 otherwise), `detail` reads
what the endpoint answers with."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Status

from accounts.api_auth import actor
from records import services

Load = Callable[[HttpRequest, int], Any]


def set_status(
    request: HttpRequest,
    kind: services.RecordType[Any],
    pk: int,
    *,
    status: str,
    version: int,
    load: Load,
    detail: Load,
) -> Any:
    """Publish or unpublish at the version the client read: 409 when someone saved since."""
    services.set_status(kind, actor=actor(request), record=load(request, pk), status=status, expected_version=version)
    return detail(request, pk)


def delete(request: HttpRequest, kind: services.RecordType[Any], pk: int, *, load: Load) -> Any:
    """Delete: 204, or 422 when the record may not go (e.g. others adopted it)."""
    services.delete(kind, actor=actor(request), record=load(request, pk))
    return Status(204, None)
