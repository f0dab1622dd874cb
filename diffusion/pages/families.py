"""What an innovation's family page says: the stored figures put into words, tables and charts in the reader's
language (its members, the fitted curve, the adopter categories, the maps, the CSV).

Plain presentation over `diffusion.selectors.Family` and `FamilyFigures.data`; no queries of its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from barometer.results.charts import Chart
from barometer.results.reports import Table
from diffusion import charts
from diffusion.charts import number
from diffusion.pages.tables import csv_text
from diffusion.selectors import Family, FamilyMember
from organisations.finland_map import finland_map

# Rogers' adopter categories (codes from diffusion.maths.categories), earliest first; non-adopters apart.
CATEGORIES = {
    "innovator": pgettext_lazy("adopter category", "Innovators"),
    "early_adopter": pgettext_lazy("adopter category", "Early adopters"),
    "early_majority": pgettext_lazy("adopter category", "Early majority"),
    "late_majority": pgettext_lazy("adopter category", "Late majority"),
    "laggard": pgettext_lazy("adopter category", "Laggards"),
}
CATEGORY_ONE = {
    "innovator": pgettext_lazy("adopter category, one", "Innovator"),
    "early_adopter": pgettext_lazy("adopter category, one", "Early adopter"),
    "early_majority": pgettext_lazy("adopter category, one", "Early majority"),
    "late_majority": pgettext_lazy("adopter category, one", "Late majority"),
    "laggard": pgettext_lazy("adopter category, one", "Laggard"),
}
# The fit's flags (codes from diffusion.maths.bass) in plain words.
FLAGS = {
    "too_few": gettext_lazy(
        "Too few adopters to fit: with fewer than ten adopting organisations, or fewer than four years, the curve "
        "cannot tell outside influence from imitation. The counts above are what is known."
    ),
    "before_inflection": gettext_lazy(
        "Fitted before the inflection point: the spread has not yet slowed down, so the potential is probably "
        "underestimated and imitation overestimated."
    ),
    "burst": gettext_lazy(
        "A burst: more than half of the adoptions came in one year, as after a common deadline or mandate. A smooth "
        "curve describes such a spread badly."
    ),
    "two_waves": gettext_lazy(
        "Two waves: the adoptions came in two waves with a clear lull between them. One curve cannot describe both."
    ),
    "no_convergence": gettext_lazy(
        "The estimation did not settle on a result, or the data do not determine the potential: read the figures "
        "with care."
    ),
}
MODES = {"adapted": pgettext_lazy("lineage", "adapted"), "copied": pgettext_lazy("lineage", "copied")}


@dataclass(frozen=True)
class MemberRow:
    member: FamilyMember
    category: str  # words, "" when the figures are not computed yet
    is_original: bool


def member_rows(family: Family, figures: Mapping[str, Any] | None, limit: int | None = None) -> list[MemberRow]:
    """The family table's rows, the original first, then by date; the first `limit` of them when given."""
    categories = (figures or {}).get("categories", {})
    return [
        MemberRow(
            member,
            str(CATEGORY_ONE.get(categories.get(str(member.innovation.owner_id), ""), "")),
            member.depth == 0,
        )
        for member in family.members[:limit]
    ]


@dataclass(frozen=True)
class FitSentence:
    label: str
    value: str


