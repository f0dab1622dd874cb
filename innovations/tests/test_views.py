"""The read pages: front page, open data, catalogue (search, facets, sorting, pagination) and the innovation page."""

import re

import pytest

from accounts.models import Role
from core.models import Theme
from innovations import services
from innovations.tests.test_views_support import LANGUAGES, url
from innovations.vocabulary import InnovationType, Novelty, PartnerRole, Stage, Status
from organisations.models import Organisation, OrganisationKind
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
)

# The shared people and records: org_a, editor_a, admin_a, editor_b, registered_user, published_a, draft_a …
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- every page in every language ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_render_in_each_language(client, language, published_a):
    for name, kwargs in [
        ("core:home", {}),
        ("core:open_data", {}),
        ("innovations:list", {}),
        ("innovations:detail", {"pk": published_a.pk}),
    ]:
        response = client.get(url(name, language, **kwargs))
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in html(response)
        assert html(response).count("<h1") == 1, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_editor_pages_render_in_each_language(client, language, published_a, editor_a, admin_a, editor_b):
    client.force_login(admin_a)
    for name in ("innovations:edit", "innovations:unpublish", "innovations:delete"):
        response = client.get(url(name, language, pk=published_a.pk))
        assert response.status_code == 200, name
        assert html(response).count("<h1") == 1, name
    assert client.get(url("innovations:create", language)).status_code == 200
    client.force_login(editor_b)
    assert client.get(url("innovations:adopt", language, pk=published_a.pk)).status_code == 200


def test_front_page_shows_the_registry_figures_and_latest_innovations(client, org_a, org_b):
    source = InnovationFactory.create(owner=org_a, title_en="Alkuperäinen", novelty=Novelty.NEW)
    InnovationFactory.create(owner=org_a, title_en="Luonnos", status=Status.DRAFT)
    AdoptionFactory(source=source, adopter=org_b, mode=Novelty.ADAPTED)
    page = html(client.get(url("core:home", "en")))
    # two published innovations (the source and the adapted copy), one adoption; half new, half adapted
    assert re.search(r'figure-number">2</span>\s*<span class="figure-label">published innovations', page)
    assert "50%" in page
    assert "Alkuperäinen" in page
    assert "Luonnos" not in page
    assert 'role="search"' in page


def test_open_data_page_links_the_files_and_names_the_licence(client):
    page = html(client.get(url("core:open_data", "en")))
    assert 'href="/api/v1/open-data/innovations.csv"' in page
    assert 'href="/api/v1/open-data/innovations.json"' in page
    assert "CC BY 4.0" in page
    assert "creativecommons.org/licenses/by/4.0/deed.en" in page


# --- catalogue ------------------------------------------------------------------------------------------------------


def test_search_kokeilu_finds_kirjaston_kokeiluja(client, org_a):
    InnovationFactory.create(owner=org_a, title_fi="Kirjaston kokeiluja")
    InnovationFactory.create(owner=org_a, title_fi="Kotihoidon etäpalvelu")
    response = client.get(url("innovations:list", query="q=kokeilu"))
    page = html(response)
    assert "Kirjaston kokeiluja" in page
    assert "Kotihoidon etäpalvelu" not in page
    assert response.context["page"].paginator.count == 1
    assert 'value="kokeilu"' in page  # the search box keeps the words
    page = html(client.get(url("innovations:list", "en", query="q=kokeilu")))
    assert re.search(r'role="status"[^>]*>\s*1 innovation found', page)  # announced in the live region


def test_facets_filter_and_show_counts(client, org_a):
    InnovationFactory.create(owner=org_a, title_fi="Palvelu yksi", classifications={"type": [InnovationType.SERVICE]})
    InnovationFactory.create(owner=org_a, title_fi="Palvelu kaksi", classifications={"type": [InnovationType.SERVICE]})
    InnovationFactory.create(
        owner=org_a, title_fi="Prosessi", classifications={"type": [InnovationType.PROCESS]}, stage=Stage.IN_USE
    )
    page = html(client.get(url("innovations:list")))
    assert re.search(r'name="types" value="service"[^>]*>\s*<label[^>]*>[^<]+<span class="count">\(2', page)
    page = html(client.get(url("innovations:list", query="types=process")))
    assert "Prosessi" in page
    assert "Palvelu yksi" not in page
    assert re.search(r'name="types" value="process"[^>]*checked', page)
    # values within one facet combine with OR, facets with AND
    page = html(client.get(url("innovations:list", query="types=process&types=service&stages=in_use")))
    assert "Prosessi" in page
    assert "Palvelu yksi" not in page


