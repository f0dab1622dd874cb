"""Rebuilding every search document (search.services.rebuild_documents, `manage.py rebuild_search_documents` and the
migration that ran it when Voikko's analysis came in): documents as the services make them, stale ones replaced,
the catalogue's cached counts retired."""

import io

import pytest
from django.core.management import call_command

from experiments.models import Experiment
from experiments.services import experiment_search_document
from ideas.models import Idea
from ideas.services.ideas import idea_search_document
from innovations import catalogue
from innovations.models import Innovation
from innovations.services import innovation_search_document
from search.services import rebuild_documents
from tests.factories import ExperimentFactory, IdeaFactory, InnovationFactory

pytestmark = pytest.mark.django_db

STALE = " kotihoido "  # a Snowball stem, as documents held before


def test_stale_documents_are_made_again_as_the_services_make_them():
    innovations = InnovationFactory.create_batch(3, title_fi="Kotihoidon iltakäynnit")
    experiment = ExperimentFactory(title_fi="Etäkotihoidon kokeilu")
    idea = IdeaFactory(title="Kotihoitoa iltaisin")
    Innovation.objects.update(search_document=STALE)
    Experiment.objects.update(search_document=STALE)
    Idea.objects.update(search_document=STALE)
    version = catalogue.version()

    counts = rebuild_documents()

    assert counts == {"innovations": 3, "experiments": 1, "ideas": 1}
    for innovation in Innovation.objects.filter(pk__in=[i.pk for i in innovations]).prefetch_related("themes"):
        assert innovation.search_document == innovation_search_document(innovation, innovation.themes.all())
        assert " kotihoito " in innovation.search_document
    experiment.refresh_from_db()
    assert experiment.search_document == experiment_search_document(experiment)
    assert " hoito " in experiment.search_document
    idea.refresh_from_db()
    assert idea.search_document == idea_search_document(idea)
    assert catalogue.version() != version


def test_the_catalogue_finds_by_the_rebuilt_documents():
    from django.contrib.auth.models import AnonymousUser

    from innovations.selectors import CatalogueFilters, innovation_list

    innovation = InnovationFactory(title_fi="Kotihoidon iltakäynnit")
    Innovation.objects.filter(pk=innovation.pk).update(search_document=STALE)
    search = CatalogueFilters(q="kotihoito")
    assert innovation not in list(innovation_list(user=AnonymousUser(), filters=search))
    rebuild_documents()
    assert innovation in list(innovation_list(user=AnonymousUser(), filters=search))


def test_the_command_says_what_it_rebuilt_and_with_which_analyser():
    from core import finnish

    InnovationFactory()
    out = io.StringIO()
    call_command("rebuild_search_documents", stdout=out)
    expected = f"Search documents rebuilt with {finnish.analyser().name}: innovations 1, experiments 0, ideas 0.\n"
    assert out.getvalue() == expected


def test_the_migration_rebuilds_with_the_models_as_they_were_then():
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    innovation = InnovationFactory(title_fi="Kotihoidon iltakäynnit")
    Innovation.objects.filter(pk=innovation.pk).update(search_document=STALE)
    then = MigrationLoader(connection).project_state(("search", "0001_rebuild_search_documents")).apps
    assert rebuild_documents(then)["innovations"] == 1
    innovation.refresh_from_db()
    assert " kotihoito " in innovation.search_document


def test_an_empty_database_is_left_as_it_is():
    Innovation.objects.all().delete()
    version = catalogue.version()
    assert rebuild_documents() == {"innovations": 0, "experiments": 0, "ideas": 0}
    assert catalogue.version() == version
