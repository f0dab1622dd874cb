"""The national diffusion overview's figures: each chart with its data table and title, built from the stored
registry-wide figures (`RegistryFigures.data`) in the reader's language — one place for the page and for its
PNG/SVG/CSV downloads, so that a download is always the chart and table on the page. No computation here."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from barometer.results.charts import Chart
from barometer.results.reports import Table
from core.formatting import share_text
from core.models import Theme
from diffusion import charts
from diffusion.models import OrganisationFigures
from diffusion.pages.tables import csv_text
from innovations.vocabulary import InnovationType
from organisations.models import Region

TRAVEL = ("same_region", "neighbouring", "across_country", "unknown")
FLOWS_LISTED = 20  # pairs of regions in the page's table (the heat map and the CSV have them all)
FIGURES = ("trends", "travel", "flows", "time-to-adoption", "types-and-themes")


@dataclass(frozen=True)
class OverviewFigure:
    id: str
    title: str
    chart: Callable[[], Chart]  # drawn only when wanted (the CSV download needs only the table)
    table: Table
    full_table: Table | None = None  # the CSV's, when the page's table is shortened

    @property
    def csv_table(self) -> Table:
        return self.full_table or self.table


def _travel_labels() -> dict[str, str]:
    return {
        "same_region": _("Within the same region"),
        "neighbouring": _("To a neighbouring region"),
        "across_country": _("Across the country"),
        "unknown": _("Region not known"),
    }


def group_labels(rows: list[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """Names of the types and themes in the rows, in the reader's language (one query for the themes)."""
    types = {code: str(label) for code, label in InnovationType.choices}
    slugs = [row["code"] for row in rows if row["dimension"] == "theme"]
    themes = {t.slug: str(t.name) for t in Theme.objects.filter(slug__in=slugs)} if slugs else {}
    return {
        (row["dimension"], row["code"]): (types if row["dimension"] == "type" else themes).get(row["code"], row["code"])
        for row in rows
    }


def figure(data: Mapping[str, Any], name: str, region_names: Mapping[str, str] | None = None) -> OverviewFigure | None:
    """One of the overview's figures (None when the stored figures predate it: recomputed soon)."""
    if name == "trends":
        labels = {"new": _("New"), "adapted": _("Adapted"), "copied": _("Copied")}
        title = _("Published innovation records per year: new, adapted and copied")
        return OverviewFigure(
            name,
            title,
            lambda: charts.trends_chart(data["trends"], labels, title),
            charts.trends_table(data["trends"], labels, title),
        )
    if name == "travel":
        title = _("How far adoptions travelled (from the source record's owner to the adopter)")
        labels = _travel_labels()
        counts = [(labels[code], data["travel"].get(code, 0)) for code in TRAVEL]
        table = Table(
            caption=title,
            head=[_("Distance"), _("Adoptions")],
            rows=[(label, [charts.number(n)]) for label, n in counts],
        )
        return OverviewFigure(name, title, lambda: charts.travel_chart(counts, title), table)
    if name == "flows":
        if "flow_matrix" not in data:
            return None
        names = region_names if region_names is not None else dict(Region.objects.values_list("code", "name"))
        title = _("Adoptions from region to region")
        return OverviewFigure(
            name,
            title,
            lambda: charts.flows_heatmap(data["flow_matrix"], names, title),
            charts.flows_table(data["region_flows"], names, title, limit=FLOWS_LISTED),
            charts.flows_table(data["region_flows"], names, title),
        )
    if name == "time-to-adoption":
        if "time_to_adoption" not in data:
            return None
        title = _("Time from an innovation's introduction to its first adoption by another organisation")
        figures = data["time_to_adoption"]
        return OverviewFigure(
            name,
            title,
            lambda: charts.time_to_adoption_chart(figures["overall"], title),
            charts.time_to_adoption_table(figures, title),
        )
    if name == "types-and-themes":
        if "spread_by_group" not in data:
            return None
        title = _("Which types and themes of innovation spread fastest")
        rows = data["spread_by_group"]
        groups = group_labels(rows)
        return OverviewFigure(
            name, title, lambda: charts.spread_chart(rows, groups, title), charts.spread_table(rows, groups, title)
        )
    return None


def time_to_adoption_text(data: Mapping[str, Any]) -> str:
    """The time to the first adoption in one or two sentences, honest about innovations nobody adopted yet."""
    overall = data.get("time_to_adoption", {}).get("overall")
    if not overall or not overall["families"]:
        return ""
    values = {
        "families": charts.number(overall["families"]),
        "median": charts.years_text(overall["median"]),
        "q1": charts.years_text(overall["q1"]),
        "q3": charts.years_text(overall["q3"]),
        "share": share_text(overall["unadopted_share"]),
    }
    if overall["median"] is None and overall["q1"] is not None:
        first = _(
            "Of %(families)s innovations, a quarter were adopted by another organisation within %(q1)s years of "
            "their introduction; fewer than half have been adopted so far, so the time by which half are is not "
            "known yet."
        )
    elif overall["median"] is None:
        first = _(
            "Of %(families)s innovations, fewer than half have been adopted by another organisation so far, so "
            "the typical time to the first adoption is not known yet."
        )
    elif overall["q3"] is None:
        first = _(
            "Of %(families)s innovations, a quarter were adopted by another organisation within %(q1)s years of "
            "their introduction, and half within %(median)s years."
        )
    else:
        first = _(
            "Of %(families)s innovations, a quarter were adopted by another organisation within %(q1)s years of "
            "their introduction, half within %(median)s years and three quarters within %(q3)s years."
        )
    second = _(
        "%(share)s have not been adopted by anyone else yet; they are counted for as long as they have existed "
        "(Kaplan–Meier estimate), not left out."
    )
    return f"{first % values} {second % values}"


ORGANISATION_CSV_HEAD = (
    "organisation",
    "name",
    "kind",
    "region",
    "size_class",
    "learned_from",
    "taught",
    "adoptions_in",
    "adoptions_out",
    "partners",
    "betweenness",
    "pagerank",
    "walker_score",
    "role",
    "community",
)


def organisation_figures_csv(rows: Iterable[OrganisationFigures]) -> str:
    """Every organisation's network figures, one row each: codes, not words, so that the file reads the same in
    every language (the name in the reader's language)."""

    def line(row: OrganisationFigures) -> list[Any]:
        organisation, data = row.organisation, row.data
        return [
            organisation.pk,
            organisation.name,
            organisation.kind,
            organisation.region.code if organisation.region else "",
            organisation.size_class,
            data.get("learned_from"),
            data.get("taught"),
            data.get("adoptions_in"),
            data.get("adoptions_out"),
            data.get("partners"),
            data.get("betweenness"),
            data.get("influence"),
            data.get("walker"),
            data.get("role"),
            data.get("community"),
        ]

    return csv_text(ORGANISATION_CSV_HEAD, (line(row) for row in rows))
