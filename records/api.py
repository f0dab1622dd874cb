"""The API endpoints every publishable record shares: publish, unpublish and delete, added to the app's router by
`add_status_endpoints` with the app's own paths, operation ids, summaries and answer schema (the public API is the
app's). `load` finds the record as this person may see it (404 otherwise), `detail` reads what the endpoint answers
with. The version token and the body that carries it are shared as well."""

from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from accounts.api_auth import AUTH_REQUIRED, actor
from core.api_types import MAX_INT, Body, ObjectId
from records import services
from records.models import Status as RecordStatus

Load = Callable[[HttpRequest, int], Any]

Version = Annotated[int, Field(ge=1, le=MAX_INT, description="The version you read: a newer one answers 409.")]


class VersionIn(Body):
    version: Version


def add_status_endpoints(
    router: Router,
    kind: services.RecordType[Any],
    *,
    name: str,
    response: Any,
    load: Load,
    detail: Load,
    summaries: tuple[str, str, str],
    delete_description: str,
) -> None:
    """POST /{id}/publish, POST /{id}/unpublish (at the version the client read: 409 when someone saved since) and
    DELETE /{id} (204, or 422 when the record may not go, e.g. others adopted it). `name` makes the operation ids
    (`<name>_publish`, `<name>_unpublish`, `<name>_delete`); `summaries` are publish's, unpublish's and delete's."""
    publish_summary, unpublish_summary, delete_summary = summaries

    def status_endpoint(status: str) -> Callable[[HttpRequest, int, VersionIn], Any]:
        def endpoint(request: HttpRequest, id: ObjectId, payload: VersionIn) -> Any:
            services.set_status(
                kind, actor=actor(request), record=load(request, id), status=status, expected_version=payload.version
            )
            return detail(request, id)

        return endpoint

    def delete(request: HttpRequest, id: ObjectId) -> Any:
        services.delete(kind, actor=actor(request), record=load(request, id))
        return Status(204, None)

    publish, unpublish = status_endpoint(RecordStatus.PUBLISHED), status_endpoint(RecordStatus.DRAFT)
    # The operation id is the view function's name (config.api.InnoverkkoAPI).
    publish.__name__, unpublish.__name__, delete.__name__ = f"{name}_publish", f"{name}_unpublish", f"{name}_delete"
    router.post("/{id}/publish", response=response, auth=AUTH_REQUIRED, summary=publish_summary)(publish)
    router.post("/{id}/unpublish", response=response, auth=AUTH_REQUIRED, summary=unpublish_summary)(unpublish)
    router.delete(
        "/{id}", response={204: None}, auth=AUTH_REQUIRED, summary=delete_summary, description=delete_description
    )(delete)
