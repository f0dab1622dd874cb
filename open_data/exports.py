"""Open data: the published innovations and experiments as rows for the CSV and JSON downloads (API and web page
alike). What the rows carry is defined once in `open_data/schema.py`; the records here are checked against it.

Only published records, and no personal data: contact persons, e-mail addresses, authors and the change log
stay out. A link to a record that is no longer published (a lineage source, an experiment's innovation) is left
empty rather than leaking a draft. The rows are streamed from the database in chunks, so memory stays flat
however large the registry grows.
"""

import csv
import datetime
import html
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, Model, Prefetch, QuerySet, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.models import Theme
from core.sanitise import strip_html
from core.spreadsheets import neutralised
from experiments.models import Experiment, ExperimentPartner
from innovations.models import Classification, Innovation, Partnership
from innovations.vocabulary import Dimension, Phase, Status
from open_data.schema import (
    EXPERIMENTS,
    INNOVATIONS,
    LICENCE,
    LICENCE_URL,
    MULTI_VALUE_SEPARATOR,
    PART_SEPARATOR,
    PHASE_SEPARATOR,
    SCHEMA_VERSION,
    Dataset,
)
from organisations.models import Organisation

__all__ = ["LICENCE", "LICENCE_URL", "MULTI_VALUE_SEPARATOR", "SCHEMA_VERSION"]

CHUNK_SIZE = 2000
COLUMNS = INNOVATIONS.columns
EXPERIMENT_COLUMNS = EXPERIMENTS.columns

# The CSV/JSON field of each classification dimension.
CLASSIFICATION_COLUMNS = {
    Dimension.TYPE: "types",
    Dimension.IDEA_SOURCE: "idea_sources",
    Dimension.MOTIVATION: "motivations",
    Dimension.STRATEGY: "strategy_links",
    Dimension.CHANNEL: "channels",
    Dimension.OUTCOME_ACHIEVED: "outcomes_achieved",
    Dimension.OUTCOME_EXPECTED: "outcomes_expected",
}
TRANSLATED = ("title", "summary", "description", "target_group", "resources", "evidence")
EXPERIMENT_TRANSLATED = (
    "title",
    "summary",
    "hypothesis",
    "measures",
    "places",
    "participants",
    "results",
    "decision_reasons",
)
LANGS = ("fi", "sv", "en")

PageUrl = Callable[[int], str | None]


def open_data_innovations() -> QuerySet[Innovation]:
    """Published innovations with what a row needs, in a fixed number of queries per chunk (no N+1)."""
    return (
        Innovation.objects.filter(status=Status.PUBLISHED)
        .select_related("owner", "owner__region")
        .annotate(
            source_innovation_id=Case(
                When(adopted_from__source__status=Status.PUBLISHED, then=F("adopted_from__source_id")),
                default=None,
            ),
            adoption_mode=Case(
                When(adopted_from__source__status=Status.PUBLISHED, then=F("adopted_from__mode")),
                default=None,
            ),
        )
        .prefetch_related(
            Prefetch(
                "classifications",
                queryset=Classification.objects.order_by("dimension", "code"),
                to_attr="classification_list",
            ),
            Prefetch("themes", queryset=Theme.objects.order_by("slug"), to_attr="theme_list"),
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("organisation").order_by("organisation__slug"),
                to_attr="partner_list",
            ),
        )
        # Personal data is not exported: do not even load it.
        .defer("search_document", "contact_name", "contact_email", "created_by")
        .order_by("id")
    )


def page_url_builder(base_url: str, route: str = "innovations:detail") -> PageUrl:
    """A fast `pk -> absolute page address` for many rows: one reverse() instead of one per row.

    None for every row while the page is not wired into the URLs.
    """
    marker = 987654321
    try:
        path = reverse(route, kwargs={"pk": marker})
    except NoReverseMatch:
        return lambda pk: None
    before, after = path.split(str(marker), 1)
    base = base_url.rstrip("/")
    return lambda pk: f"{base}{before}{pk}{after}"


def _organisation_name(organisation: Organisation) -> str:
    # The official name in Finnish, else Swedish, else English: the same value whatever the reader's language.
    return organisation.name_fi or organisation.name_sv or organisation.name_en or ""


def _owner(owner: Organisation) -> dict[str, Any]:
    return {
        "owner": _organisation_name(owner),
        "owner_slug": owner.slug,
        "owner_kind": owner.kind,
        "owner_business_id": owner.business_id or None,
        "owner_municipality_code": owner.municipality_code or None,
        "region": owner.region.code if owner.region else None,
    }


def _texts(obj: Model, fields: Iterable[str]) -> dict[str, str]:
    return {f"{field}_{lang}": getattr(obj, f"{field}_{lang}") or "" for field in fields for lang in LANGS}


def _plain(description_html: str) -> str:
    """The description's text without its markup (nh3 escapes what it keeps, so unescape it again)."""
    return html.unescape(strip_html(description_html)).strip()


def _partner(organisation: Organisation, role: str, phases: list[str] | None) -> dict[str, Any]:
    partner: dict[str, Any] = {
        "organisation": _organisation_name(organisation),
        "slug": organisation.slug,
        "business_id": organisation.business_id or None,
        "kind": organisation.kind,
        "role": role,
    }
    if phases is not None:
        partner["phases"] = phases
    return partner


def _phases(partnership: Partnership) -> list[str]:
    return [
        phase
        for phase, taking_part in (
            (Phase.IDEA, partnership.in_idea_phase),
            (Phase.DEVELOPMENT, partnership.in_development_phase),
            (Phase.IMPLEMENTATION, partnership.in_implementation_phase),
        )
        if taking_part
    ]


