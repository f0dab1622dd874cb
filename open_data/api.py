"""REST API v1's open data: the published innovations and experiments as CSV and JSON files, their Table Schema and
JSON Schema and the Data Package that lists them (/api/v1/open-data/…), all made from one definition
(open_data/schema.py)."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from pydantic import create_model

from innovations.vocabulary import PartnerRole, Phase
from open_data import exports
from open_data import schema as open_data_schema
from organisations.models import OrganisationKind


class OpenDataPartner(Schema):
    organisation: str
    slug: str
    business_id: str | None
    kind: OrganisationKind
    role: PartnerRole
    phases: list[Phase] | None = Field(None, description="Innovations' partners only.")


_OPEN_DATA_TYPES: dict[str, Any] = {
    "integer": int,
    "number": float,
    "string": str,
    "date": date,
    "datetime": datetime,
    "boolean": bool,
    "list": list[str],
    "partners": list[OpenDataPartner],
}


def _open_data_record_schema(dataset: open_data_schema.Dataset, name: str) -> type[Schema]:
    """The response model of a JSON download, made from the same definition as the files and their schemas."""
    fields: dict[str, Any] = {}
    with translation.override("en"):  # the API's documentation is in English
        for definition in dataset.fields:
            python_type = _OPEN_DATA_TYPES[definition.kind]
            if definition.nullable:
                python_type = python_type | None
            fields[definition.name] = (python_type, Field(..., description=str(definition.description)))
    return create_model(name, __base__=Schema, **fields)


OpenDataRecord = _open_data_record_schema(open_data_schema.INNOVATIONS, "OpenDataRecord")
OpenDataExperiment = _open_data_record_schema(open_data_schema.EXPERIMENTS, "OpenDataExperiment")


class OpenDataHead(Schema):
    licence: str
    licence_url: str
    attribution: str
    schema_version: str = Field(..., description="The version of the file's schema (semantic versioning).")
    schema_: str = Field(..., alias="schema", description="The address of the file's JSON Schema.")
    generated_at: datetime


class OpenDataOut(OpenDataHead):
    innovations: list[OpenDataRecord]  # type: ignore[valid-type]


class OpenDataExperimentsOut(OpenDataHead):
    experiments: list[OpenDataExperiment]  # type: ignore[valid-type]


# --- endpoints ---------------------------------------------------------------------------------------------------

router = Router(tags=["open data"])

LICENCE_NOTE = (
    f"Licence {exports.LICENCE} ({exports.LICENCE_URL}): free to use, share and adapt with attribution to "
    "Innoverkko. Published records only; no personal data. Every file carries its schema version "
    f"({open_data_schema.SCHEMA_VERSION}) and the address of its schema, which is also in the `Link` response header "
    "(rel=describedby); the licence is there too (rel=license)."
)
CSV_NOTE = (
    f" Several values in one cell are separated by “{exports.MULTI_VALUE_SEPARATOR}”; a partner is "
    "“slug:kind:role:phases” with the phases separated by “+”. A cell that would start with = + - @ begins with "
    "an apostrophe, so that spreadsheets do not run it as a formula."
)
SCHEMA_FILES = {
    "tableschema": "{name}.tableschema.json",
    "jsonschema": "{name}.schema.json",
    "csv": "{name}.csv",
    "json": "{name}.json",
}
ATTRIBUTION = gettext_lazy("Innoverkko – the innovation registry of Finland's public sector")


def _open_data_url(request: HttpRequest, name: str, kind: str) -> str:
    path = reverse("api-v1:open_data_root") + SCHEMA_FILES[kind].format(name=name)
    return request.build_absolute_uri(path)


def _open_data_headers(
    response: StreamingHttpResponse | JsonResponse, request: HttpRequest, dataset: str, kind: str
) -> StreamingHttpResponse | JsonResponse:
    version = open_data_schema.SCHEMA_VERSION
    response["Content-Disposition"] = (
        f'attachment; filename="innoverkko-{dataset}-v{version}-CC-BY-4.0.{"csv" if kind == "csv" else "json"}"'
    )
    schema_url = _open_data_url(request, dataset, "tableschema" if kind == "csv" else "jsonschema")
    response["Link"] = (
        f'<{exports.LICENCE_URL}>; rel="license"; title="{exports.LICENCE}", <{schema_url}>; rel="describedby"'
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _page_url(request: HttpRequest, route: str) -> exports.PageUrl:
    return exports.page_url_builder(request.build_absolute_uri("/"), route)


def _csv(request: HttpRequest, dataset: open_data_schema.Dataset, records: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(records, dataset=dataset), content_type="text/csv; charset=utf-8"
    )
    return _open_data_headers(response, request, dataset.name, "csv")  # type: ignore[return-value]


def _json(request: HttpRequest, dataset: open_data_schema.Dataset, records: Any) -> StreamingHttpResponse:
    chunks = exports.json_chunks(
        records,
        attribution=str(ATTRIBUTION),
        schema_url=_open_data_url(request, dataset.name, "jsonschema"),
        dataset=dataset,
    )
    response = StreamingHttpResponse(chunks, content_type="application/json")
    return _open_data_headers(response, request, dataset.name, "json")  # type: ignore[return-value]


_CSV_RESPONSE = {
    "responses": {200: {"description": "CSV, UTF-8", "content": {"text/csv": {"schema": {"type": "string"}}}}}
}
_SCHEMA_RESPONSE = {
    "responses": {200: {"description": "JSON", "content": {"application/json": {"schema": {"type": "object"}}}}}
}


@router.get("/", auth=None, include_in_schema=False, url_name="open_data_root")
def open_data_root(request: HttpRequest) -> JsonResponse:
    return open_data_package(request)


@router.get(
    "/datapackage.json",
    auth=None,
    summary="The open data as a Frictionless Data Package",
    description="Every open-data file with its schema, the version and the licence.",
    openapi_extra=_SCHEMA_RESPONSE,
)
def open_data_package(request: HttpRequest) -> JsonResponse:
    package = open_data_schema.data_package(resource_url=lambda name, kind: _open_data_url(request, name, kind))
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/innovations.csv",
    auth=None,
    summary="Published innovations as CSV",
    description=LICENCE_NOTE + CSV_NOTE,
    openapi_extra=_CSV_RESPONSE,
)
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(
        request,
        open_data_schema.INNOVATIONS,
        exports.innovation_records(page_url=_page_url(request, "innovations:detail")),
    )


@router.get(
    "/innovations.json",
    response=OpenDataOut,
    auth=None,
    summary="Published innovations as JSON",
    description=LICENCE_NOTE,
)
def open_data_json(request: HttpRequest) -> StreamingHttpResponse:
    return _json(
        request,
        open_data_schema.INNOVATIONS,
        exports.innovation_records(page_url=_page_url(request, "innovations:detail")),
    )


@router.get(
    "/experiments.csv",
    auth=None,
    summary="Published experiments as CSV",
    description=LICENCE_NOTE + CSV_NOTE + " Stopped and changed experiments are included.",
    openapi_extra=_CSV_RESPONSE,
)
def open_data_experiments_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(
        request,
        open_data_schema.EXPERIMENTS,
        exports.experiment_records(page_url=_page_url(request, "experiments:detail")),
    )


@router.get(
    "/experiments.json",
    response=OpenDataExperimentsOut,
    auth=None,
    summary="Published experiments as JSON",
    description=LICENCE_NOTE + " Stopped and changed experiments are included.",
)
def open_data_experiments_json(request: HttpRequest) -> StreamingHttpResponse:
    return _json(
        request,
        open_data_schema.EXPERIMENTS,
        exports.experiment_records(page_url=_page_url(request, "experiments:detail")),
    )


@router.get(
    "/{name}.tableschema.json",
    auth=None,
    summary="Table Schema (Frictionless) of a CSV file",
    description="Each column's name, type, title and meaning in Finnish, Swedish and English, and the labels of its "
    "codes. `name` is `innovations` or `experiments`.",
    openapi_extra=_SCHEMA_RESPONSE,
)
def open_data_table_schema(request: HttpRequest, name: Literal["innovations", "experiments"]) -> JsonResponse:
    dataset = open_data_schema.DATASETS[name]
    schema = open_data_schema.table_schema(dataset, url=_open_data_url(request, name, "csv"))
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/{name}.schema.json",
    auth=None,
    summary="JSON Schema of a JSON file",
    description="JSON Schema (2020-12) of the JSON download. `name` is `innovations` or `experiments`.",
    openapi_extra=_SCHEMA_RESPONSE,
)
def open_data_json_schema(request: HttpRequest, name: Literal["innovations", "experiments"]) -> JsonResponse:
    dataset = open_data_schema.DATASETS[name]
    schema = open_data_schema.json_schema(dataset, url=_open_data_url(request, name, "jsonschema"))
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False})
