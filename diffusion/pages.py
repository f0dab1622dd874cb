"""What the diffusion pages say: the stored figures put into words, tables and charts in the reader's language.

Plain presentation over `diffusion.selectors.Family` and `FamilyFigures.data`; no queries of its own.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from barometer.results import charts as barometer_charts
from barometer.results.charts import Chart
from barometer.results.reports import Table
from core.formatting import share_text
from core.spreadsheets import neutralised
from diffusion import charts
from diffusion.charts import number
from diffusion.selectors import Family, FamilyMember, Suggested
from organisations.finland_map import finland_map
from organisations.models import SizeClass

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


def csv_text(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a byte order mark (spreadsheets read ä and ö right), cells neutralised against formulas."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(head)
    for row in rows:
        writer.writerow([neutralised("" if cell is None else cell) for cell in row])
    return buffer.getvalue()


def table_csv(table: Table) -> str:
    """A chart's data table as CSV: its rows, then its closing rows (e.g. the total)."""
    return csv_text(table.head, [*([label, *cells] for label, cells in table.rows), *table.foot])


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


# --- an organisation's place in the network -------------------------------------------------------------------

ROLES = {
    "broker": gettext_lazy(
        "A broker: it both learns from others and teaches others, and many paths of learning between other "
        "organisations pass through it."
    ),
    "source": gettext_lazy("A source: others have learned from it at least as much as it has learned from others."),
    "adopter": gettext_lazy("An adopter: it has learned from others more than it has taught them."),
    "isolated": gettext_lazy("No one has adopted from it, nor it from anyone, in the registry yet."),
}
PEER_METRICS = {
    "learned_from": gettext_lazy("Organisations it learned from"),
    "taught": gettext_lazy("Organisations that learned from it"),
    "adoptions_in": gettext_lazy("Adoptions from others"),
    "adoptions_out": gettext_lazy("Adoptions of its innovations"),
    "partners": gettext_lazy("Development partners"),
    "betweenness": gettext_lazy("Position between others (betweenness)"),
    "influence": gettext_lazy("Influence (PageRank)"),
}


def organisation_section(figures: Mapping[str, Any], organisation: Any) -> dict[str, Any]:
    """The organisation's diffusion figures in words and a peer table (its percentile among its size class and
    among its region: 50 is the middle, 90 means more than nine in ten peers)."""
    groups = figures.get("peers", [])
    head = [_("Measure")]
    for group in groups:
        if group["group"] == "size_class":
            head.append(_("Among its size class (%(n)s)") % {"n": number(group["peers"])})
        else:
            head.append(_("Among its region (%(n)s)") % {"n": number(group["peers"])})
    rows = [
        (str(label), [number(group["percentiles"].get(code)) for group in groups])
        for code, label in PEER_METRICS.items()
    ]
    peer_table = Table(
        caption=_("%(organisation)s compared with its peers: percentile ranks (0–100)")
        % {"organisation": organisation},
        head=head,
        rows=rows,
    )
    walker = figures.get("walker")
    return {
        "role": str(ROLES.get(figures.get("role", ""), "")),
        "walker": None if walker is None else number(walker * 100),
        "peer_table": peer_table if groups else None,
        **walker_section(figures, organisation),
    }


WALKER_FEW = 3  # innovations taken into use: below this the score is said to say little yet


def walker_series(figures: Mapping[str, Any]) -> list[tuple[int, float]]:
    """(year, score 0–100) of the stored dynamic score, earliest first."""
    stored = figures.get("walker_by_year") or {}
    return sorted((int(year), score * 100) for year, score in stored.items() if score is not None)


def walker_title(organisation: Any) -> str:
    return _("Innovativeness of %(organisation)s at the end of each year (Walker's score, 0–100)") % {
        "organisation": organisation
    }


