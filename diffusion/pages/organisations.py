"""An organisation's place in the network of who learns from whom, in the reader's language: its role, its
percentiles among its peers and its innovativeness (Walker's score) over the years, from the stored
`OrganisationFigures.data`.

Plain presentation; no queries of its own.
"""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from barometer.results import charts as barometer_charts
from barometer.results.reports import Table
from diffusion import charts
from diffusion.charts import number
from organisations.models import SizeClass

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