def fit_sentences(figures: Mapping[str, Any]) -> list[FitSentence]:
    """The fitted model in words: p, q, m with their standard errors, the peak year, past the inflection."""
    fit = figures.get("fit")
    if not fit or "too_few" in figures.get("flags", ()):
        return []

    def with_se(value: float | None, se: float | None, places: int) -> str:
        if se is None:
            return number(value, places)
        return _("%(value)s (standard error %(se)s)") % {"value": number(value, places), "se": number(se, places)}

    sentences = [
        FitSentence(_("Coefficient of innovation p (outside influence)"), with_se(fit["p"], fit["se_p"], 4)),
        FitSentence(_("Coefficient of imitation q (influence of earlier adopters)"), with_se(fit["q"], fit["se_q"], 3)),
        FitSentence(_("Market potential m (organisations that will adopt)"), with_se(fit["m"], fit["se_m"], 1)),
    ]
    if fit.get("peak_year") is not None:
        sentences.append(FitSentence(_("Year of the most adoptions (peak)"), str(int(fit["peak_year"]))))
    if fit.get("past_inflection") is not None:
        sentences.append(
            FitSentence(
                _("Past the inflection point"),
                _("Yes: the spread has begun to slow down.")
                if fit["past_inflection"]
                else _("Not yet: the spread is still speeding up."),
            )
        )
    methods = {
        "hazard_mle": _("maximum likelihood on the yearly hazard, the organisations that could adopt known"),
        "nls": _("non-linear least squares on the yearly counts"),
        "ols": _("Bass's original regression"),
    }
    sentences.append(FitSentence(_("Method"), methods.get(fit["method"], fit["method"])))
    return sentences


def flag_texts(figures: Mapping[str, Any]) -> list[str]:
    return [str(FLAGS[code]) for code in figures.get("flags", ()) if code in FLAGS]


def category_table(figures: Mapping[str, Any], caption: str) -> Table:
    counts = figures.get("category_counts", {})
    rows = [(str(label), [number(counts.get(code, 0))]) for code, label in CATEGORIES.items()]
    foot = [[_("Not adopted (yet)"), number(counts.get("non_adopter", 0))]]
    return Table(caption=caption, head=[_("Category"), _("Organisations")], rows=rows, foot=foot)


@dataclass(frozen=True)
class MapData:
    municipality_years: dict[str, int]
    region_years: dict[str, int]
    table: Table


def map_data(family: Family, caption: str) -> MapData:
    """Where and when: each adopting municipality's year, other adopters by their region; a table by region."""
    municipality_years, region_years = family.place_years()
    by_region: dict[str, tuple[str, int, set[int]]] = {}
    for member in family.members:
        organisation = member.organisation
        if organisation.region is not None:
            name, year, orgs = by_region.get(organisation.region.code, (str(organisation.region), member.year, set()))
            by_region[organisation.region.code] = (name, min(year, member.year), orgs | {organisation.pk})
    rows = [
        (name, [str(year), number(len(orgs))]) for name, year, orgs in sorted(by_region.values(), key=lambda r: r[1:2])
    ]
    table = Table(caption=caption, head=[_("Region"), _("First adopted"), _("Organisations")], rows=rows)
    return MapData(municipality_years, region_years, table)


def places(figures: Mapping[str, Any], family: Family) -> tuple[dict[str, int], dict[str, int]]:
    """Municipality code -> year and region code -> year (other kinds of adopters) from the stored figures; from the
    family itself for figures stored before they kept the places."""
    stored = figures.get("places")
    if stored is None:
        return family.place_years()
    return dict(stored.get("municipalities", {})), dict(stored.get("regions", {}))


@dataclass(frozen=True)
class SmallMap:
    year: int
    caption: str  # "2018: 12 organisations"
    svg: str  # our own SVG, names escaped


@dataclass(frozen=True)
class Snapshots:
    years: list[int]
    maps: list[SmallMap]
    legend: list[tuple[str, str]]  # (colour, words)
    table: Table
    chart: Chart  # the downloadable image of all the maps


def _place_name(code: str, municipality: bool) -> str:
    fmap = finland_map()
    shape = (fmap.municipalities if municipality else fmap.regions).get(code)
    if shape is None:
        return code
    name = shape.name_sv if (get_language() or "fi").startswith("sv") and shape.name_sv else shape.name_fi
    return name if municipality else _("Other organisations in %(region)s") % {"region": name}


