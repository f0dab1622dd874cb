"""The national overview's figures: time to first adoption (Kaplan–Meier, against statsmodels and by hand), the
types and themes that spread fastest, the region-to-region flow matrix, every chart's PNG/SVG/CSV download, the
organisations' figures as CSV (page and API) — from published records only, a planted draft never counted."""

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from statsmodels.duration.survfunc import SurvfuncRight

from diffusion import services
from diffusion.models import OrganisationFigures, RegistryFigures
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory, ThemeFactory

pytestmark = pytest.mark.django_db
YEAR = 365.25


def adopt(source: Innovation, adopter: Organisation, on: datetime.date, **kw: Any) -> Innovation:
    return AdoptionFactory.create(source=source, adopter=adopter, adopted_on=on, **kw).result


@pytest.fixture
def world() -> dict[str, Any]:
    """Four published originals (two types, one theme), adoptions at known dates, and planted drafts: an earlier
    draft adoption of the first original and a draft original, neither of which may count."""
    a, b, c, d, e, f = OrganisationFactory.create_batch(6)
    t1 = ThemeFactory.create()
    service, process = {"type": ["service"]}, {"type": ["process"]}
    root1 = InnovationFactory.create(
        owner=a, introduced_on=datetime.date(2016, 1, 1), classifications=service, themes=[t1]
    )
    from_b = adopt(root1, b, datetime.date(2017, 1, 1))  # 366 days
    adopt(root1, c, datetime.date(2018, 7, 1))
    adopt(from_b, d, datetime.date(2019, 1, 1))
    adopt(root1, e, datetime.date(2016, 2, 1), publish=False)  # a draft: would be the first adoption
    root2 = InnovationFactory.create(
        owner=b, introduced_on=datetime.date(2018, 1, 1), classifications=process, themes=[t1]
    )
    adopt(root2, a, datetime.date(2020, 1, 1))  # 730 days
    root3 = InnovationFactory.create(owner=c, introduced_on=datetime.date(2020, 6, 1), classifications=process)
    root5 = InnovationFactory.create(owner=e, introduced_on=datetime.date(2019, 1, 1), classifications=service)
    adopt(root5, f, datetime.date(2019, 4, 1))  # 90 days
    draft = InnovationFactory.create(
        owner=d, introduced_on=datetime.date(2015, 1, 1), classifications=service, status=Status.DRAFT
    )
    adopt(root3, f, datetime.date(2021, 1, 1), publish=False)  # root3 stays unadopted in public
    services.recompute_registry()
    return {"orgs": (a, b, c, d, e, f), "theme": t1, "roots": (root1, root2, root3, root5), "draft": draft}


def data() -> dict[str, Any]:
    return RegistryFigures.objects.get(pk=1).data


def test_time_to_first_adoption_by_hand_and_against_statsmodels(world: dict[str, Any]) -> None:
    censored = (timezone.localdate() - datetime.date(2020, 6, 1)).days / YEAR
    durations = [366 / YEAR, 730 / YEAR, censored, 90 / YEAR]
    observed = [1, 1, 0, 1]
    figures = data()["time_to_adoption"]
    overall = figures["overall"]
    assert (overall["families"], overall["adopted"]) == (4, 3)  # the draft original is not a family
    # By hand: S = 3/4 after 90 days, 2/4 after 366, 1/4 after 730.
    assert overall["q1"] == pytest.approx(90 / YEAR, abs=1e-3)
    assert overall["median"] == pytest.approx(366 / YEAR, abs=1e-3)
    assert overall["q3"] == pytest.approx(730 / YEAR, abs=1e-3)
    assert overall["unadopted_share"] == pytest.approx(0.25)
    theirs = SurvfuncRight(durations, observed)
    assert overall["curve"]["unadopted"] == pytest.approx(theirs.surv_prob.tolist())
    assert overall["curve"]["years"] == pytest.approx(theirs.surv_times.tolist(), abs=1e-3)
    by_year = {row["year"]: row for row in figures["by_year"]}
    assert sorted(by_year) == [2016, 2018, 2019, 2020]  # not 2015: the draft
    assert by_year[2016]["median"] == pytest.approx(366 / YEAR, abs=1e-3)  # not the draft adoption's 31 days
    assert by_year[2020]["median"] is None
    assert by_year[2020]["unadopted_share"] == 1.0  # its only adoption is a draft


def test_which_types_and_themes_spread_fastest(world: dict[str, Any]) -> None:
    rows = {(r["dimension"], r["code"]): r for r in data()["spread_by_group"]}
    order = [(r["dimension"], r["code"]) for r in data()["spread_by_group"]]
    theme = world["theme"].slug
    assert order == [("type", "service"), ("theme", theme), ("type", "process")]  # fastest median first
    service = rows[("type", "service")]
    assert (service["families"], service["adopters_per_family"]) == (2, 2.0)  # B, C, D; F (not the draft's D)
    assert service["median"] == pytest.approx(90 / YEAR, abs=1e-3)
    process = rows[("type", "process")]
    assert (process["families"], process["adopters_per_family"]) == (2, 0.5)
    assert process["median"] == pytest.approx(730 / YEAR, abs=1e-3)
    assert rows[("theme", theme)]["adopters_per_family"] == 2.0
    assert all(r["small"] for r in rows.values())  # fewer than five families each