def walker_sentences(figures: Mapping[str, Any], organisation: Any) -> list[str]:
    """The dynamic score in words: how it changed from the first year to the last, where it ranks among its size
    class, and a warning when it rests on few innovations."""
    series = walker_series(figures)
    if not series:
        return []
    sentences = []
    (first, start), (last, end) = series[0], series[-1]
    if len(series) == 1:
        sentences.append(
            _("Its innovativeness score at the end of %(year)s was %(score)s of 100.")
            % {"year": first, "score": number(start)}
        )
    elif number(start) == number(end):
        sentences.append(
            _("Its innovativeness score was %(score)s of 100 both in %(first)s and in %(last)s.")
            % {"score": number(end), "first": first, "last": last}
        )
    else:
        sentences.append(
            (
                _("Its innovativeness score rose from %(start)s in %(first)s to %(end)s of 100 in %(last)s.")
                if end > start
                else _("Its innovativeness score fell from %(start)s in %(first)s to %(end)s of 100 in %(last)s.")
            )
            % {"start": number(start), "first": first, "end": number(end), "last": last}
        )
    rank = figures.get("walker_rank")
    if rank and rank["of"] > 1:
        sentences.append(
            _("Among the %(count)s organisations of its size class (%(size)s) with a score, it ranks %(rank)s.")
            % {
                "count": number(rank["of"]),
                "size": SizeClass(rank["size_class"]).label if rank["size_class"] in SizeClass.values else "–",
                "rank": number(rank["rank"]),
            }
        )
    elif rank:
        sentences.append(_("It is the only organisation of its size class with a score so far."))
    count = figures.get("walker_innovations", 0)
    if count < WALKER_FEW:
        sentences.append(
            ngettext(
                "The score rests on only %(count)s innovation it has taken into use, so it says little yet.",
                "The score rests on only %(count)s innovations it has taken into use, so it says little yet.",
                count,
            )
            % {"count": count}
        )
    return sentences


def walker_section(figures: Mapping[str, Any], organisation: Any) -> dict[str, Any]:
    """The dynamic innovativeness: sentences, and the chart (from two years on) with its table and downloads."""
    series = walker_series(figures)
    title = walker_title(organisation)
    figure = None
    if len(series) >= 2:
        chart = charts.walker_chart(series, title)
        figure = {
            "id": "figure-innovativeness",
            "heading": title,
            "svg": mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                barometer_charts.inline_svg(chart, labelled_by="figure-innovativeness-title", prefix="walker")
            ),
            "table": charts.walker_table(series, title),
            "downloads": {
                fmt: reverse("diffusion:organisation_figure", kwargs={"pk": organisation.pk, "fmt": fmt})
                for fmt in ("png", "svg", "csv")
            },
        }
    return {"walker_sentences": walker_sentences(figures, organisation), "walker_figure": figure}


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


def reason_text(suggested: Suggested) -> str:
    """A stored suggestion's reason (diffusion.maths.recommend.Reason as data) in the reader's language, in the
    third person so that it reads right to anyone: who like the organisation adopted it, one example adopter, and
    what it resembles that the organisation already adopted."""
    reason = suggested.item.get("reason", {})
    parts = []
    # The closest group that adopted it, closest first (literal ngettext calls, so that makemessages finds them).
    if count := reason.get("adopters_same_region_and_size_class"):
        parts.append(
            ngettext(
                "Adopted by %(count)s organisation of the same size in the same region.",
                "Adopted by %(count)s organisations of the same size in the same region.",
                count,
            )
            % {"count": count}
        )
    elif count := reason.get("adopters_same_region"):
        parts.append(
            ngettext(
                "Adopted by %(count)s organisation in the same region.",
                "Adopted by %(count)s organisations in the same region.",
                count,
            )
            % {"count": count}
        )
    elif count := reason.get("adopters_in_shared_networks"):
        parts.append(
            ngettext(
                "Adopted by %(count)s organisation in the same networks.",
                "Adopted by %(count)s organisations in the same networks.",
                count,
            )
            % {"count": count}
        )
    elif count := reason.get("adopters_same_size_class"):
        parts.append(
            ngettext(
                "Adopted by %(count)s organisation of the same size.",
                "Adopted by %(count)s organisations of the same size.",
                count,
            )
            % {"count": count}
        )
    elif count := reason.get("adopters"):
        parts.append(
            ngettext("Adopted by %(count)s organisation.", "Adopted by %(count)s organisations.", count)
            % {"count": count}
        )
    if suggested.example_adopter is not None and reason.get("example_year"):
        parts.append(
            _("%(organisation)s adopted it in %(year)s.")
            % {"organisation": suggested.example_adopter, "year": reason["example_year"]}
        )
    if suggested.because_of is not None and reason.get("because_co_adopters"):
        count = reason["because_co_adopters"]
        parts.append(
            ngettext(
                "Similar to “%(innovation)s”, adopted already: %(count)s organisation adopted both.",
                "Similar to “%(innovation)s”, adopted already: %(count)s organisations adopted both.",
                count,
            )
            % {"innovation": suggested.because_of, "count": count}
        )
    return " ".join(parts)


