"""The front page and the open-data page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from innovations import open_data_schema
from innovations.selectors import CatalogueFilters, innovation_list, registry_figures
from innovations.vocabulary import Novelty, Status

LATEST_COUNT = 6


def home(request: HttpRequest) -> HttpResponse:
    latest = innovation_list(user=request.user, filters=CatalogueFilters(status=Status.PUBLISHED, sort="newest"))
    figures = registry_figures()
    # (label, share, the bar's width (an SVG length: no style attribute, which the CSP refuses) with a decimal
    # point whatever the language)
    novelty_shares = [
        (label, share, f"{share * 100:.1f}%")
        for label, share in (
            (Novelty.NEW.label, figures["share_new"]),
            (Novelty.ADAPTED.label, figures["share_adapted"]),
            (Novelty.COPIED.label, figures["share_copied"]),
        )
    ]
    return render(
        request,
        "core/home.html",
        {"figures": figures, "novelty_shares": novelty_shares, "latest": list(latest[:LATEST_COUNT])},
    )


def open_data(request: HttpRequest) -> HttpResponse:
    """The page lists the files' fields from the same definition the files are written from (open_data_schema)."""
    datasets = [
        {
            "name": dataset.name,
            "title": dataset.title,
            "description": dataset.description,
            "fields": [
                {
                    "name": field.name,
                    "title": field.title,
                    "description": field.description,
                    "kind": open_data_schema.kind_label(field),
                    "codes": field.codes.choices if field.codes is not None else [],
                }
                for field in dataset.fields
            ],
        }
        for dataset in open_data_schema.DATASETS.values()
    ]
    return render(
        request,
        "core/open_data.html",
        {
            "datasets": datasets,
            "schema_version": open_data_schema.SCHEMA_VERSION,
            "separator": open_data_schema.MULTI_VALUE_SEPARATOR,
        },
    )
