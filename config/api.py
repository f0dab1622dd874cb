"""The REST API, version 1: one NinjaAPI; each domain package adds its routers.

Every error has one JSON shape, in the request's language (LocaleMiddleware reads Accept-Language here, as the
API lives outside the /fi/ /sv/ /en/ prefixes):

    {"error": {"code": "validation_error", "message": "…", "fields": {"title_fi": ["…"]}}}

`code` is one of ERROR_CODES; `fields` names the body or query fields that were wrong (`__all__` for the
request as a whole) and is empty for the other errors.
"""

import math
import threading
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.throttling import BaseThrottle

from core import limits
from core.api_types import ErrorOut, error_response
from core.errors import ConflictError
from innovations.api import adoptions_router, themes_router, vocabulary_router
from innovations.api import router as innovations_router
from open_data.api import router as open_data_router
from organisations.api import networks_router, regions_router
from organisations.api import router as organisations_router

ERROR_CODES = (
    "validation_error",
    "not_found",
    "permission_denied",
    "conflict",
    "not_authenticated",
    "bad_request",
    "rate_limited",
)
NON_FIELD = "__all__"  # Django's NON_FIELD_ERRORS: a problem with the request as a whole


class RateLimit(BaseThrottle):
    """Requests per period, counted per signed-in person, or per address for anonymous visitors.

    Counted in the store every worker and server shares (core.limits), by the address the trusted proxy saw
    (core.client_address): a client cannot get a fresh allowance by sending a new X-Forwarded-For header.
    """

    def __init__(self, rate: str, *, signed_in: bool) -> None:
        self.rate = rate
        self.signed_in = signed_in
        self.scope = "user" if signed_in else "anonymous"
        self._retry_after = threading.local()  # one throttle object serves every thread's requests

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        authenticated = bool(getattr(user, "is_authenticated", False))
        if authenticated != self.signed_in:
            return True
        who = f"person:{user.pk}" if authenticated else limits.by_address(request)  # type: ignore[union-attr]
        counted = limits.count(f"api.{self.scope}", who, self.rate)
        self._retry_after.seconds = counted.retry_after
        return not counted.over

    def wait(self) -> float | None:
        return getattr(self._retry_after, "seconds", None)


class InnoverkkoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view functions are named <entity>_<verb> and unique: ids such as `innovation_list`.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        """Ninja's schema plus the one error shape, documented once for every operation's 4XX answers."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["Error"] = error_schema
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                operation["responses"].setdefault(
                    "4XX",
                    {
                        "description": "Error: see `error.code` and `error.fields`.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
        return schema


api = InnoverkkoAPI(
    title="Innoverkko API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "The open registry of Finland's public-sector innovations: organisations, networks, innovations with "
        "their lineage (who adopted whose innovation) and partners; experiments; co-development: challenges, the "
        "ideas sent to them or to an organisation, comments, supports and the handlers' state changes.\n\n"
        "Reading is open to everyone (published records). Writing needs a personal API token "
        "(`Authorization: Bearer <key>`, made on your profile page) or a signed-in browser session with its CSRF "
        "token; the same permissions apply as on the pages. With a token or session, reads also show your own "
        "organisations' drafts.\n\n"
        'Lists take `limit` (at most 100) and `offset` and answer `{"count": n, "items": [...]}`. Updates are '
        "PATCH requests that carry the `version` you read: if someone saved in between, the answer is 409 and "
        'nothing is lost. Errors are `{"error": {"code", "message", "fields"}}`, in the language of '
        "`Accept-Language` (fi, sv, en). Open data (CC BY 4.0): `/open-data/innovations.csv` and `.json`, "
        "`/open-data/experiments.csv` and `.json`, with their schemas listed in `/open-data/datapackage.json`."
    ),
    throttle=[RateLimit("300/m", signed_in=False), RateLimit("1200/m", signed_in=True)],
)

api.add_router("/organisations", organisations_router)
api.add_router("/networks", networks_router)
api.add_router("/regions", regions_router)
api.add_router("/innovations", innovations_router)
api.add_router("/experiments", "experiments.api.router")
api.add_router("/challenges", "ideas.api.challenges_router")
api.add_router("/ideas", "ideas.api.router")
api.add_router("/adoptions", adoptions_router)
api.add_router("/themes", themes_router)
api.add_router("/vocabulary", vocabulary_router)
api.add_router("/open-data", open_data_router)
api.add_router("/barometer", "barometer.api.router")
api.add_router("/diffusion", "diffusion.api.router")


# --- errors -----------------------------------------------------------------------------------------------------


def _field_name(loc: tuple[Any, ...]) -> str:
    """`title_fi` for ("body", "payload", "title_fi"), `limit` for ("query", "limit")."""
    source, *parts = loc
    if source == "body" and parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or NON_FIELD


def _pydantic_message(error: dict[str, Any]) -> str:
    """A person's sentence, in the request's language, for one of pydantic's error types.

    Where Django has the same sentence, its msgid is reused, so Django's own translations apply.
    """
    kind: str = error.get("type", "")
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field cannot be set.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith(("date_", "datetime_")):
        return _("Enter a valid date.")
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx.get("le")}
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": ctx.get("ge")}
    if kind == "string_too_long":
        limit = int(ctx.get("max_length") or 0)
        return ngettext("Use at most %(limit)d character.", "Use at most %(limit)d characters.", limit) % {
            "limit": limit
        }
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "null_character":
        return _("Null characters are not allowed.")
    if kind.startswith("string_"):
        return _("Enter text.") if kind in ("string_type", "string_unicode") else _("Enter a valid value.")
    if kind.startswith(("list_", "tuple_", "set_")):
        return _("Enter a list of values.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object here.")
    return _("Enter a valid value.")


@api.exception_handler(NinjaValidationError)
def on_request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(tuple(error.get("loc", ("body",)))), []).append(_pydantic_message(error))
    return error_response(
        request,
        status=422,
        code="validation_error",
        message=_("Some values are not valid: see the fields."),
        fields=fields,
    )


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        message = _("Some values are not valid: see the fields.")
    else:
        fields = {NON_FIELD: [str(m) for m in exc.messages]}
        message = " ".join(fields[NON_FIELD])
    return error_response(request, status=422, code="validation_error", message=message, fields=fields)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return error_response(request, status=403, code="permission_denied", message=message)


def on_not_found(request: HttpRequest, exc: object) -> HttpResponse:
    # The same answer for "does not exist" and "is a draft you may not see": a draft's existence is not revealed.
    message = _("Not found: the record does not exist or is not visible to you.")
    return error_response(request, status=404, code="not_found", message=message)


api.add_exception_handler(Http404, on_not_found)
api.add_exception_handler(ObjectDoesNotExist, on_not_found)


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return error_response(request, status=409, code="conflict", message=exc.message)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Sign in, or send a valid API token: Authorization: Bearer <key>.")
    response = error_response(request, status=401, code="not_authenticated", message=message)
    response["WWW-Authenticate"] = 'Bearer realm="innoverkko"'
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _("Too many requests. Wait a moment and try again.")
    response = error_response(request, status=429, code="rate_limited", message=message)
    if exc.wait:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors; 400 is nearly always a body that is not JSON."""
    status = exc.status_code
    if status == 400:
        return error_response(request, status=400, code="bad_request", message=_("The request body is not valid JSON."))
    if status == 403:
        return error_response(
            request, status=403, code="permission_denied", message=_("You do not have permission to do this.")
        )
    if status == 404:
        return on_not_found(request, exc)
    return error_response(request, status=status, code="bad_request", message=_("The request is not valid."))


def unknown_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/: the same JSON 404 as the endpoints give, not the site's HTML page."""
    return on_not_found(request, None)
