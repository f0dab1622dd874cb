"""The catalogue's derived data: every kind of write keeps the catalogue entries what the base tables say, so the
facet counts equal a recount from the base tables; and cached counts never outlive a write.

The oracle (`recount`) reads the base tables only (innovations, owners, classifications, themes, partners) and
does the disjunctive counting in plain Python, so it shares nothing with the catalogue table or its SQL."""

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import text_search
from core.errors import ConflictError
from demo.registry import demo_data_delete, demo_data_load
from innovations import catalogue, selectors, services
from innovations.models import CatalogueEntry, Innovation
from innovations.selectors import CatalogueCounts, CatalogueFilters, CatalogueResults
from innovations.vocabulary import Novelty, Stage, Status
from organisations import services as organisation_services
from organisations.models import Organisation, OrganisationKind, Region
from organisations.reference_data import load_reference_data
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
    robot,
)

pytestmark = pytest.mark.django_db


# --- the oracle -------------------------------------------------------------------------------------------------


def _values(innovation: Innovation) -> dict[str, set[str]]:
    owner = innovation.owner
    return {
        "types": {c.code for c in innovation.classifications.all() if c.dimension == "type"},
        "stages": {innovation.stage},
        "novelty": {innovation.novelty},
        "org_kinds": {owner.kind},
        "regions": {owner.region.code} if owner.region else set(),
        "themes": {theme.slug for theme in innovation.themes.all()},
        "partner_kinds": {partnership.organisation.kind for partnership in innovation.partnerships.all()},
    }


def recount(user: Any, filters: CatalogueFilters) -> CatalogueCounts:
    """Total and facet counts from the base tables, counted in Python."""
    visible = selectors.innovation_visible(user=user).select_related("owner__region")
    words = text_search.query_alternatives(filters.q)
    rows = [
        _values(innovation)
        for innovation in visible.prefetch_related("classifications", "themes", "partnerships__organisation")
        if all(any(pattern in innovation.search_document for pattern in word) for word in words)
        and (not filters.owner or innovation.owner.slug == filters.owner)
        and (not filters.status or innovation.status == filters.status)
    ]

    def passes(values: dict[str, set[str]], skip: str = "") -> bool:
        return all(
            values[facet] & set(getattr(filters, facet))
            for facet in CatalogueFilters.FACETS
            if getattr(filters, facet) and facet != skip
        )

    facets = {
        facet: dict(Counter(value for values in rows if passes(values, facet) for value in values[facet]))
        for facet in CatalogueFilters.FACETS
    }
    return CatalogueCounts(total=sum(passes(values) for values in rows), facets=facets)


def assert_in_step(*users: Any) -> None:
    """The stored entries are what a recomputation gives, and the counts (cached or not) what the oracle says,
    for several filter sets and for each person."""
    stored = {
        entry.innovation_id: entry for entry in CatalogueEntry.objects.all()
    }  # every innovation has exactly its entry
    fresh = {entry.innovation_id: entry for entry in catalogue.entries(Innovation.objects.values_list("pk", flat=True))}
    assert stored.keys() == fresh.keys()
    fields = [f.attname for f in CatalogueEntry._meta.concrete_fields]
    for pk, entry in fresh.items():
        assert [getattr(stored[pk], f) for f in fields] == [getattr(entry, f) for f in fields], pk
    theme_slugs = list(CatalogueEntry.objects.exclude(themes="").values_list("themes", flat=True)[:1])
    filter_sets = [
        CatalogueFilters(),
        CatalogueFilters(types=["service"], stages=["idea", "in_use"]),
        CatalogueFilters(org_kinds=["municipality", "company"], partner_kinds=["university"]),
        CatalogueFilters(regions=["01", "06"], novelty=["adapted"]),
        CatalogueFilters(themes=theme_slugs[0].split() if theme_slugs else [], types=["process"]),
        CatalogueFilters(q="kotihoidon"),
        CatalogueFilters(q="kotihoidon", types=["service"], partner_kinds=["company"]),
    ]
    for user in users or (AnonymousUser(),):
        for filters in filter_sets:
            expected = recount(user, filters)
            assert len(CatalogueResults(user=user, filters=filters, facets=False)) == expected.total  # API list
            assert selectors.innovation_counts(user=user, filters=filters) == expected, filters
            assert len(CatalogueResults(user=user, filters=filters)) == expected.total
            assert len(list(selectors.innovation_list(user=user, filters=filters))) == expected.total


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation, editor_a: Any) -> dict[str, Any]:
    """A small registry with every facet in use, and a draft."""
    company = OrganisationFactory(kind=OrganisationKind.COMPANY, region=Region.objects.get(code="06"))
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    t1, t2 = ThemeFactory(), ThemeFactory()
    i1 = InnovationFactory(owner=org_a, actor=editor_a, stage=Stage.IDEA, themes=[t1])
    i2 = InnovationFactory(owner=org_b, classifications={"type": ["service", "process"]}, themes=[t1, t2])
    i3 = InnovationFactory(owner=company, stage=Stage.IN_USE, classifications={"type": ["product"]})
    draft = InnovationFactory(owner=org_a, actor=editor_a, status=Status.DRAFT, themes=[t2])
    PartnershipFactory(innovation=i1, organisation=university)
    PartnershipFactory(innovation=i2, organisation=company)
    return {"i1": i1, "i2": i2, "i3": i3, "draft": draft, "t1": t1, "t2": t2, "company": company, "uni": university}


