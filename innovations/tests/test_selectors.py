"""The innovation selectors: who sees what, the catalogue (search, facets, sorting), lineage and the headline
figures. Data is made through the services (via the factories), so the search documents are the real ones."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from innovations import selectors, services
from innovations.selectors import CatalogueFilters
from innovations.vocabulary import Novelty, PartnerRole, Stage, Status
from organisations.models import OrganisationKind, Region
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _ids(qs):
    return {innovation.pk for innovation in qs}


def _plain(owner, title_fi="", title_sv="", title_en="", **extra):
    """An innovation whose only texts are the given titles, so that searches hit exactly what the test says."""
    return InnovationFactory(
        owner=owner, title_fi=title_fi, title_sv=title_sv, title_en=title_en, titles_only=True, **extra
    )


# --- visibility -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_draft_a", "sees_draft_b"),
    [
        ("anonymous", False, False),
        ("registered_user", False, False),
        ("editor_a", True, False),
        ("admin_a", True, False),
        ("editor_b", False, True),
        ("platform_admin", True, True),
    ],
)
def test_drafts_are_visible_to_members_and_superusers_only(
    request, org_b, published_a, draft_a, role, sees_draft_a, sees_draft_b
):
    draft_b = InnovationFactory(owner=org_b, status=Status.DRAFT)
    published_b = InnovationFactory(owner=org_b)
    user = request.getfixturevalue(role)
    visible = _ids(selectors.innovation_visible(user=user))
    assert {published_a.pk, published_b.pk} <= visible
    assert (draft_a.pk in visible) is sees_draft_a
    assert (draft_b.pk in visible) is sees_draft_b
    assert (selectors.innovation_detail(user=user, pk=draft_a.pk) is not None) is sees_draft_a


def test_a_member_of_several_organisations_sees_the_drafts_of_each(org_a, org_b, draft_a):
    draft_b = InnovationFactory(owner=org_b, status=Status.DRAFT)
    draft_c = InnovationFactory(status=Status.DRAFT)
    user = UserFactory()
    MembershipFactory(user=user, organisation=org_a, role=Role.EDITOR)
    MembershipFactory(user=user, organisation=org_b, role=Role.ADMIN)
    visible = _ids(selectors.innovation_visible(user=user))
    assert {draft_a.pk, draft_b.pk} <= visible
    assert draft_c.pk not in visible


def test_detail_of_a_missing_innovation_is_none(anonymous):
    assert selectors.innovation_detail(user=anonymous, pk=987654321) is None


# --- search -----------------------------------------------------------------------------------------------------


@pytest.fixture
def search_corpus(org_a):
    return {
        "kokeiluja": _plain(org_a, title_fi="Kokeiluja kouluissa"),
        "kokeilun": _plain(org_a, title_fi="Kokeilun tulokset kirjastossa"),
        "kulttuuri": _plain(org_a, title_fi="Kokeilukulttuuri kunnassa"),
        "raati": _plain(org_a, title_fi="Asukasraati päättää"),
        "forsoken": _plain(org_a, title_sv="Försöken i skolorna"),
        "experiments": _plain(org_a, title_en="Experiments with libraries"),
        "service": _plain(org_a, title_en="Digital service for schools"),
    }


def _search(user, q, **filters):
    return _ids(selectors.innovation_list(user=user, filters=CatalogueFilters(q=q, **filters)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kokeilu", {"kokeiluja", "kokeilun", "kulttuuri"}),  # inflections and a compound
        ("kokeiluja", {"kokeiluja", "kokeilun", "kulttuuri"}),  # the inflected form finds its stem too
        ("Kokeilun", {"kokeiluja", "kokeilun", "kulttuuri"}),
        ("försök", {"forsoken"}),
        ("FÖRSÖK", {"forsoken"}),
        ("fo\u0308rso\u0308k", {"forsoken"}),  # decomposed ö, as some keyboards send it
        ("experiment", {"experiments"}),
        ("kokeilu koulu", {"kokeiluja"}),  # words combine with AND
        ("kokeilu kirjasto", {"kokeilun"}),
        ("kokeilu raati", set()),
        ("asukasraati", {"raati"}),
        ("schools", {"service"}),
        ("zeppeliini", set()),
    ],
)
def test_catalogue_search(search_corpus, anonymous, query, expected):
    found = _search(anonymous, query)
    assert found == {search_corpus[name].pk for name in expected}


def test_an_empty_or_punctuation_query_filters_nothing(search_corpus, anonymous):
    everything = {i.pk for i in search_corpus.values()}
    assert _search(anonymous, "") == everything
    assert _search(anonymous, " ,.!? ") == everything


def test_search_finds_the_owner_and_the_themes_by_name(anonymous):
    owner = OrganisationFactory(name_fi="Kuusamon kaupunki", name_sv="Kuusamo stad", name_en="City of Kuusamo")
    theme = ThemeFactory(name_fi="Saaristo", name_sv="Skärgård", name_en="Archipelago")
    by_owner = _plain(owner, title_fi="Etälääkäri")
    by_theme = _plain(OrganisationFactory(), title_fi="Lossi", themes=[theme])
    assert _search(anonymous, "kuusamon") == {by_owner.pk}
    assert _search(anonymous, "skärgården") == {by_theme.pk}


def test_search_never_shows_hidden_drafts(org_a, anonymous, editor_a):
    draft = _plain(org_a, title_fi="Salainen kokeilu", status=Status.DRAFT)
    assert draft.pk not in _search(anonymous, "kokeilu")
    assert draft.pk in _search(editor_a, "kokeilu")


# --- facets -----------------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(org_a, editor_a):
    """Four published innovations with known classifications, and one draft."""
    uusimaa, pirkanmaa = Region.objects.get(code="01"), Region.objects.get(code="06")
    municipality = OrganisationFactory(region=uusimaa)
    company_owner = OrganisationFactory(kind=OrganisationKind.JOINT_AUTHORITY, region=pirkanmaa)
    county = OrganisationFactory(kind=OrganisationKind.WELLBEING_COUNTY, region=pirkanmaa)
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    company = OrganisationFactory(kind=OrganisationKind.COMPANY)
    t1, t2 = ThemeFactory(), ThemeFactory()
    i1 = InnovationFactory(
        owner=municipality,
        stage=Stage.IDEA,
        novelty=Novelty.NEW,
        classifications={"type": ["service"]},
        themes=[t1],
    )
    i2 = InnovationFactory(
        owner=company_owner,
        stage=Stage.EXPERIMENT,
        novelty=Novelty.ADAPTED,
        classifications={"type": ["process"]},
        themes=[t2],
    )
    i3 = InnovationFactory(
        owner=county,
        stage=Stage.IN_USE,
        novelty=Novelty.COPIED,
        classifications={"type": ["service", "product"]},
        themes=[t1, t2],
    )
    i4 = InnovationFactory(
        owner=municipality, stage=Stage.IDEA, novelty=Novelty.NEW, classifications={"type": ["product"]}
    )
    draft = InnovationFactory(
        owner=org_a,
        actor=editor_a,
        status=Status.DRAFT,
        stage=Stage.IDEA,
        classifications={"type": ["service"]},
        themes=[t1],
    )
    PartnershipFactory(innovation=i1, organisation=university)
    PartnershipFactory(innovation=i2, organisation=company)
    PartnershipFactory(innovation=i2, organisation=university, role=PartnerRole.RESEARCHER)
    return {
        "i1": i1, "i2": i2, "i3": i3, "i4": i4, "draft": draft, "t1": t1, "t2": t2,
        "municipality": municipality, "uusimaa": uusimaa, "pirkanmaa": pirkanmaa,
    }  # fmt: skip


def _listed(user, **filters):
    return _ids(selectors.innovation_list(user=user, filters=CatalogueFilters(**filters)))


def _names(catalogue, *names):
    return {catalogue[name].pk for name in names}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ("i1", "i2", "i3", "i4")),
        ({"types": ["service"]}, ("i1", "i3")),
        ({"types": ["service", "process"]}, ("i1", "i2", "i3")),
        ({"stages": ["idea"]}, ("i1", "i4")),
        ({"stages": ["idea", "in_use"]}, ("i1", "i3", "i4")),
        ({"novelty": ["adapted", "copied"]}, ("i2", "i3")),
        ({"org_kinds": ["municipality"]}, ("i1", "i4")),
        ({"org_kinds": ["joint_authority", "wellbeing_county"]}, ("i2", "i3")),
        ({"regions": ["06"]}, ("i2", "i3")),
        ({"regions": ["01", "06"]}, ("i1", "i2", "i3", "i4")),
        ({"partner_kinds": ["university"]}, ("i1", "i2")),
        ({"partner_kinds": ["company"]}, ("i2",)),
        ({"types": ["service"], "stages": ["idea"]}, ("i1",)),
        ({"types": ["product"], "regions": ["01"]}, ("i4",)),
    ],
)
def test_each_filter(catalogue, anonymous, filters, expected):
    assert _listed(anonymous, **filters) == _names(catalogue, *expected)


def test_theme_filters_one_and_several(catalogue, anonymous):
    t1, t2 = catalogue["t1"].slug, catalogue["t2"].slug
    assert _listed(anonymous, themes=[t1]) == _names(catalogue, "i1", "i3")
    listed = list(selectors.innovation_list(user=anonymous, filters=CatalogueFilters(themes=[t1, t2])))
    # i3 has both themes and must still be listed once.
    assert sorted(i.pk for i in listed) == sorted(_names(catalogue, "i1", "i2", "i3"))


def test_owner_and_status_filters(catalogue, editor_a, org_a):
    assert _listed(editor_a, owner=catalogue["municipality"].slug) == _names(catalogue, "i1", "i4")
    assert _listed(editor_a, status=Status.DRAFT) == _names(catalogue, "draft")
    assert _listed(editor_a, owner=org_a.slug) == _names(catalogue, "draft")


def test_facet_counts_without_filters(catalogue, anonymous):
    counts = selectors.innovation_facets(user=anonymous, filters=CatalogueFilters())
    t1, t2 = catalogue["t1"].slug, catalogue["t2"].slug
    assert counts["types"] == {"service": 2, "process": 1, "product": 2}
    assert counts["stages"] == {"idea": 2, "experiment": 1, "in_use": 1}
    assert counts["novelty"] == {"new": 2, "adapted": 1, "copied": 1}
    assert counts["org_kinds"] == {"municipality": 2, "joint_authority": 1, "wellbeing_county": 1}
    assert counts["regions"] == {"01": 2, "06": 2}
    assert counts["themes"] == {t1: 2, t2: 2}
    # i2 has two partners of different kinds, i1 one: each innovation counts once per kind.
    assert counts["partner_kinds"] == {"university": 2, "company": 1}


def test_the_draft_counts_for_its_members_only(catalogue, anonymous, editor_a):
    assert selectors.innovation_facets(user=anonymous, filters=CatalogueFilters())["types"]["service"] == 2
    assert selectors.innovation_facets(user=editor_a, filters=CatalogueFilters())["types"]["service"] == 3


def test_facet_counts_are_disjunctive(catalogue, anonymous):
    """A facet ignores its own filter (its other values stay countable) but applies all the others."""
    filters = CatalogueFilters(types=["service"], stages=["idea"], regions=["01"])
    counts = selectors.innovation_facets(user=anonymous, filters=filters)
    # types: stage idea & region 01 → i1 (service), i4 (product)
    assert counts["types"] == {"service": 1, "product": 1}
    # stages: service & region 01 → i1 only
    assert counts["stages"] == {"idea": 1}
    # regions: service & idea → i1 (01); i3 is in_use
    assert counts["regions"] == {"01": 1}
    # the rest apply every filter → i1
    assert counts["novelty"] == {"new": 1}
    assert counts["org_kinds"] == {"municipality": 1}
    assert counts["themes"] == {catalogue["t1"].slug: 1}
    assert counts["partner_kinds"] == {"university": 1}


def test_facet_counts_with_several_values_in_one_facet(catalogue, anonymous):
    filters = CatalogueFilters(stages=["idea", "in_use"])
    counts = selectors.innovation_facets(user=anonymous, filters=filters)
    assert counts["stages"] == {"idea": 2, "experiment": 1, "in_use": 1}  # own filter ignored
    assert counts["types"] == {"service": 2, "product": 2}  # i1, i3, i4
    t1, t2 = catalogue["t1"].slug, catalogue["t2"].slug
    counts = selectors.innovation_facets(user=anonymous, filters=CatalogueFilters(themes=[t1, t2]))
    assert counts["themes"] == {t1: 2, t2: 2}
    assert counts["stages"] == {"idea": 1, "experiment": 1, "in_use": 1}  # i3 once despite two themes
    assert counts["types"] == {"service": 2, "process": 1, "product": 1}


def test_facet_counts_follow_the_search(catalogue, anonymous):
    i1 = catalogue["i1"]
    word = i1.title_fi.split()[0]  # e.g. "Kotihoidon": shared only by innovations with the same subject
    expected = _listed(anonymous, q=word)
    assert i1.pk in expected
    counts = selectors.innovation_facets(user=anonymous, filters=CatalogueFilters(q=word))
    assert sum(counts["stages"].values()) == len(expected)


def test_facet_counts_match_the_list_for_every_single_value(catalogue, anonymous):
    """For each facet value, the count equals the length of the list filtered by that value alone."""
    counts = selectors.innovation_facets(user=anonymous, filters=CatalogueFilters())
    for facet, values in counts.items():
        for value, count in values.items():
            assert len(_listed(anonymous, **{facet: [value]})) == count, (facet, value)


# --- sorting ----------------------------------------------------------------------------------------------------


def test_sorting(org_a, editor_a):
    b = _plain(org_a, title_fi="Bussikortti", introduced_on=datetime.date(2020, 1, 1), stage=Stage.IN_USE)
    a = _plain(org_a, title_fi="Aamupala", introduced_on=datetime.date(2022, 6, 1), stage=Stage.IN_USE)
    c = _plain(org_a, title_fi="Ääniopas")  # no introduction date
    d = _plain(org_a, title_fi="Citypyörä", introduced_on=datetime.date(2021, 3, 1), stage=Stage.IN_USE)

    def order(sort):
        return [i.pk for i in selectors.innovation_list(user=editor_a, filters=CatalogueFilters(sort=sort))]

    assert order("title") == [a.pk, b.pk, d.pk, c.pk]  # Ä after Z, as in the Finnish alphabet
    assert order("newest") == [d.pk, c.pk, a.pk, b.pk]
    # Undated innovations come last on every database (PostgreSQL puts NULLs first in a descending sort).
    assert order("introduced") == [a.pk, d.pk, b.pk, c.pk]
    services.innovation_update(actor=editor_a, innovation=b, expected_version=1, data={"summary_fi": "Uusi"})
    assert order("updated")[0] == b.pk
    assert order("no-such-sort") == order("updated")


# --- lineage ----------------------------------------------------------------------------------------------------


def _days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def _chain(length):
    """A → B → C …: each adopts the previous; returns the innovations in order."""
    first = InnovationFactory()
    chain = [first]
    for step in range(1, length):
        adoption = AdoptionFactory(
            source=chain[-1], mode=Novelty.COPIED if step % 2 else Novelty.ADAPTED, adopted_on=_days_ago(100 - step)
        )
        chain.append(adoption.result)
    return chain


def _shape(nodes):
    return [(node.innovation.pk, node.depth, node.mode, node.parent_id) for node in nodes]


def test_lineage_ancestors_and_descendants(anonymous):
    a, b, c, d = _chain(4)
    nodes = selectors.innovation_lineage(user=anonymous, innovation=c)
    assert _shape(nodes) == [
        (a.pk, -2, "", None),
        (b.pk, -1, Novelty.COPIED, a.pk),
        (c.pk, 0, Novelty.ADAPTED, b.pk),
        (d.pk, 1, Novelty.COPIED, c.pk),
    ]


def test_lineage_descendant_tree_breadth_first(anonymous):
    root = InnovationFactory()
    children = [AdoptionFactory(source=root, adopted_on=_days_ago(30 - n)).result for n in range(3)]
    grandchild = AdoptionFactory(source=children[1], adopted_on=_days_ago(5), mode=Novelty.COPIED).result
    nodes = selectors.innovation_lineage(user=anonymous, innovation=root)
    assert _shape(nodes) == [
        (root.pk, 0, "", None),
        *[(child.pk, 1, Novelty.ADAPTED, root.pk) for child in children],  # in adoption order
        (grandchild.pk, 2, Novelty.COPIED, children[1].pk),
    ]


def test_lineage_is_bounded_by_max_nodes_and_max_depth(anonymous):
    root = InnovationFactory()
    for n in range(5):
        AdoptionFactory(source=root, adopted_on=_days_ago(50 - n))
    nodes = selectors.innovation_lineage(user=anonymous, innovation=root, max_nodes=4)
    assert len(nodes) == 4
    assert nodes[0].innovation == root
    chain = _chain(7)
    nodes = selectors.innovation_lineage(user=anonymous, innovation=chain[3], max_depth=2)
    assert [node.depth for node in nodes] == [-2, -1, 0, 1, 2]
    assert [node.innovation.pk for node in nodes] == [i.pk for i in chain[1:6]]


def test_lineage_hides_drafts_from_outsiders_and_ends_their_branch(anonymous, org_b, editor_b):
    a, b, c = _chain(3)
    # b is withdrawn to draft after c adopted it.
    b_admin = MembershipFactory(organisation=b.owner, role=Role.ADMIN).user
    services.innovation_set_status(actor=b_admin, innovation=b, status=Status.DRAFT, expected_version=b.version)
    outsider_view = _shape(selectors.innovation_lineage(user=anonymous, innovation=a))
    assert outsider_view == [(a.pk, 0, "", None)]
    assert _shape(selectors.innovation_lineage(user=anonymous, innovation=c)) == [(c.pk, 0, "", None)]
    member_view = selectors.innovation_lineage(user=b_admin, innovation=a)
    assert [node.innovation.pk for node in member_view] == [a.pk, b.pk, c.pk]


def test_an_unpublished_adoption_is_hidden_from_outsiders_only(published_a, org_b, editor_b, anonymous, editor_a):
    adoption = services.innovation_adopt(
        actor=editor_b, source=published_a, adopter=org_b, mode="adapted", publish=False
    )
    assert [n.innovation.pk for n in selectors.innovation_lineage(user=anonymous, innovation=published_a)] == [
        published_a.pk
    ]
    assert [n.innovation.pk for n in selectors.innovation_lineage(user=editor_a, innovation=published_a)] == [
        published_a.pk
    ]
    assert [n.innovation.pk for n in selectors.innovation_lineage(user=editor_b, innovation=published_a)] == [
        published_a.pk,
        adoption.result_id,
    ]


# --- headline figures -------------------------------------------------------------------------------------------


def test_registry_figures_count_published_records_only(org_a, org_b, editor_b):
    empty = selectors.registry_figures()
    assert empty == {
        "innovations": 0,
        "organisations": 0,
        "adoptions": 0,
        "share_new": 0.0,
        "share_adapted": 0.0,
        "share_copied": 0.0,
    }
    source = InnovationFactory(owner=org_a)
    InnovationFactory(owner=org_a)
    InnovationFactory(owner=org_a, status=Status.DRAFT)
    AdoptionFactory(source=source, adopter=org_b, mode=Novelty.ADAPTED)
    AdoptionFactory(source=source, mode=Novelty.COPIED, publish=False)  # a draft result: not counted
    figures = selectors.registry_figures()
    assert figures["innovations"] == 3  # two of org A's, org B's adaptation
    assert figures["organisations"] == 2
    assert figures["adoptions"] == 1
    assert figures["share_new"] == pytest.approx(2 / 3)
    assert figures["share_adapted"] == pytest.approx(1 / 3)
    assert figures["share_copied"] == 0.0
