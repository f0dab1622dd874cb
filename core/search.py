"""Filtering rows by their stemmed search document (see core.text_search), shared by every searchable list.

A query word matches when one of its stems begins a token of the document. On PostgreSQL the test runs as a
prefix full-text query served by a GIN index on SEARCH_VECTOR (each app's migration creates that index for its
table); elsewhere as substring tests, which find the same rows.
"""

from typing import TypeVar, cast

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Model, Q, QuerySet

from core import text_search

# The indexed expression: the migrations' GIN indexes must be exactly what this compiles to.
SEARCH_VECTOR = SearchVector("search_document", config="simple")

M = TypeVar("M", bound=Model)


def full_text(qs: QuerySet[M], q: str) -> QuerySet[M]:
    """PostgreSQL only: the rows matching every word of q, through the full-text index."""
    expression = text_search.tsquery(q)
    if not expression:
        return qs
    found = qs.alias(search=SEARCH_VECTOR).filter(search=SearchQuery(expression, search_type="raw", config="simple"))
    # The django-stubs plugin types an aliased queryset of a type variable as one of Model: it is still of M.
    return cast("QuerySet[M]", found)


def substrings(qs: QuerySet[M], q: str) -> QuerySet[M]:
    """The rows matching every word of q, as substring tests on the document (any database, no index)."""
    for alternatives in text_search.query_alternatives(q):
        word = Q()
        for pattern in alternatives:
            word |= Q(search_document__contains=pattern)
        qs = qs.filter(word)
    return qs


def matching(qs: QuerySet[M], q: str) -> QuerySet[M]:
    """The rows matching every word of q: full text on PostgreSQL, substring tests elsewhere."""
    if q and connection.vendor == "postgresql":
        return full_text(qs, q)
    return substrings(qs, q)
