"""The search corpus (tests/search_corpus.py) through the catalogue's own search, on whichever database runs the
suite: SQLite's FTS5 index or PostgreSQL's full-text index must find exactly what the search documents say
(what each query must find of them is core/tests/test_search_corpus.py's to check)."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from pytest_django import DjangoDbBlocker

from core.tests.test_search_corpus import matches
from innovations.selectors import CatalogueFilters, innovation_list
from tests import search_corpus
from tests.db import kept_for_the_module
from tests.factories import InnovationFactory, OrganisationFactory


@pytest.fixture(scope="module")
def corpus(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[int, str]]:
    """The corpus's records as published innovations (title and summary in each of their languages): id → key."""
    with kept_for_the_module(django_db_blocker):
        owner = OrganisationFactory(name_fi="Testiorganisaatio", name_sv="Testorganisation", name_en="Test body")
        made = {}
        for record in search_corpus.RECORDS:
            innovation = InnovationFactory.create(
                owner=owner, title_fi=record.fi, title_sv=record.sv, title_en=record.en, titles_only=True
            )
            made[innovation.pk] = record.key
        yield made


def _found(corpus: dict[int, str], query: str) -> set[str]:
    return {
        corpus[innovation.pk] for innovation in innovation_list(user=AnonymousUser(), filters=CatalogueFilters(q=query))
    }


@pytest.mark.django_db
def test_the_catalogue_finds_the_corpus(corpus):
    """Through the database's index, as well as the analysis the suite runs with (Voikko in CI, else simplemma)
    finds it from the documents alone (core/tests/test_search_corpus.py): empty documents would fail here."""
    score = search_corpus.score({query.text: _found(corpus, query.text) for query in search_corpus.QUERIES})
    assert score.recall >= 0.93, score.misses
    assert set(score.extras) <= {"koulut: koulutus"}, score.extras


@pytest.mark.django_db
@pytest.mark.parametrize("query", search_corpus.QUERIES, ids=lambda query: query.text)
def test_the_catalogue_finds_what_the_documents_say(corpus, query):
    from innovations.models import Innovation

    found = _found(corpus, query.text)
    documents = Innovation.objects.filter(pk__in=corpus).values_list("pk", "search_document")
    assert found == {corpus[pk] for pk, document in documents if matches(query.text, document)}