def test_region_theme_kind_and_partner_facets(client, org_a, org_b):
    theme = ThemeFactory()
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    themed = InnovationFactory.create(owner=org_a, title_fi="Teemallinen", themes=[theme])
    PartnershipFactory.create(innovation=themed, organisation=company, role=PartnerRole.SUPPLIER)
    InnovationFactory.create(owner=org_b, title_fi="Toinen")
    for query in (
        f"themes={theme.slug}",
        "partner_kinds=company",
        f"regions={org_a.region.code}" if org_a.region_id != org_b.region_id else f"themes={theme.slug}",
    ):
        page = html(client.get(url("innovations:list", query=query)))
        assert "Teemallinen" in page, query
        assert "Toinen" not in page, query
    page = html(client.get(url("innovations:list", query="org_kinds=company")))
    assert "Teemallinen" not in page


def test_values_that_are_not_choices_are_ignored(client, published_a):
    response = client.get(url("innovations:list", query="types=nonsense&stages=<script>&regions=99&sort=evil&themes=x"))
    assert response.status_code == 200
    assert str(published_a.title) in html(response)
    assert "<script>" not in html(response)


@pytest.mark.parametrize("sort", ["updated", "newest", "title", "introduced"])
def test_every_sort_works(client, org_a, sort):
    InnovationFactory.create(owner=org_a, title_fi="Bbb")
    InnovationFactory.create(owner=org_a, title_fi="Aaa")
    page = html(client.get(url("innovations:list", query=f"sort={sort}")))
    assert "Aaa" in page
    assert f'<option value="{sort}" selected' in page
    if sort == "title":
        assert page.index("Aaa") < page.index("Bbb")


def test_pagination_keeps_the_filters_and_survives_bad_page_numbers(client, org_a):
    for n in range(23):
        InnovationFactory.create(owner=org_a, title_fi=f"Kokeilu numero {n}")
    response = client.get(url("innovations:list", query="q=kokeilu&page=2"))
    page = html(response)
    assert len(response.context["page"].object_list) == 3
    assert 'aria-current="page">' in page
    assert re.search(r'href="\?q=kokeilu&amp;page=1"', page)  # links keep the search
    for bad, expected in [("99", 2), ("abc", 1), ("-4", 1), ("0", 1), ("", 1), ("1.5", 1)]:
        response = client.get(url("innovations:list", query=f"q=kokeilu&page={bad}"))
        assert response.status_code == 200, bad
        assert response.context["page"].number == expected, bad


def test_catalogue_shows_drafts_only_to_their_organisation(client, draft_a, editor_a, editor_b):
    assert str(draft_a.title) not in html(client.get(url("innovations:list")))
    client.force_login(editor_b)
    assert str(draft_a.title) not in html(client.get(url("innovations:list")))
    client.force_login(editor_a)
    page = html(client.get(url("innovations:list", "en")))
    assert str(draft_a.title_en) in page
    assert "Draft" in page


def test_record_button_only_for_people_who_edit_an_organisation(client, registered_user, editor_a):
    create = url("innovations:create")
    assert create not in html(client.get(url("innovations:list")))
    client.force_login(registered_user)
    assert create not in html(client.get(url("innovations:list")))
    client.force_login(editor_a)
    assert create in html(client.get(url("innovations:list")))


# --- the innovation page --------------------------------------------------------------------------------------------