def innovation_record(innovation: Innovation, *, page_url: PageUrl) -> dict[str, Any]:
    """One innovation as a flat open-data record (lists stay lists; the CSV joins them)."""
    texts = _texts(innovation, TRANSLATED)
    for lang in LANGS:
        texts[f"description_{lang}"] = _plain(texts[f"description_{lang}"])
    classifications: dict[str, list[str]] = {column: [] for column in CLASSIFICATION_COLUMNS.values()}
    for classification in innovation.classification_list:  # type: ignore[attr-defined]
        classifications[CLASSIFICATION_COLUMNS[classification.dimension]].append(classification.code)
    values = {
        "id": innovation.pk,
        **texts,
        **_owner(innovation.owner),
        "stage": innovation.stage,
        "novelty": innovation.novelty,
        "source_innovation_id": innovation.source_innovation_id,  # type: ignore[attr-defined]
        "adoption_mode": innovation.adoption_mode,  # type: ignore[attr-defined]
        "external_source": innovation.external_source,
        "external_source_url": innovation.external_source_url,
        "is_social": innovation.is_social,
        "is_systemic": innovation.is_systemic,
        **classifications,
        "themes": [theme.slug for theme in innovation.theme_list],  # type: ignore[attr-defined]
        "partners": [
            _partner(p.organisation, p.role, _phases(p))
            for p in innovation.partner_list  # type: ignore[attr-defined]
        ],
        "introduced_on": innovation.introduced_on,
        "updated_at": innovation.updated_at,
        "url": page_url(innovation.pk),
        "is_synthetic": innovation.is_synthetic,
        "schema_version": SCHEMA_VERSION,
    }
    # The definition is the contract: a field it names and a record lacks (or the other way) is a bug here.
    return {column: values[column] for column in COLUMNS}


def innovation_records(*, page_url: PageUrl) -> Iterator[dict[str, Any]]:
    for innovation in open_data_innovations().iterator(chunk_size=CHUNK_SIZE):
        yield innovation_record(innovation, page_url=page_url)


def open_data_experiments() -> QuerySet[Experiment]:
    """Published experiments, whatever their decision (stopped ones too), in a fixed number of queries per chunk."""
    return (
        Experiment.objects.filter(status=Status.PUBLISHED)
        .select_related("owner", "owner__region")
        .annotate(
            published_source_id=Case(
                When(source_innovation__status=Status.PUBLISHED, then=F("source_innovation_id")), default=None
            ),
            published_result_id=Case(
                When(resulting_innovation__status=Status.PUBLISHED, then=F("resulting_innovation_id")), default=None
            ),
        )
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=ExperimentPartner.objects.select_related("organisation").order_by("organisation__slug"),
                to_attr="partner_list",
            )
        )
        .defer("search_document", "created_by")
        .order_by("id")
    )


def experiment_record(experiment: Experiment, *, page_url: PageUrl) -> dict[str, Any]:
    values = {
        "id": experiment.pk,
        **_texts(experiment, EXPERIMENT_TRANSLATED),
        **_owner(experiment.owner),
        "starts_on": experiment.starts_on,
        "ends_on": experiment.ends_on,
        "budget": experiment.budget,
        "decision": experiment.decision or None,
        "source_innovation_id": experiment.published_source_id,  # type: ignore[attr-defined]
        "resulting_innovation_id": experiment.published_result_id,  # type: ignore[attr-defined]
        "partners": [
            _partner(p.organisation, p.role, None)
            for p in experiment.partner_list  # type: ignore[attr-defined]
        ],
        "updated_at": experiment.updated_at,
        "url": page_url(experiment.pk),
        "schema_version": SCHEMA_VERSION,
    }
    return {column: values[column] for column in EXPERIMENT_COLUMNS}


def experiment_records(*, page_url: PageUrl) -> Iterator[dict[str, Any]]:
    for experiment in open_data_experiments().iterator(chunk_size=CHUNK_SIZE):
        yield experiment_record(experiment, page_url=page_url)


# --- writing --------------------------------------------------------------------------------------------------


def _list_item(value: Any) -> str:
    if isinstance(value, dict):  # a partner: slug:kind:role[:phase+phase]
        parts = [value["slug"], value["kind"], value["role"]]
        if "phases" in value:
            parts.append(PHASE_SEPARATOR.join(value["phases"]))
        return PART_SEPARATOR.join(parts)
    return str(value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return MULTI_VALUE_SEPARATOR.join(_list_item(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    # Texts anyone typed: a spreadsheet must never run one as a formula.
    return neutralised(value)


class _Line:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(records: Iterable[dict[str, Any]], *, dataset: Dataset = INNOVATIONS) -> Iterator[str]:
    """The header and one CSV line per record (RFC 4180: comma separated, double quotes, CRLF)."""
    writer = csv.writer(_Line())
    columns = dataset.columns
    yield writer.writerow(columns)
    for record in records:
        yield writer.writerow([_cell(record[column]) for column in columns])


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        # Euros as a JSON number, as the schema says (DjangoJSONEncoder would write a string).
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def json_chunks(
    records: Iterable[dict[str, Any]], *, attribution: str, schema_url: str = "", dataset: Dataset = INNOVATIONS
) -> Iterator[str]:
    """The JSON document {"licence", "licence_url", "attribution", "schema_version", "schema", "generated_at",
    "<dataset>": […]} in pieces."""
    head = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": attribution,
        "schema_version": SCHEMA_VERSION,
        "schema": schema_url,
        "generated_at": timezone.now(),
    }
    # Everything but the closing brace of the head, then the array streamed record by record.
    yield json.dumps(head, cls=_Encoder, ensure_ascii=False)[:-1] + f', "{dataset.name}": ['
    for n, record in enumerate(records):
        yield ("," if n else "") + json.dumps(record, cls=_Encoder, ensure_ascii=False)
    yield "]}"
