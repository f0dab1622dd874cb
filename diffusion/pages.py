"""What the diffusion pages say: the stored figures put into words, tables and charts in the reader's language.

Plain presentation over `diffusion.selectors.Family` and `FamilyFigures.data`; no queries of its own.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from barometer.reports import Table
from core.spreadsheets import neutralised
from diffusion import charts
from diffusion.charts import number
from diffusion.selectors import Family, FamilyMember, Suggested
from organisations.models import OrganisationKind

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
    municipality_years: dict[str, int] = {}
    region_years: dict[str, int] = {}
    by_region: dict[str, tuple[str, int, set[int]]] = {}
    for member in family.members:
        organisation = member.organisation
        if organisation.kind == OrganisationKind.MUNICIPALITY and organisation.municipality_code:
            code = organisation.municipality_code
            municipality_years[code] = min(member.year, municipality_years.get(code, member.year))
        elif organisation.region is not None:
            code = organisation.region.code
            region_years[code] = min(member.year, region_years.get(code, member.year))
        if organisation.region is not None:
            name, year, orgs = by_region.get(organisation.region.code, (str(organisation.region), member.year, set()))
            by_region[organisation.region.code] = (name, min(year, member.year), orgs | {organisation.pk})
    rows = [
        (name, [str(year), number(len(orgs))]) for name, year, orgs in sorted(by_region.values(), key=lambda r: r[1:2])
    ]
    table = Table(caption=caption, head=[_("Region"), _("First adopted"), _("Organisations")], rows=rows)
    return MapData(municipality_years, region_years, table)


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
    return csv_text(table.head, ([label, *cells] for label, cells in table.rows))


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


def chart_for(figure: str, figures: Mapping[str, Any], family: Family, title: str) -> charts.Chart:
    if figure == "per-year":
        return charts.per_year_chart(figures, title)
    if figure == "cumulative":
        return charts.cumulative_chart(figures, title)
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
    }


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
