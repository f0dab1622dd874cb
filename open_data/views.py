"""The open-data page: the files' fields, each with its meaning and codes, listed from the same definition the files
are written from (open_data/schema.py). Its URL name stays in the site-wide `core:` namespace (config/urls.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from open_data import schema as open_data_schema


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


# Joined with core/urls.py under the `core:` namespace by config/urls.py.
urls = [path("open-data/", open_data, name="open_data")]
