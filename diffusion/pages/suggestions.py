"""What to adopt next and where a record may have been learned from, in the reader's language: the stored
suggestions' reasons (`diffusion.maths.recommend.Reason` and the source choice's, as data) in words.

Plain presentation; no queries of its own.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import share_text
from diffusion.selectors import Suggested


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