# --- every write keeps the catalogue in step -------------------------------------------------------------------


def test_after_creating(world: dict[str, Any], editor_a: Any) -> None:
    assert_in_step(AnonymousUser(), editor_a, robot())


def test_after_updating_texts_stage_types_and_themes(world: dict[str, Any], editor_a: Any) -> None:
    assert_in_step(AnonymousUser())  # fills the cache: the update must retire what it holds
    i1 = world["i1"]
    services.innovation_update(
        actor=editor_a,
        innovation=i1,
        expected_version=i1.version,
        data={"stage": Stage.EXPERIMENT, "novelty": Novelty.ADAPTED, "title_fi": "Kotihoidon uusi malli"},
        classifications={"type": ["communication", "service"]},
        themes=[world["t2"]],
    )
    assert_in_step(AnonymousUser(), editor_a)


def test_after_publishing_unpublishing_and_deleting(world: dict[str, Any], editor_a: Any) -> None:
    assert_in_step(AnonymousUser(), editor_a)
    draft = services.innovation_set_status(
        actor=editor_a, innovation=world["draft"], status=Status.PUBLISHED, expected_version=world["draft"].version
    )
    assert_in_step(AnonymousUser(), editor_a)
    services.innovation_set_status(
        actor=editor_a, innovation=world["i1"], status=Status.DRAFT, expected_version=world["i1"].version
    )
    assert_in_step(AnonymousUser(), editor_a)
    services.innovation_delete(actor=robot(), innovation=draft)
    assert not CatalogueEntry.objects.filter(innovation_id=draft.pk).exists()
    assert_in_step(AnonymousUser(), editor_a)


def test_after_adopting(world: dict[str, Any], org_b: Organisation) -> None:
    assert_in_step()
    AdoptionFactory(source=world["i2"], adopter=OrganisationFactory(), mode=Novelty.COPIED)
    AdoptionFactory(source=world["i3"], adopter=org_b, mode=Novelty.ADAPTED, publish=False)
    assert_in_step(AnonymousUser(), robot())


def test_after_partner_changes(world: dict[str, Any]) -> None:
    assert_in_step()
    added = PartnershipFactory.create(innovation=world["i3"], organisation=world["uni"])
    assert_in_step()
    services.partnership_update(actor=robot(), partnership=added, role="funder")
    assert_in_step()
    services.partnership_remove(actor=robot(), partnership=added)
    services.partnership_remove(actor=robot(), partnership=world["i2"].partnerships.get())
    assert_in_step()


def test_after_an_organisation_changes_kind_region_or_name(world: dict[str, Any]) -> None:
    assert_in_step()
    company: Organisation = world["company"]  # owner of i3 and partner of i2
    company = organisation_services.organisation_update(
        actor=robot(),
        organisation=company,
        expected_version=company.version,
        data={"kind": OrganisationKind.THIRD_SECTOR, "region": Region.objects.get(code="01"), "business_id": ""},
    )
    assert_in_step()
    organisation_services.organisation_update(
        actor=robot(), organisation=company, expected_version=company.version, data={"name_fi": "Kotihoidon yhdistys"}
    )
    assert_in_step()  # now found by "kotihoidon": the cached search counts went with the rename


def test_after_a_municipality_moves_region_in_the_reference_data(world: dict[str, Any], org_a: Organisation) -> None:
    helsinki = Organisation.objects.get(municipality_code="091")
    InnovationFactory(owner=helsinki)
    assert_in_step()
    Organisation.objects.filter(pk=helsinki.pk).update(region=Region.objects.get(code="06"))  # as if it moved
    CatalogueEntry.objects.filter(owner=helsinki).update(region="06")  # (the entry as of that time)
    catalogue.bump()
    load_reference_data()  # puts it back in Uusimaa
    assert CatalogueEntry.objects.get(owner=helsinki).region == "01"
    assert_in_step()


