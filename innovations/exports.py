"""Open data: the published innovations as rows for the CSV and JSON downloads (API and web page alike).

Only published records, and no personal data: contact persons, e-mail addresses, authors and the change log
stay out. A lineage link to a source that is no longer published is left empty rather than leaking a draft.
The rows are streamed from the database in chunks, so memory stays flat however large the registry grows.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, Prefetch, QuerySet, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.models import Theme
from innovations.models import Classification, Innovation
from innovations.vocabulary import Dimension, Status

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK_SIZE = 2000
# Several values in one CSV cell (types, themes) are separated by this.
MULTI_VALUE_SEPARATOR = ";"

COLUMNS = (
    "id",
    "title_fi",
    "title_sv",
    "title_en",
    "summary_fi",
    "summary_sv",
    "summary_en",
    "owner",
    "owner_slug",
    "owner_kind",
    "region",
    "types",
    "stage",
    "novelty",
    "source_innovation_id",
    "themes",
    "introduced_on",
    "updated_at",
    "url",
    "is_synthetic",
)

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
            )
        )
        .prefetch_related(
            Prefetch(
                "classifications",
                queryset=Classification.objects.filter(dimension=Dimension.TYPE).order_by("code"),
                to_attr="type_classifications",
            ),
            Prefetch("themes", queryset=Theme.objects.order_by("slug"), to_attr="theme_list"),
        )
        # Long texts and personal data are not exported: do not even load them.
        .defer(
            "description",
            "description_fi",
            "description_sv",
            "description_en",
            "search_document",
            "contact_name",
            "contact_email",
            "created_by",
        )
        .order_by("id")
    )


def page_url_builder(base_url: str) -> PageUrl:
    """A fast `pk -> absolute page address` for many rows: one reverse() instead of one per row.

    None for every row while the innovation page is not wired into the URLs.
    """
    marker = 987654321
    try:
        path = reverse("innovations:detail", kwargs={"pk": marker})
    except NoReverseMatch:
        return lambda pk: None
    before, after = path.split(str(marker), 1)
    base = base_url.rstrip("/")
    return lambda pk: f"{base}{before}{pk}{after}"


def _owner_name(innovation: Innovation) -> str:
    owner = innovation.owner
    # The official name in Finnish, else Swedish, else English: the same value whatever the reader's language.
    return owner.name_fi or owner.name_sv or owner.name_en or ""  # type: ignore[attr-defined]


def innovation_record(innovation: Innovation, *, page_url: PageUrl) -> dict[str, Any]:
    """One innovation as a flat open-data record (lists stay lists; the CSV joins them)."""
    return {
        "id": innovation.pk,
        "title_fi": innovation.title_fi or "",  # type: ignore[attr-defined]
        "title_sv": innovation.title_sv or "",  # type: ignore[attr-defined]
        "title_en": innovation.title_en or "",  # type: ignore[attr-defined]
        "summary_fi": innovation.summary_fi or "",  # type: ignore[attr-defined]
        "summary_sv": innovation.summary_sv or "",  # type: ignore[attr-defined]
        "summary_en": innovation.summary_en or "",  # type: ignore[attr-defined]
        "owner": _owner_name(innovation),
        "owner_slug": innovation.owner.slug,
        "owner_kind": innovation.owner.kind,
        "region": innovation.owner.region.code if innovation.owner.region else None,
        "types": [c.code for c in innovation.type_classifications],  # type: ignore[attr-defined]
        "stage": innovation.stage,
        "novelty": innovation.novelty,
        "source_innovation_id": innovation.source_innovation_id,  # type: ignore[attr-defined]
        "themes": [theme.slug for theme in innovation.theme_list],  # type: ignore[attr-defined]
        "introduced_on": innovation.introduced_on,
        "updated_at": innovation.updated_at,
        "url": page_url(innovation.pk),
        "is_synthetic": innovation.is_synthetic,
    }


def innovation_records(*, page_url: PageUrl) -> Iterator[dict[str, Any]]:
    for innovation in open_data_innovations().iterator(chunk_size=CHUNK_SIZE):
        yield innovation_record(innovation, page_url=page_url)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return MULTI_VALUE_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


class _Line:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header and one CSV line per record (RFC 4180: comma separated, double quotes, CRLF)."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for record in records:
        yield writer.writerow([_cell(record[column]) for column in COLUMNS])


def json_chunks(records: Iterable[dict[str, Any]], *, attribution: str) -> Iterator[str]:
    """The JSON document {"licence", "licence_url", "attribution", "generated_at", "innovations": […]} in pieces."""
    head = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": attribution,
        "generated_at": timezone.now(),
    }
    # Everything but the closing brace of the head, then the array streamed record by record.
    yield json.dumps(head, cls=DjangoJSONEncoder, ensure_ascii=False)[:-1] + ', "innovations": ['
    for n, record in enumerate(records):
        yield ("," if n else "") + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"
