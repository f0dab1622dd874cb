"""Filtering rows by their stemmed search document (see core.text_search), shared by every searchable list.

A query word matches when one of its stems begins a token of the document. On PostgreSQL the test runs as a
prefix full-text query served by a GIN index on SEARCH_VECTOR (each app's migration creates that index for its
table); elsewhere as substring tests, which find the same rows.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from core import text_search

# The indexed expression: the migrations' GIN indexes must be exactly what this compiles to.
SEARCH_VECTOR = SearchVector("search_document", config="simple")


def full_text(qs: QuerySet, q: str) -> QuerySet:
    """PostgreSQL only: the rows matching every word of q, through the full-text index."""
    expression = text_search.tsquery(q)
    if not expression:
        return qs
    return qs.alias(search=SEARCH_VECTOR).filter(search=SearchQuery(expression, search_type="raw", config="simple"))


def substrings(qs: QuerySet, q: str) -> QuerySet:
    """The rows matching every word of q, as substring tests on the document (any database, no index)."""
    for alternatives in text_search.query_alternatives(q):
        word = Q()
        for pattern in alternatives:
            word |= Q(search_document__contains=pattern)
        qs = qs.filter(word)
    return qs


def matching(qs: QuerySet, q: str) -> QuerySet:
    """The rows matching every word of q: full text on PostgreSQL, substring tests elsewhere."""
    if q and connection.vendor == "postgresql":
        return full_text(qs, q)
    return substrings(qs, q)