def test_innovation_page_shows_texts_in_the_current_language_with_fallback(client, org_a):
    innovation = InnovationFactory.create(owner=org_a, title_fi="Suomeksi", title_sv="På svenska", title_en="")
    assert "<h1" in html(client.get(url("innovations:detail", "sv", pk=innovation.pk)))
    assert re.search(r"<h1[^>]*>På svenska</h1>", html(client.get(url("innovations:detail", "sv", pk=innovation.pk))))
    # no English title: the Finnish one is shown
    assert re.search(r"<h1[^>]*>Suomeksi</h1>", html(client.get(url("innovations:detail", "en", pk=innovation.pk))))


def test_innovation_page_shows_everything(client, org_a, org_b, registered_user):
    theme = ThemeFactory(name_en="Libraries")
    innovation = InnovationFactory.create(
        owner=org_a,
        title_en="Library experiments",
        description_en="<p>Opened <strong>rooms</strong></p>",
        is_social=True,
        stage=Stage.EXPERIMENT,
        novelty=Novelty.NEW,
        external_source="Helsinki Oodi",
        external_source_url="https://oodihelsinki.fi/",
        classifications={
            "type": ["service", "process"],
            "idea_source": ["users"],
            "motivation": ["savings"],
            "strategy": ["government"],
            "channel": ["own_website"],
            "outcome_achieved": ["quality"],
            "outcome_expected": ["productivity"],
        },
        themes=[theme],
        contact_name="Tiina Tampere",
        contact_email="tiina@example.fi",
    )
    PartnershipFactory.create(innovation=innovation, organisation=org_b, role=PartnerRole.FUNDER, in_idea_phase=True)
    page = html(client.get(url("innovations:detail", "en", pk=innovation.pk)))
    for text in [
        "Library experiments",
        "<strong>rooms</strong>",
        "Service innovation",
        "Process innovation",
        "Experiment",
        "Entirely new",
        "Service users and residents",
        "Savings and efficiency",
        "Government programme",
        "Own website",
        "Quality of services",
        "Productivity",
        "Libraries",
        "Helsinki Oodi",
        "https://oodihelsinki.fi/",
        str(org_b.name_en),
        "Funder",
        "Idea phase",
        "Tiina Tampere",
        str(org_a.name_en),
        "Stage history",
    ]:
        assert text in page, text
    # the e-mail address is for signed-in people only, and so is nothing else on the page
    assert "tiina@example.fi" not in page
    assert "Change history" not in page
    client.force_login(registered_user)
    page = html(client.get(url("innovations:detail", "en", pk=innovation.pk)))
    assert "mailto:tiina@example.fi" in page
    assert "Change history" not in page  # signed in, but not a member of the owner


def test_change_history_is_shown_to_the_owners_people(client, published_a, editor_a):
    client.force_login(editor_a)
    page = html(client.get(url("innovations:detail", "en", pk=published_a.pk)))
    assert "Change history" in page
    assert "created" in page


def test_change_history_shows_labels_not_codes(client, published_a, editor_a):
    services.innovation_update(
        actor=editor_a,
        innovation=published_a,
        expected_version=published_a.version,
        data={"stage": "discontinued", "is_social": True},
        classifications={"motivation": ["savings"]},
    )
    client.force_login(editor_a)
    page = html(client.get(url("innovations:detail", "en", pk=published_a.pk)))
    history = page[page.index("Change history") :]
    assert "Discontinued" in history
    assert "Savings and efficiency" in history
    assert "yes" in history
    assert "discontinued" not in history.replace("Discontinued", "")
    assert "savings" not in history.replace("Savings", "")


def test_drafts_are_404_to_outsiders_and_200_to_members(client, draft_a, editor_a, editor_b, registered_user):
    path = url("innovations:detail", pk=draft_a.pk)
    assert client.get(path).status_code == 404
    for outsider in (registered_user, editor_b):
        client.force_login(outsider)
        assert client.get(path).status_code == 404
    client.force_login(editor_a)
    response = client.get(url("innovations:detail", "en", pk=draft_a.pk))
    assert response.status_code == 200
    assert "Draft" in html(response)


def test_unknown_innovation_is_404(client):
    assert client.get(url("innovations:detail", pk=987654)).status_code == 404