def snapshots(figures: Mapping[str, Any], family: Family, title: str) -> Snapshots | None:
    """Who had adopted by the end of a few years evenly spread from the first adoption to the last: a small map
    each, the key, and the table behind them (a row per adopting municipality, and per region where another kind of
    organisation adopted; a column per map's year). None when no adopter is on the map."""
    municipality_years, region_years = places(figures, family)
    found = [*municipality_years.values(), *region_years.values()]
    curve = figures.get("curve", {})
    if not found or not curve.get("years"):
        return None
    years = charts.snapshot_years(min(curve["years"][0], min(found)), max(curve["years"][-1], max(found)))
    cumulative = dict(zip(curve["years"], curve["cumulative"], strict=False))
    captions = []
    for year in years:
        # Organisations of any kind counted, also those without a place on the map.
        count = max((n for y, n in cumulative.items() if y <= year), default=0)
        captions.append(
            ngettext("%(year)s: %(count)s organisation", "%(year)s: %(count)s organisations", count)
            % {"year": year, "count": number(count)}
        )
    svgs = charts.snapshot_svgs(municipality_years, region_years, years)
    rows = sorted(
        [(adopted, _place_name(code, True)) for code, adopted in municipality_years.items()]
        + [(adopted, _place_name(code, False)) for code, adopted in region_years.items()]
    )
    table = Table(
        caption=title,
        head=[_("Municipality or region"), _("First adopted"), *(str(year) for year in years)],
        rows=[
            (name, [str(adopted), *(_("Yes") if adopted <= year else _("No") for year in years)])
            for adopted, name in rows
        ],
    )
    return Snapshots(
        years=years,
        maps=[SmallMap(year, caption, svg) for year, caption, svg in zip(years, captions, svgs, strict=True)],
        legend=charts.snapshot_legend(),
        table=table,
        chart=charts.snapshot_maps(title, municipality_years, region_years, years, captions),
    )


FAMILY_CSV_HEAD = (
    "innovation",
    "title",
    "organisation",
    "organisation_kind",
    "region",
    "date",
    "year",
    "mode",
    "adopted_from",
    "depth",
    "adopter_category",
)


def family_csv(family: Family, figures: Mapping[str, Any] | None) -> str:
    """One row per published record of the family; codes, not words, so that the file reads the same in every
    language (the title and names in the reader's language)."""
    categories = (figures or {}).get("categories", {})
    return csv_text(
        FAMILY_CSV_HEAD,
        (
            [
                m.innovation.pk,
                m.innovation.title,
                m.organisation.name,
                m.organisation.kind,
                m.organisation.region.code if m.organisation.region else "",
                m.date.isoformat(),
                m.year,
                m.mode,
                m.parent_id or "",
                m.depth,
                categories.get(str(m.innovation.owner_id), ""),
            ]
            for m in family.members
        ),
    )


def chart_for(figure: str, figures: Mapping[str, Any], family: Family, title: str) -> Chart:
    if figure == "per-year":
        return charts.per_year_chart(figures, title)
    if figure == "cumulative":
        return charts.cumulative_chart(figures, title)
    if figure == "snapshots":
        found = snapshots(figures, family, title)
        return found.chart if found is not None else charts.snapshot_maps(title, {}, {}, [], [])
    data = map_data(family, title)
    return charts.year_map(title, data.municipality_years, data.region_years)


BOUNDARIES = {
    "take_off": gettext_lazy("Take-off (adoptions speed up fastest)"),
    "peak": gettext_lazy("Peak (most adoptions a year)"),
    "slow_down": gettext_lazy("Slow-down (adoptions slow down fastest)"),
}


def boundary_sentences(figures: Mapping[str, Any]) -> list[FitSentence]:
    """The fitted Bass curve's own boundaries between adopter groups (Mahajan, Muller & Srivastava 1990) as years,
    beside Rogers' categories; none when there is no usable fit."""
    if not figures.get("fit") or "too_few" in figures.get("flags", ()):
        return []
    found = figures.get("boundaries", {})
    return [FitSentence(str(label), number(found[code], 1)) for code, label in BOUNDARIES.items() if found.get(code)]