def test_the_flow_matrix_matches_the_flows(world: dict[str, Any]) -> None:
    figures = data()
    matrix = figures["flow_matrix"]
    position = {code: i for i, code in enumerate(matrix["regions"])}
    assert len(matrix["adoptions"]) == len(matrix["regions"]) == len(set(matrix["regions"]))
    for source, target, n in figures["region_flows"]:
        assert matrix["adoptions"][position[source]][position[target]] == n
    # Independently: the published adoptions between organisations, by their regions (4: A→B, A→C, B→D, B→A,
    # E→F); the drafts (A→E, C→F) not among them.
    a, b, c, d, e, f = world["orgs"]
    pairs = [(a, b), (a, c), (b, d), (b, a), (e, f)]
    assert sum(map(sum, matrix["adoptions"])) == len(pairs)
    for source, target in pairs:
        assert matrix["adoptions"][position[source.region.code]][position[target.region.code]] >= 1
    assert matrix["adoptions"][position[c.region.code]][position[f.region.code]] == 0


def _address(name: str, lang: str = "en", **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_overview_page_shows_every_chart_with_table_and_downloads(
    client: Client, world: dict[str, Any], lang: str
) -> None:
    html = client.get(_address("diffusion:overview", lang)).content.decode()
    for name in ("trends", "time-to-adoption", "types-and-themes", "travel", "flows"):
        assert f'id="figure-{name}-title"' in html
        assert f'id="figure-{name}-caption"' in html  # its data table
        for fmt in ("png", "svg", "csv"):
            assert _address("diffusion:overview_figure", lang, figure=name, fmt=fmt) in html
    assert _address("diffusion:organisations_csv", lang) in html
    assert html.count("<svg") >= 5
    assert "Kaplan" in html


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_downloads(client: Client, world: dict[str, Any]) -> None:
    for name in ("trends", "time-to-adoption", "types-and-themes", "travel", "flows"):
        png = client.get(_address("diffusion:overview_figure", figure=name, fmt="png"))
        assert png.status_code == 200
        assert png["Content-Type"] == "image/png"
        assert png.content.startswith(b"\x89PNG")
        svg = client.get(_address("diffusion:overview_figure", figure=name, fmt="svg"))
        assert svg["Content-Type"] == "image/svg+xml"
        assert b"<svg" in svg.content
        assert "attachment" in svg["Content-Disposition"]
    rows = read_csv(client.get(_address("diffusion:overview_figure", figure="time-to-adoption", fmt="csv")).content)
    assert rows[0][0] == "Year of introduction"
    assert [r[0] for r in rows[1:]] == ["2016", "2018", "2019", "2020", "All years"]
    assert rows[-1][1:3] == ["4", "3"]  # four innovations, three adopted; the drafts nowhere
    assert rows[-1][-1] == "25%"
    groups = read_csv(client.get(_address("diffusion:overview_figure", figure="types-and-themes", fmt="csv")).content)
    assert [r[0] for r in groups[1:]] == ["Service innovation", str(world["theme"].name), "Process innovation"]
    flows = read_csv(client.get(_address("diffusion:overview_figure", figure="flows", fmt="csv")).content)
    assert sum(int(r[2]) for r in flows[1:]) == 5
    travel = read_csv(client.get(_address("diffusion:overview_figure", figure="travel", fmt="csv")).content)
    assert sum(int(r[1]) for r in travel[1:]) == 5
    trends = read_csv(client.get(_address("diffusion:overview_figure", figure="trends", fmt="csv")).content)
    assert "2015" not in [r[0] for r in trends]  # the draft original


def test_bad_downloads_are_404(client: Client, world: dict[str, Any]) -> None:
    assert client.get(_address("diffusion:overview_figure", figure="nope", fmt="png")).status_code == 404
    assert client.get(_address("diffusion:overview_figure", figure="flows", fmt="gif")).status_code == 404
    RegistryFigures.objects.all().delete()
    assert client.get(_address("diffusion:overview_figure", figure="flows", fmt="csv")).status_code == 404


def test_the_organisations_csv_on_the_page_and_in_the_api(client: Client, world: dict[str, Any]) -> None:
    b = world["orgs"][1]
    page = client.get(_address("diffusion:organisations_csv"))
    api = client.get("/api/v1/diffusion/registry/organisations/csv")
    assert page.status_code == api.status_code == 200
    rows = read_csv(page.content)
    # The same figures; the names in the page's language (English here) and the API's (Finnish by default).
    assert [r[:1] + r[2:] for r in read_csv(api.content)] == [r[:1] + r[2:] for r in rows]
    head = rows[0]
    assert head[:5] == ["organisation", "name", "kind", "region", "size_class"]
    assert {"learned_from", "taught", "betweenness", "pagerank", "walker_score", "role"} <= set(head)
    by_id = {int(r[0]): dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == set(OrganisationFigures.objects.values_list("organisation_id", flat=True))
    stored = OrganisationFigures.objects.get(organisation=b).data
    row = by_id[b.pk]
    assert (int(row["learned_from"]), int(row["taught"])) == (stored["learned_from"], stored["taught"])
    assert float(row["pagerank"]) == pytest.approx(stored["influence"])
    assert row["role"] == stored["role"]
    assert row["region"] == b.region.code
    assert world["orgs"][4].pk in by_id  # E, through its own published family
    # The draft adoptions' organisations have no learning ties from them: E learned nothing from A.
    assert int(by_id[world["orgs"][4].pk]["learned_from"]) == 0


def test_the_registry_api_has_the_new_figures(client: Client, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/diffusion/registry").json()
    assert body["flow_matrix"] == data()["flow_matrix"]
    assert body["time_to_adoption"]["overall"]["families"] == 4
    assert body["spread_by_group"][0]["code"] == "service"
    assert body["small_group"] == services.SMALL_GROUP


def test_the_sentence_is_honest_about_what_is_not_known() -> None:
    from diffusion.overview import time_to_adoption_text

    def text(**overall: Any) -> str:
        base = {"families": 10, "q1": None, "median": None, "q3": None, "unadopted_share": 0.8}
        with translation.override("en"):
            return time_to_adoption_text({"time_to_adoption": {"overall": {**base, **overall}}})

    assert "fewer than half" in text()
    assert "within 5.2 years" in text(q1=5.2)
    assert "fewer than half" in text(q1=5.2)
    assert "half within 2.0 years" in text(q1=1.0, median=2.0)
    assert "three quarters within 4.5 years" in text(q1=1.0, median=2.0, q3=4.5)
    assert "80%" in text()
    assert time_to_adoption_text({}) == ""


def test_figures_stored_before_this_change_show_what_they_have(client: Client, world: dict[str, Any]) -> None:
    """Stored registry figures from an older version (no flow matrix, time or groups) are shown without them,
    not a server error; their downloads are 404 until the next recomputation."""
    stored = RegistryFigures.objects.get(pk=1)
    for key in ("flow_matrix", "time_to_adoption", "spread_by_group", "small_group"):
        stored.data.pop(key)
    stored.save()
    response = client.get(_address("diffusion:overview"))
    assert response.status_code == 200
    assert 'id="figure-trends-title"' in response.content.decode()
    assert 'id="figure-time-to-adoption-title"' not in response.content.decode()
    assert client.get(_address("diffusion:overview_figure", figure="flows", fmt="svg")).status_code == 404
    assert client.get("/api/v1/diffusion/registry").json()["time_to_adoption"] is None


def test_the_pages_flow_table_lists_the_largest_and_sums_the_rest() -> None:
    from diffusion.charts import flows_table

    flows = [[f"{i:02d}", "99", i + 1] for i in range(25)]
    with translation.override("en"):
        short = flows_table(flows, {}, "Flows", limit=20)
        full = flows_table(flows, {}, "Flows")
    assert len(short.rows) == 20
    assert short.rows[0] == ("24", ["99", "25"])  # the largest first
    assert short.foot == [["The other 5 pairs of regions", "", "15"]]  # 1 + 2 + 3 + 4 + 5
    assert len(full.rows) == 25
    assert not full.foot


def test_the_overview_is_drawn_once_per_computation(client: Client, world: dict[str, Any], monkeypatch: Any) -> None:
    """The charts are drawn once per computation of the registry-wide figures and language: a second visit draws
    nothing, a recompute shows the new figures at once, and another language is drawn in its own words."""
    from barometer.results import charts as barometer_charts

    drawn: list[str] = []
    real = barometer_charts.inline_svg

    def counted(*args: Any, **kwargs: Any) -> str:
        drawn.append(kwargs["prefix"])
        return real(*args, **kwargs)

    monkeypatch.setattr(barometer_charts, "inline_svg", counted)
    first = client.get(_address("diffusion:overview", "en")).content.decode()
    assert len(drawn) == 5
    assert 'id="figure-trends-title"' in client.get(_address("diffusion:overview", "en")).content.decode()
    assert len(drawn) == 5  # nothing drawn again
    client.get(_address("diffusion:overview", "sv"))
    assert len(drawn) == 10
    a, *_ = world["orgs"]
    adopt(world["roots"][3], a, datetime.date(2022, 5, 1))  # one more adoption in 2022, then the recompute
    services.recompute_registry()
    again = client.get(_address("diffusion:overview", "en")).content.decode()
    assert len(drawn) == 15
    assert '<th scope="row">2022</th>' not in first  # the trends table's new year
    assert '<th scope="row">2022</th>' in again
