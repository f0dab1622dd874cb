"""The live barometer's page: its tables (formatted cells, labels in the reader's language)."""

from django.utils.translation import gettext as _

from barometer.results.reports import Table
from core.formatting import percent_text, share_text
from diffusion import live
from innovations.vocabulary import CHOICES_BY_DIMENSION, Dimension, Novelty
from organisations.models import OrganisationKind, Region


def facet_titles() -> dict[str, str]:
    return {
        Dimension.IDEA_SOURCE: _("Where the ideas came from"),
        live.PARTNER: _("With whom the innovations were developed"),
        Dimension.MOTIVATION: _("What motivated the innovations"),
        Dimension.CHANNEL: _("Where others were told about the innovations"),
        Dimension.OUTCOME_ACHIEVED: _("Outcomes achieved"),
        Dimension.OUTCOME_EXPECTED: _("Outcomes expected"),
    }


def _partner_labels() -> dict[str, str]:
    return {
        "other_municipalities": _("Other municipalities, joint municipal authorities and regions"),
        "companies": _("Companies"),
        "universities": _("Universities, higher education and research institutes"),
        "third_sector": _("Third sector (associations, foundations)"),
        "state_agencies": _("State agencies and ministries"),
        "international": _("International partners"),
        "other": _("Other partners"),
    }


def _labels(facet: str) -> dict[str, str]:
    if facet == live.PARTNER:
        return _partner_labels()
    if facet == "novelty":
        return {str(code): str(label) for code, label in Novelty.choices}
    return {str(code): str(label) for code, label in CHOICES_BY_DIMENSION[facet].choices}


def _survey_head(survey: live.SurveyRound | None) -> list[str]:
    if survey is None:
        return []
    name = str(survey.round.name)
    estimate = _("%(round)s: weighted estimate") if survey.weighted else _("%(round)s: unweighted estimate")
    return [estimate % {"round": name}, _("95 % CI")]


def _survey_cells(row: live.FacetRow, survey: live.SurveyRound | None, matched: bool, question: str) -> list[str]:
    if survey is None:
        return []
    if not matched:
        return [_("not asked"), "–"]
    if question in survey.suppressed:
        return [_("too few answers"), "–"]
    if row.survey is None:
        return ["–", "–"]
    low, high = row.survey.ci_low, row.survey.ci_high
    interval = "–" if low is None or high is None else f"{percent_text(low)} – {percent_text(high)}"
    return [percent_text(row.survey.percent), interval]


def _table(
    caption: str,
    first: str,
    rows: list[live.FacetRow],
    labels: dict[str, str],
    matched: frozenset[str],
    live_: live.LiveBarometer,
    question: str,
) -> Table:
    head = [first, _("Records"), _("Registry records, not a sample"), *_survey_head(live_.survey)]
    return Table(
        caption=caption,
        head=head,
        rows=[
            (
                labels.get(row.code, row.code),
                [
                    str(row.count),
                    share_text(row.share),
                    *_survey_cells(row, live_.survey, row.code in matched, question),
                ],
            )
            for row in rows
        ],
    )


def novelty_table(live_: live.LiveBarometer) -> Table:
    caption = _("How the innovations came about: %(n)s published records") % {"n": live_.total}
    return _table(
        caption,
        _("How it came about"),
        live_.novelty,
        _labels("novelty"),
        live.SURVEY_CODES[live.NOVELTY_QUESTION],
        live_,
        live.NOVELTY_QUESTION,
    )


def facet_tables(live_: live.LiveBarometer) -> list[tuple[str, str, Table]]:
    """(id, heading, table) of each facet."""
    titles = facet_titles()
    out = []
    for facet in live_.facets:
        caption = _("%(title)s: the share of the %(n)s published records that name any") % {
            "title": titles[facet.code],
            "n": facet.recorded,
        }
        matched = live.SURVEY_CODES.get(facet.code, frozenset())
        out.append(
            (
                f"facet-{facet.code}",
                titles[facet.code],
                _table(caption, _("Answer"), facet.rows, _labels(facet.code), matched, live_, facet.question),
            )
        )
    return out


def year_table(live_: live.LiveBarometer) -> Table:
    labels = _labels("novelty")
    return Table(
        caption=_("New, adapted and copied published records by the year they were taken into use"),
        head=[_("Year"), _("Records"), *(labels[code] for code in live.NOVELTY)],
        rows=[
            (
                str(row.year) if row.year is not None else _("Year not known"),
                [str(row.total), *(share_text(row.counts.get(code, 0) / row.total) for code in live.NOVELTY)],
            )
            for row in live_.by_year
        ],
    )


def survey_scope(survey: live.SurveyRound) -> str:
    """Whom the survey column describes, in words."""
    if survey.domain:
        chosen = dict(survey.domain)
        parts = []
        if "region" in chosen:
            parts.append(str(Region.objects.filter(code=chosen["region"]).values_list("name", flat=True).first()))
        if "kind" in chosen:
            parts.append(str(OrganisationKind(chosen["kind"]).label))
        return _(
            "Beside the registry: the survey round %(round)s, among its respondents in the chosen group (%(group)s), "
            "where the survey asks the same question. The year chosen applies to the registry only."
        ) % {"round": survey.round.name, "group": ", ".join(parts)}
    if survey.filters_ignored:
        return _(
            "Beside the registry: the survey round %(round)s, for the whole round, where the survey asks the same "
            "question. The round's answers are not public, so its estimates are not broken down by region or "
            "organisation kind: the filters apply to the registry only."
        ) % {"round": survey.round.name}
    return _(
        "Beside the registry: the survey round %(round)s, for the whole round, where the survey asks the same question."
    ) % {"round": survey.round.name}