def test_lineage_is_drawn_and_told_in_words(client, org_a, org_b):
    third = OrganisationFactory.create()
    source = InnovationFactory.create(owner=org_a, title_fi="Alkuperä")
    middle = AdoptionFactory(source=source, adopter=org_b, mode=Novelty.ADAPTED).result
    AdoptionFactory(source=middle, adopter=third, mode=Novelty.COPIED)
    page = html(client.get(url("innovations:detail", "en", pk=middle.pk)))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count('class="node"') == 2  # the source and the adopter are links …
    assert svg.count("node-current") == 1  # … and this innovation is the thick box
    assert f'href="{source.get_absolute_url()}"' in svg
    assert 'class="edge edge-copied"' in svg
    assert "," not in re.search(r'viewBox="([^"]*)"', svg).group(1)  # unlocalised numbers
    text = page[page.index('class="lineage-text"') :]
    assert "was adapted from" in text
    assert "was copied from" in text
    assert str(org_a.name_en) in text
    assert str(third.name_en) in text


def test_lineage_drawing_thins_a_wide_generation(client, org_a):
    source = InnovationFactory.create(owner=org_a)
    for _ in range(11):
        AdoptionFactory(source=source, adopter=OrganisationFactory.create())
    page = html(client.get(url("innovations:detail", "en", pk=source.pk)))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="node"') == 8
    assert "+ 3 more in the list" in svg
    assert page.count("was adapted from") == 11  # the list names every one


def test_innovation_without_lineage_says_so(client, published_a):
    page = html(client.get(url("innovations:detail", "en", pk=published_a.pk)))
    assert "<svg" not in page
    assert "No lineage in the registry" in page


def test_adopt_button_only_for_editors_of_another_organisation(
    client, published_a, registered_user, editor_a, editor_b
):
    adopt = url("innovations:adopt", pk=published_a.pk)
    assert adopt not in html(client.get(url("innovations:detail", pk=published_a.pk)))
    for person in (registered_user, editor_a):  # editor_a edits only the owner, which cannot adopt its own
        client.force_login(person)
        assert adopt not in html(client.get(url("innovations:detail", pk=published_a.pk)))
    client.force_login(editor_b)
    assert adopt in html(client.get(url("innovations:detail", pk=published_a.pk)))


# --- query counts do not grow with the data -------------------------------------------------------------------------


def _registry(size: int) -> Organisation:
    owner = OrganisationFactory.create()
    theme = Theme.objects.first() or ThemeFactory()
    for n in range(size):
        innovation = InnovationFactory.create(owner=owner, title_fi=f"Kokeilu {n}", themes=[theme])
        if n % 3 == 0:
            PartnershipFactory.create(
                innovation=innovation, organisation=OrganisationFactory.create(kind=OrganisationKind.COMPANY)
            )
    return owner


@pytest.mark.parametrize("size", [5, 40])
def test_catalogue_query_count_does_not_grow(client, size, django_assert_max_num_queries):
    owner = _registry(size)
    editor = MembershipFactory(organisation=owner, role=Role.EDITOR).user
    client.force_login(editor)
    # session, user, roles, regions, themes, count, page, 7 facet counts: the same for 5 and for 40 records
    with django_assert_max_num_queries(14):
        response = client.get(url("innovations:list", query="q=kokeilu&types=service&sort=title"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 20)


@pytest.mark.parametrize("size", [5, 40])
def test_detail_query_count_does_not_grow(client, size, django_assert_max_num_queries):
    source = InnovationFactory.create(
        owner=OrganisationFactory.create(), classifications={"type": ["service"], "channel": ["events"]}
    )
    editor = MembershipFactory(organisation=source.owner, role=Role.EDITOR).user
    for _ in range(size // 5):
        PartnershipFactory.create(
            innovation=source, organisation=OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY)
        )
    for _ in range(size):
        AdoptionFactory(source=source, adopter=OrganisationFactory.create())
    client.force_login(editor)
    # session, user, roles, the record and 8 prefetches (images too), the change log, the ideas it came from, the
    # lineage proposals that concern the record, its suggested sources (diffusion), one query per lineage
    # generation, the stored figures of its spread
    with django_assert_max_num_queries(20):
        response = client.get(url("innovations:detail", pk=source.pk))
    assert response.status_code == 200
