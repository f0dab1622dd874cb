"""The family page's small maps: who had adopted by the end of a few evenly spread years, each a small map of
Finland, with the table behind them and PNG/SVG/CSV downloads; drafts never counted."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from diffusion import charts, services
from diffusion.models import FamilyFigures
from diffusion.pages import families as pages
from innovations.models import Innovation
from organisations.finland_map import finland_map
from organisations.models import Organisation, OrganisationKind
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory

# --- the years: a plain function -----------------------------------------------------------------------------


def test_snapshot_years_are_evenly_spread_and_include_both_ends() -> None:
    assert charts.snapshot_years(2010, 2020) == [2010, 2012, 2014, 2016, 2018, 2020]
    # 2008 + i·3.6 rounded: 2008, 2011.6, 2015.2, 2018.8, 2022.4, 2026
    assert charts.snapshot_years(2008, 2026) == [2008, 2012, 2015, 2019, 2022, 2026]
    assert charts.snapshot_years(2008, 2026, count=4) == [2008, 2014, 2020, 2026]


def test_a_short_span_has_every_year_and_one_year_one_map() -> None:
    assert charts.snapshot_years(2019, 2022) == [2019, 2020, 2021, 2022]
    assert charts.snapshot_years(2015, 2020) == [2015, 2016, 2017, 2018, 2019, 2020]
    assert charts.snapshot_years(2021, 2021) == [2021]
    with pytest.raises(ValueError, match="before the first"):
        charts.snapshot_years(2021, 2020)


# --- the page, its table and downloads -----------------------------------------------------------------------


def municipalities(n: int) -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("municipality_code")[:n])


@pytest.fixture
def spread(db: None) -> tuple[Innovation, dict[str, int], Organisation]:
    """An original of 2012 by the first municipality, adopted by eight more over 2013–2020 (two a year in some),
    and by a company in the first one's region in 2016; returns the root, each municipality's year and the company."""
    places = municipalities(9)
    root = InnovationFactory.create(owner=places[0], introduced_on=datetime.date(2012, 2, 1))
    years = {str(places[0].municipality_code): 2012}
    for index, organisation in enumerate(places[1:]):
        year = 2013 + index
        AdoptionFactory.create(source=root, adopter=organisation, adopted_on=datetime.date(year, 6, 1))
        years[str(organisation.municipality_code)] = year
    uusimaa = places[0].region
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY, region=uusimaa)
    AdoptionFactory.create(source=root, adopter=company, adopted_on=datetime.date(2016, 6, 1))
    services.recompute_stale()
    return root, years, company


def figure_url(pk: int, fmt: str, lang: str = "fi") -> str:
    with translation.override(lang):
        return reverse("diffusion:figure", kwargs={"pk": pk, "figure": "snapshots", "fmt": fmt})


def test_the_stored_figures_keep_where_and_when(spread: tuple[Innovation, dict[str, int], Organisation]) -> None:
    root, years, company = spread
    data = FamilyFigures.objects.get(root_id=root.pk).data
    assert company.region is not None
    assert data["places"]["municipalities"] == years
    assert data["places"]["regions"] == {company.region.code: 2016}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_has_a_small_map_per_year_named_by_its_caption(
    client: Client, spread: tuple[Innovation, dict[str, int], Organisation], lang: str
) -> None:
    root, years, _company = spread
    with translation.override(lang):
        html = client.get(reverse("diffusion:family", kwargs={"pk": root.pk})).content.decode()
    # 2012 … 2020: nine years, six maps at 2012 + round(i·1.6)
    for year in (2012, 2014, 2015, 2017, 2018, 2020):
        assert f'aria-labelledby="snapshot-{year}"' in html
        assert f'id="snapshot-{year}"' in html
    assert html.count('class="snapshot-svg"') == 6
    # The shapes are drawn once and used by every map.
    assert html.count('<path id="snapshot-r') == len(finland_map().regions)
    assert html.count('<path id="snapshot-m') == len(years)
    assert 'id="figure-snapshots-caption"' in html
    assert figure_url(root.pk, "png", lang) in html
    with translation.override(lang):
        assert str(charts.snapshot_legend()[1][1]) in html


def test_the_captions_count_every_adopter_by_the_end_of_the_year(
    spread: tuple[Innovation, dict[str, int], Organisation],
) -> None:
    root, _years, _company = spread
    stored = FamilyFigures.objects.get(root_id=root.pk)
    from diffusion import selectors

    family = selectors.family(root.pk)
    assert family is not None
    with translation.override("en"):
        found = pages.snapshots(stored.data, family, "title")
    assert found is not None
    # 2012: the original; 2014: + 2013, 2014; 2017: + 2015, 2016, 2017 and the company in 2016
    counts = {small.year: small.caption for small in found.maps}
    assert counts[2012] == "2012: 1 organisation"
    assert counts[2014] == "2014: 3 organisations"
    assert counts[2017] == "2017: 7 organisations"
    assert counts[2020] == "2020: 10 organisations"


def test_the_csv_is_the_table_behind_the_maps(
    client: Client, spread: tuple[Innovation, dict[str, int], Organisation]
) -> None:
    root, years, company = spread
    response = client.get(figure_url(root.pk, "csv", "en"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Municipality or region", "First adopted", "2012", "2014", "2015", "2017", "2018", "2020"]
    assert len(rows) == 1 + len(years) + 1  # the municipalities and the company's region
    by_year = {int(row[1]): row for row in rows[1:] if not row[0].startswith("Other organisations")}
    assert by_year[2012][2:] == ["Yes"] * 6
    assert by_year[2016][2:] == ["No", "No", "No", "Yes", "Yes", "Yes"]
    assert by_year[2020][2:] == ["No"] * 5 + ["Yes"]
    (region_row,) = [row for row in rows[1:] if row[0].startswith("Other organisations")]
    assert region_row[1] == "2016"
    assert company.region is not None
    assert str(company.region.name_fi) in region_row[0]


def test_the_images_are_the_small_maps(client: Client, spread: tuple[Innovation, dict[str, int], Organisation]) -> None:
    root, years, _company = spread
    svg = client.get(figure_url(root.pk, "svg", "en"))
    assert svg.status_code == 200
    text = svg.content.decode()
    assert text.count('<g transform="translate(') == 6
    for year in (2012, 2020):
        assert f">{year}: " in text
    # Each adopting municipality is drawn once and filled on every map from its year on: the first on all six.
    first = min(years, key=years.__getitem__)
    assert text.count(f'href="#snapshot-m{first}"') == 6
    last = max(years, key=years.__getitem__)
    assert text.count(f'href="#snapshot-m{last}"') == 1
    png = client.get(figure_url(root.pk, "png"))
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")


def test_a_draft_adoption_is_on_no_small_map(
    client: Client, spread: tuple[Innovation, dict[str, int], Organisation]
) -> None:
    root, years, _company = spread
    (outsider,) = (
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
        .exclude(municipality_code__in=list(years))
        .order_by("municipality_code")[:1]
    )
    AdoptionFactory.create(source=root, adopter=outsider, adopted_on=datetime.date(2019, 1, 1), publish=False)
    services.recompute_stale()
    assert outsider.municipality_code not in FamilyFigures.objects.get(root_id=root.pk).data["places"]["municipalities"]
    html = client.get(reverse("diffusion:family", kwargs={"pk": root.pk})).content.decode()
    assert f"snapshot-m{outsider.municipality_code}" not in html
    text = client.get(figure_url(root.pk, "svg")).content.decode()
    assert f"snapshot-m{outsider.municipality_code}" not in text
    rows = client.get(figure_url(root.pk, "csv", "en")).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + len(years) + 1


def test_an_innovation_without_adopters_on_the_map_has_no_small_maps(client: Client, db: None) -> None:
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY, region=None)
    lone = InnovationFactory.create(owner=company, introduced_on=datetime.date(2020, 1, 1))
    services.recompute_stale()
    html = client.get(reverse("diffusion:family", kwargs={"pk": lone.pk})).content.decode()
    assert "figure-snapshots" not in html
    for fmt in ("csv", "svg", "png"):
        assert client.get(figure_url(lone.pk, fmt)).status_code == 404


def test_figures_stored_before_the_places_were_kept_still_draw(
    client: Client, spread: tuple[Innovation, dict[str, int], Organisation]
) -> None:
    root, years, _company = spread
    stored = FamilyFigures.objects.get(root_id=root.pk)
    data = dict(stored.data)
    del data["places"]
    FamilyFigures.objects.filter(pk=stored.pk).update(data=data)
    rows = client.get(figure_url(root.pk, "csv", "en")).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + len(years) + 1