def test_after_a_theme_is_renamed_or_deleted_in_the_admin(client: Any, world: dict[str, Any]) -> None:
    client.force_login(robot())
    assert_in_step()
    t1 = world["t1"]
    data = {"slug": "renamed", "name_fi": "Kotihoidon teema", "name_sv": t1.name_sv, "name_en": t1.name_en}
    response = client.post(reverse("admin:core_theme_change", args=[t1.pk]), data)
    assert response.status_code == 302
    assert_in_step()
    response = client.post(reverse("admin:core_theme_delete", args=[t1.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_in_step()


def test_demo_data_load_and_delete(db: None) -> None:
    demo_data_load(innovations=30)
    assert CatalogueEntry.objects.count() == Innovation.objects.count() > 0
    assert_in_step()
    demo_data_delete()
    assert not CatalogueEntry.objects.exists()
    assert_in_step()


def test_rebuild_gives_what_refresh_gives(world: dict[str, Any]) -> None:
    before = {e.innovation_id: e.types + e.themes + e.partner_kinds + e.region for e in CatalogueEntry.objects.all()}
    assert catalogue.rebuild() == Innovation.objects.count()
    after = {e.innovation_id: e.types + e.themes + e.partner_kinds + e.region for e in CatalogueEntry.objects.all()}
    assert before == after
    assert_in_step()


# --- the cache --------------------------------------------------------------------------------------------------


def test_counts_come_from_the_cache_until_a_write(world: dict[str, Any]) -> None:
    caches["catalogue"].clear()
    filters = CatalogueFilters(types=["service"])
    first = selectors.innovation_counts(user=AnonymousUser(), filters=filters)
    with CaptureQueriesContext(connection) as captured:
        again = selectors.innovation_counts(user=AnonymousUser(), filters=filters)
    assert again == first
    assert len(captured) == 1  # the version token only
    InnovationFactory(classifications={"type": ["service"]})
    assert selectors.innovation_counts(user=AnonymousUser(), filters=filters).total == first.total + 1


def test_the_same_query_in_another_form_shares_the_entry(world: dict[str, Any]) -> None:
    caches["catalogue"].clear()
    selectors.innovation_counts(
        user=AnonymousUser(), filters=CatalogueFilters(q="Kotihoidon", stages=["idea", "in_use"])
    )
    with CaptureQueriesContext(connection) as captured:
        selectors.innovation_counts(
            user=AnonymousUser(), filters=CatalogueFilters(q="kotihoidon", stages=["in_use", "idea"])
        )
    assert len(captured) == 1


def test_a_draft_is_counted_only_for_those_who_may_see_it(world: dict[str, Any], editor_a: Any, editor_b: Any) -> None:
    caches["catalogue"].clear()
    everyone = selectors.innovation_counts(user=AnonymousUser(), filters=CatalogueFilters()).total
    assert selectors.innovation_counts(user=editor_a, filters=CatalogueFilters()).total == everyone + 1
    assert selectors.innovation_counts(user=editor_b, filters=CatalogueFilters()).total == everyone
    assert selectors.innovation_counts(user=AnonymousUser(), filters=CatalogueFilters()).total == everyone


def test_a_failed_write_changes_no_version(world: dict[str, Any], editor_a: Any) -> None:
    token = catalogue.version()
    with pytest.raises(ConflictError):
        services.innovation_update(
            actor=editor_a, innovation=world["i1"], expected_version=world["i1"].version - 1, data={"stage": "idea"}
        )
    assert catalogue.version() == token
    services.innovation_update(
        actor=editor_a, innovation=world["i1"], expected_version=world["i1"].version, data={"stage": "experiment"}
    )
    assert catalogue.version() != token


def test_the_catalogue_page_uses_the_cached_counts(client: Any, world: dict[str, Any]) -> None:
    caches["catalogue"].clear()
    url = reverse("innovations:list") + "?types=service"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert (
        response.context["page"].paginator.count == recount(AnonymousUser(), CatalogueFilters(types=["service"])).total
    )
    # regions and themes (the facets' labels), the version token, the page's rows by id: nothing is counted
    assert len(captured) == 4
    assert not any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)
    InnovationFactory(classifications={"type": ["service"]})
    assert client.get(url).context["page"].paginator.count == response.context["page"].paginator.count + 1


@pytest.mark.parametrize("few", [0, 10_000])
def test_pages_agree_with_the_list(
    world: dict[str, Any], org_a: Organisation, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways of reading a page (by LIMIT, or by the ids of few results on PostgreSQL) give the list's rows."""
    monkeypatch.setattr(selectors, "FEW_RESULTS", few)
    for n in range(25):
        InnovationFactory(owner=org_a, title_fi=f"Kotihoidon kokeilu {n}", stage=Stage.IN_USE)
    for filters in (CatalogueFilters(q="kokeilu"), CatalogueFilters(q="kokeilu", stages=["in_use"], sort="title")):
        expected = [i.pk for i in selectors.innovation_list(user=AnonymousUser(), filters=filters)]
        results = CatalogueResults(user=AnonymousUser(), filters=filters)
        assert len(results) == len(expected) == 25
        assert [i.pk for i in results[0:20]] + [i.pk for i in results[20:40]] == expected
        assert results[30:40] == []