@dataclass(frozen=True)
class SuggestionLine:
    suggested: Suggested
    text: str


def suggestion_lines(items: Iterable[Suggested]) -> list[SuggestionLine]:
    return [SuggestionLine(s, reason_text(s)) for s in items]


def also_adopted_text(suggested: Suggested) -> str:
    count = suggested.item["co_adopters"]
    return ngettext("%(count)s organisation adopted both.", "%(count)s organisations adopted both.", count) % {
        "count": count
    }


def _interval(days: int) -> str:
    months = round(days / 30.44)
    if months < 24:
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    years = round(days / 365.25)
    return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}


def source_reason_sentences(
    reason: Mapping[str, Any], source_owner: Any, networks: Mapping[int, str], score: float | None = None
) -> list[str]:
    """Why a source is suggested, in words: the timing, the family's original, then the network and region ties (a
    suggested source's reason data, diffusion.services.source_suggestions_data), and the choice model's probability
    (`score`), which weighs exactly those as the registry's recorded lineage does. Never says it is recorded
    lineage."""
    day = datetime.date.fromisoformat(reason["source_date"]) if reason.get("source_date") else None
    sentences = []
    if day is not None:
        sentences.append(
            _("%(organisation)s took it into use on %(date)s, %(interval)s before your organisation.")
            % {
                "organisation": source_owner,
                "date": date_format(day, "SHORT_DATE_FORMAT"),
                "interval": _interval(int(reason.get("delay_days", 0))),
            }
        )
    if reason.get("first"):
        sentences.append(_("It was the first in the registry to take it into use."))
    support = int(reason.get("tie_support") or 0)
    if support > 1:
        sentences.append(
            ngettext(
                "In the registry's adoption timings, your organisation has followed it in %(count)d innovation.",
                "In the registry's adoption timings, your organisation has followed it in %(count)d innovations.",
                support,
            )
            % {"count": support}
        )
    if reason.get("same_region"):
        sentences.append(_("It is in the same region as your organisation."))
    names = [networks[pk] for pk in reason.get("networks", []) if pk in networks]
    if names:
        sentences.append(_("Both are members of %(networks)s.") % {"networks": ", ".join(names)})
    if reason.get("partners"):
        sentences.append(_("Your organisations have been partners in a published innovation."))
    if score is not None and 0.0 <= score <= 1.0:  # older rows kept NetInf's gain instead of a probability
        sentences.append(
            _(
                "Weighing these as the sources recorded in the registry do, the estimated chance that it is the "
                "source among the earlier adopters of similar records: %(share)s."
            )
            % {"share": share_text(score)}
        )
    return sentences


@dataclass(frozen=True)
class SourceSuggestionLine:
    suggestion: Any  # a diffusion.models.SourceSuggestion with its source and owner loaded
    date: datetime.date | None
    sentences: list[str]


def source_suggestion_lines(suggestions: Sequence[Any], networks: Mapping[int, str]) -> list[SourceSuggestionLine]:
    out = []
    for suggestion in suggestions:
        reason = suggestion.reason
        day = datetime.date.fromisoformat(reason["source_date"]) if reason.get("source_date") else None
        out.append(
            SourceSuggestionLine(
                suggestion, day, source_reason_sentences(reason, suggestion.source.owner, networks, suggestion.score)
            )
        )
    return out
