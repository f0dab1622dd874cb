"""The innovation's diffusion page, its downloads and the section on the innovation's page: per role, bad ids,
drafts, "being computed", and a number of queries that does not grow with the family."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from diffusion import services
from diffusion.models import FamilyFigures
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def family_url(pk: int, lang: str = "fi") -> str:
    with translation.override(lang):
        return reverse("diffusion:family", kwargs={"pk": pk})


def grow(root: Innovation, n: int, first_year: int = 2014) -> list[Innovation]:
    made: list[Innovation] = []
    for index in range(n):
        source = made[index // 2] if index >= 2 else root  # a tree, not a chain
        made.append(
            AdoptionFactory.create(source=source, adopted_on=datetime.date(first_year + index // 2, 3, 1)).result
        )
    return made


@pytest.fixture
def root(org_a: Organisation) -> Innovation:
    innovation = InnovationFactory.create(owner=org_a, introduced_on=datetime.date(2013, 1, 1))
    grow(innovation, 12)
    services.recompute_stale()
    return innovation


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_anyone_sees_the_family_curve_fit_categories_and_map(client: Client, root: Innovation, lang: str) -> None:
    response = client.get(family_url(root.pk, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") >= 13 + 7  # the family table and the per-year table
    assert 'role="img"' in html
    assert "figure-per-year-title" in html
    assert "figure-map-title" in html
    assert reverse("diffusion:figure", kwargs={"pk": root.pk, "figure": "cumulative", "fmt": "png"}) in html
    with translation.override(lang):
        from diffusion.pages.families import CATEGORIES

        assert str(CATEGORIES["innovator"]) in html


def test_every_member_leads_to_the_same_page(client: Client, root: Innovation) -> None:
    member = Innovation.objects.filter(adopted_from__isnull=False).order_by("-pk").first()
    assert member is not None
    html = client.get(family_url(member.pk)).content.decode()
    assert root.get_absolute_url() in html


def test_bad_ids_are_404_not_500(client: Client) -> None:
    assert client.get(family_url(987654)).status_code == 404
    for url in (
        "/fi/diffusion/innovations/987654/per-year.png",
        "/fi/diffusion/innovations/987654/family.csv",
        "/fi/diffusion/innovations/0/",
    ):
        assert client.get(url).status_code == 404


def test_unknown_figure_or_format_is_404(client: Client, root: Innovation) -> None:
    assert client.get(f"/fi/diffusion/innovations/{root.pk}/curve.png").status_code == 404
    assert client.get(f"/fi/diffusion/innovations/{root.pk}/map.exe").status_code == 404


def test_downloads(client: Client, root: Innovation) -> None:
    for figure in ("per-year", "cumulative", "map"):
        png = client.get(reverse("diffusion:figure", kwargs={"pk": root.pk, "figure": figure, "fmt": "png"}))
        assert png.status_code == 200
        assert png.content.startswith(b"\x89PNG")
        svg = client.get(reverse("diffusion:figure", kwargs={"pk": root.pk, "figure": figure, "fmt": "svg"}))
        assert svg.status_code == 200
        assert b"<svg" in svg.content
        csv = client.get(reverse("diffusion:figure", kwargs={"pk": root.pk, "figure": figure, "fmt": "csv"}))
        assert csv.status_code == 200
        assert csv["Content-Type"].startswith("text/csv")
    family = client.get(reverse("diffusion:family_csv", kwargs={"pk": root.pk})).content.decode("utf-8-sig")
    lines = family.strip().splitlines()
    assert lines[0].startswith("innovation,title,organisation")
    assert len(lines) == 14


def test_a_draft_is_404_to_others_and_has_no_family_for_its_own(
    client: Client, root: Innovation, editor_a: Any, editor_b: Any, org_a: Organisation
) -> None:
    draft = InnovationFactory.create(owner=org_a, status=Status.DRAFT)
    assert client.get(family_url(draft.pk)).status_code == 404
    client.force_login(editor_b)
    assert client.get(family_url(draft.pk)).status_code == 404
    assert client.get(reverse("diffusion:family_csv", kwargs={"pk": draft.pk})).status_code == 404
    client.force_login(editor_a)
    response = client.get(family_url(draft.pk))
    assert response.status_code == 200
    assert "figure-per-year" not in response.content.decode()


def test_a_draft_adoption_is_not_on_anyones_page(
    client: Client, root: Innovation, editor_b: Any, org_b: Organisation
) -> None:
    draft = AdoptionFactory.create(source=root, adopter=org_b, publish=False).result
    services.recompute_stale()
    for user in (None, editor_b):
        if user is not None:
            client.force_login(user)
        html = client.get(family_url(root.pk)).content.decode()
        assert draft.get_absolute_url() not in html
    csv = client.get(reverse("diffusion:family_csv", kwargs={"pk": root.pk})).content.decode("utf-8-sig")
    assert str(draft.pk) not in {line.split(",")[0] for line in csv.splitlines()}


def test_without_figures_the_page_says_being_computed_and_computes_nothing(
    client: Client, org_a: Organisation, django_assert_max_num_queries: Any
) -> None:
    fresh = InnovationFactory.create(owner=org_a)
    assert FamilyFigures.objects.get(root_id=fresh.pk).stale
    response = client.get(family_url(fresh.pk, "en"))
    assert "being computed" in response.content.decode()
    assert FamilyFigures.objects.get(root_id=fresh.pk).computed_at is None
    assert (
        client.get(reverse("diffusion:figure", kwargs={"pk": fresh.pk, "figure": "map", "fmt": "png"})).status_code
        == 404
    )


def test_queries_do_not_grow_with_the_family(
    client: Client, org_a: Organisation, django_assert_max_num_queries: Any
) -> None:
    small = InnovationFactory.create(owner=org_a, introduced_on=datetime.date(2015, 1, 1))
    grow(small, 2)
    large = InnovationFactory.create(owner=OrganisationFactory.create(), introduced_on=datetime.date(2010, 1, 1))
    grow(large, 30, first_year=2011)
    services.recompute_stale()
    client.get(family_url(small.pk))  # warm the caches every page has (session, languages …)
    with django_assert_max_num_queries(8) as small_queries:
        assert client.get(family_url(small.pk)).status_code == 200
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        assert client.get(family_url(large.pk)).status_code == 200


def test_the_innovation_page_has_a_short_spread_section(client: Client, root: Innovation) -> None:
    with translation.override("en"):
        html = client.get(root.get_absolute_url()).content.decode()
    assert family_url(root.pk, "en") in html
    assert "taken into use by 13 organisations between 2013 and 2019" in html


def test_the_curves_own_boundaries_are_beside_rogers(client: Client, root: Innovation) -> None:
    from diffusion.pages.families import BOUNDARIES

    data = FamilyFigures.objects.get(root_id=root.pk).data
    assert "too_few" not in data["flags"]
    html = client.get(family_url(root.pk, "en")).content.decode()
    shown = {code for code in BOUNDARIES if data["boundaries"].get(code)}
    assert shown  # q > p in a spreading family: at least the peak
    with translation.override("en"):
        for code in shown:
            assert str(BOUNDARIES[code]) in html


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.S)


def test_a_recompute_shows_new_figures_and_between_them_the_drawings_come_from_the_cache(
    client: Client, root: Innovation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusion import charts
    from diffusion.pages import families as pages

    first = client.get(family_url(root.pk, "en")).content.decode()
    assert ">2020<" not in first  # the family's adoptions run 2014–2019

    def no_drawing(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("drawn again although the figures did not change")

    monkeypatch.setattr(charts, "year_map", no_drawing)
    monkeypatch.setattr(pages, "chart_for", no_drawing)
    again = client.get(family_url(root.pk, "en")).content.decode()
    assert svgs(again) == svgs(first)  # same figures: the cached drawings
    monkeypatch.undo()

    for _ in range(3):
        AdoptionFactory.create(source=root, adopted_on=datetime.date(2020, 6, 1))
    # Marked stale but not yet recomputed: the stored figures (and their drawings) are still the old ones.
    assert ">2020<" not in client.get(family_url(root.pk, "en")).content.decode()
    services.recompute_stale()
    after = client.get(family_url(root.pk, "en")).content.decode()
    assert ">2020<" in after  # a new year in the per-year table and on the chart's axis
    assert len(svgs(after)) == len(svgs(first))
    assert svgs(after) != svgs(first)


def test_the_family_table_shows_its_first_rows_and_everyone_on_request(
    client: Client, root: Innovation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusion import views

    monkeypatch.setattr(views, "FAMILY_TABLE_ROWS", 5)
    with translation.override("en"):
        response = client.get(family_url(root.pk, "en"))
    assert len(response.context["members"]) == 5
    html = response.content.decode()
    assert "(the first 5 of 13 records)" in html  # the caption says the table is cut
    assert 'href="?all=1#family-title"' in html
    assert "Show all 13 records in the table" in html
    everyone = client.get(family_url(root.pk, "en") + "?all=1")
    assert len(everyone.context["members"]) == 13
    assert "the first" not in everyone.content.decode().split("members-caption", 1)[1].split("</caption>", 1)[0]
    # The charts' tables are not cut: every year is in the per-year table either way.
    assert response.context["charts"][0]["table"].rows == everyone.context["charts"][0]["table"].rows


def test_queries_stay_the_same_beyond_the_table_and_with_the_drawings_cached(
    client: Client, org_a: Organisation, django_assert_max_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from diffusion import views

    monkeypatch.setattr(views, "FAMILY_TABLE_ROWS", 5)
    small = InnovationFactory.create(owner=org_a, introduced_on=datetime.date(2015, 1, 1))
    grow(small, 2)
    large = InnovationFactory.create(owner=OrganisationFactory.create(), introduced_on=datetime.date(2010, 1, 1))
    grow(large, 20, first_year=2011)
    services.recompute_stale()
    client.get(family_url(small.pk))  # warm the caches every page has (session, languages …)
    cache.clear()
    with django_assert_max_num_queries(8) as cold:
        assert client.get(family_url(small.pk)).status_code == 200
    with django_assert_max_num_queries(len(cold.captured_queries)) as warm:
        assert client.get(family_url(small.pk)).status_code == 200
    assert len(warm.captured_queries) == len(cold.captured_queries)  # the cache is no query
    with django_assert_max_num_queries(len(cold.captured_queries)):
        assert client.get(family_url(large.pk)).status_code == 200
    with django_assert_max_num_queries(len(cold.captured_queries)):
        assert client.get(family_url(large.pk) + "?all=1").status_code == 200
