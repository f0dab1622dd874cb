"""The REST API's shared types: input strings and identifiers with the database's limits, request bodies, paging,
links to pages and the error body. Every app's `api.py` builds on these; none defines its own copy.

OpenAPI names its schema components after the classes, so a class here keeps the name the published schema shows
(tests/api/openapi_snapshot.json): renaming one changes the API's documentation.
"""

from typing import Annotated, Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch
from ninja import Field, P, PathEx, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

# The database's column limits: anything larger is refused as a 422 before it reaches a query.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1
MAX_OFFSET = 10**9
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def _no_null_characters(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the database with a 500.
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Null characters are not allowed.")
    return value


NO_NUL = AfterValidator(_no_null_characters)
# Input strings: no NUL characters and, where the column has one, its length limit.
Text = Annotated[str, NO_NUL]
Text100 = Annotated[str, StringConstraints(max_length=100), NO_NUL]
Text200 = Annotated[str, StringConstraints(max_length=200), NO_NUL]
Text300 = Annotated[str, StringConstraints(max_length=300), NO_NUL]
Text500 = Annotated[str, StringConstraints(max_length=500), NO_NUL]
Text254 = Annotated[Text, StringConstraints(max_length=254)]
Text1000 = Annotated[Text, StringConstraints(max_length=1000)]
Text2000 = Annotated[Text, StringConstraints(max_length=2000)]
Text4000 = Annotated[Text, StringConstraints(max_length=4000)]
Slug = Annotated[str, StringConstraints(max_length=120, pattern=SLUG_PATTERN)]
# A filter's slug: empty means "any".
OptionalSlug = Annotated[str, StringConstraints(max_length=120, pattern=r"^[-a-zA-Z0-9_]*$")]
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]
SlugPath = PathEx[str, P(pattern=SLUG_PATTERN, max_length=120)]
# Translation columns may be NULL; the API always answers with a string.
OutText = Annotated[str, BeforeValidator(lambda value: value or "")]


class Body(Schema):
    """A request body. Unknown fields are refused (a misspelt field would otherwise be dropped in silence), and so
    is anything that is not a JSON object: ninja's Schema would otherwise read attributes off any value."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Pagination(LimitOffsetPagination):
    """`limit` (1–100, default 20) and `offset`; the answer is {"count": n, "items": […]}."""

    class Input(PageQuery):
        pass


def page_url(request: HttpRequest, obj: Model) -> str | None:
    """The absolute address of the object's web page; None while the page does not exist."""
    try:
        return request.build_absolute_uri(obj.get_absolute_url())  # type: ignore[attr-defined]
    except NoReverseMatch:
        return None


# --- the error body every endpoint answers with (config/api.py) ----------------------------------------------------


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


_JSON = JSONRenderer()


def error_response(
    request: HttpRequest, *, status: int, code: str, message: Any, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    """An error answered in the API's format (ErrorOut), rendered as the API renders its answers: by its exception
    handlers (config/api.py), and by a middleware that refuses an API call before it reaches one (two-step
    sign-in)."""
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    content = _JSON.render(request, body, response_status=status)
    return HttpResponse(content, status=status, content_type=f"{_JSON.media_type}; charset={_JSON.charset}")
