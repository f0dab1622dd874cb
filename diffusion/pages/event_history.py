"""Does the network explain adoption? The stored event-history figures (`EventHistoryFigures.data`, fitted by
`diffusion.services.event_history_data` with `diffusion.maths.event_history`) in the reader's language: each effect
with its odds ratio and interval on a scale a person can read, a sentence per effect, the flags in words, a CSV.

Plain presentation; no queries of its own.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diffusion.charts import number
from diffusion.pages.tables import csv_text

# The model's covariates, in the order shown. A share is estimated per unit (none → all had adopted); it is read per
# 10 percentage points. Size is the base-2 logarithm of the population: its unit is twice the population.
TERMS = {
    "partners_share": gettext_lazy("Share of its partners that had already adopted"),
    "region_share": gettext_lazy("Share of the other organisations in its region that had already adopted"),
    "size_class_share": gettext_lazy("Share of the other organisations of its size class that had already adopted"),
    "size": gettext_lazy("Population"),
}
UNITS = {"partners_share": 0.1, "region_share": 0.1, "size_class_share": 0.1, "size": 1.0}
UNIT_TEXTS = {
    "partners_share": gettext_lazy("per 10 percentage points"),
    "region_share": gettext_lazy("per 10 percentage points"),
    "size_class_share": gettext_lazy("per 10 percentage points"),
    "size": gettext_lazy("per doubling"),
}
UNIT_CODES = {"partners_share": "10_percentage_points", "region_share": "10_percentage_points"}
UNIT_CODES |= {"size_class_share": "10_percentage_points", "size": "doubling"}
# The flags of diffusion.maths.event_history, and "subset" of diffusion.services, in words.
FLAGS = {
    "no_events": gettext_lazy("No organisation adopted in the years followed: there is nothing to explain."),
    "no_non_events": gettext_lazy("Every organisation followed adopted: there is nothing to compare with."),
    "too_few_events": gettext_lazy(
        "Fewer than ten adoptions: the effects are very uncertain, read them only as a first hint."
    ),
    "few_events_per_term": gettext_lazy(
        "Fewer than ten adoptions for each estimated term: the intervals are wide and the odds ratios may be further "
        "from 1 than they really are."
    ),
    "separation": gettext_lazy(
        "Separation: a factor (nearly) perfectly tells who adopts and who does not, so its odds ratio runs off "
        "towards 0 or infinity. The estimates and intervals cannot be trusted."
    ),
    "no_convergence": gettext_lazy("The estimation did not settle on a result: the figures cannot be trusted."),
    "singular": gettext_lazy(
        "Two or more factors move exactly together (for example every organisation is in the same region), so their "
        "effects cannot be told apart and the model was not fitted."
    ),
    "budget": gettext_lazy(
        "Not fitted: the registry has more large families than are fitted one by one, and to keep the computation "
        "short only the most adopted ones are. This family is counted in the models of its themes."
    ),
    "subset": gettext_lazy(
        "The theme has more innovation families than are pooled here: to keep the computation short, the model uses "
        "the most adopted ones (their number is given above)."
    ),
}
TOO_FEW_ADOPTERS = gettext_lazy(
    "Too few organisations have adopted this family for the model: it is fitted once at least %(minimum)s have."
)
DROPPED = gettext_lazy("Left out of the model: “%(term)s”. It did not vary, or it was not known for anyone.")
UNTRUSTED = ("separation", "no_convergence", "singular")
Z = 1.959963984540054  # the 97.5 % point of the normal distribution: 95 % Wald intervals, as in the maths


@dataclass(frozen=True)
class EffectLine:
    """One effect on the reader's scale: the odds ratio and its 95 % interval for one unit (10 percentage points of
    a share, a doubling of the population)."""

    term: str
    label: str
    unit: str
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    coefficient: float | None  # on the model's own scale: a share from none to all, log2 of the population
    std_error: float | None
    verdict: str  # "higher" | "lower" | "unclear" | "untrusted"
    reading: str

    @property
    def ratio_text(self) -> str:
        return number(self.odds_ratio, 2)

    @property
    def interval(self) -> str:
        return f"{number(self.ci_low, 2)}–{number(self.ci_high, 2)}"


def _exp(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return math.exp(value) if value < 700 else None


def _reading(term: str, ratio: str, low: str, high: str, verdict: str) -> str:
    values = {"ratio": ratio, "low": low, "high": high}
    if term == "partners_share":
        sentence = _(
            "Each 10 percentage points more of its partners having already adopted multiplies the odds of adopting "
            "that year by %(ratio)s (%(low)s–%(high)s)"
        )
    elif term == "region_share":
        sentence = _(
            "Each 10 percentage points more of the other organisations in its region having already adopted "
            "multiplies the odds of adopting that year by %(ratio)s (%(low)s–%(high)s)"
        )
    elif term == "size_class_share":
        sentence = _(
            "Each 10 percentage points more of the other organisations of its size class having already adopted "
            "multiplies the odds of adopting that year by %(ratio)s (%(low)s–%(high)s)"
        )
    else:
        sentence = _("Twice the population multiplies the odds of adopting that year by %(ratio)s (%(low)s–%(high)s)")
    verdicts = {
        "higher": _("clearly higher odds"),
        "lower": _("clearly lower odds"),
        "unclear": _("not clearly different from no effect"),
        "untrusted": _("not to be trusted, see the notes above"),
    }
    return _("%(sentence)s: %(verdict)s.") % {"sentence": sentence % values, "verdict": verdicts[verdict]}


def effect_lines(data: Mapping[str, Any]) -> list[EffectLine]:
    """The covariates' effects, in the order of TERMS (the intercept and the baseline's terms are not shown: they
    describe the hazard of an organisation with no adopters around it, not the network)."""
    found = {effect["term"]: effect for effect in data.get("effects", ())}
    untrusted = any(flag in UNTRUSTED for flag in data.get("flags", ()))
    lines = []
    for term, label in TERMS.items():
        effect = found.get(term)
        if effect is None:
            continue
        unit = UNITS[term]
        coefficient, error = effect.get("coefficient"), effect.get("std_error")
        ratio = _exp(None if coefficient is None else unit * coefficient)
        if coefficient is None or error is None:
            low = high = None
        else:
            low, high = _exp(unit * (coefficient - Z * error)), _exp(unit * (coefficient + Z * error))
        if untrusted or low is None or high is None:
            verdict = "untrusted" if untrusted else "unclear"
        else:
            verdict = "higher" if low > 1 else "lower" if high < 1 else "unclear"
        lines.append(
            EffectLine(
                term=term,
                label=str(label),
                unit=str(UNIT_TEXTS[term]),
                odds_ratio=ratio,
                ci_low=low,
                ci_high=high,
                p_value=effect.get("p_value"),
                coefficient=coefficient,
                std_error=error,
                verdict=verdict,
                reading=_reading(term, number(ratio, 2), number(low, 2), number(high, 2), verdict),
            )
        )
    return lines


def flag_texts(data: Mapping[str, Any]) -> list[str]:
    texts = []
    for code in data.get("flags", ()):
        if code.startswith("dropped:"):
            term = code.removeprefix("dropped:")
            texts.append(str(DROPPED) % {"term": TERMS.get(term, term)})
        elif code in FLAGS:
            texts.append(str(FLAGS[code]))
    return texts


def flag_items(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The flags as codes with their words (for the API)."""
    return [{"code": code, "text": text} for code, text in zip(data.get("flags", ()), flag_texts(data), strict=True)]


CSV_HEAD = (
    "term",
    "factor",
    "unit",
    "odds_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "coefficient",
    "std_error",
    "reading",
)


def effects_csv(data: Mapping[str, Any]) -> str:
    """The effects table as the page shows it, with the model's own coefficients and the p-values; numbers with a
    decimal point whatever the language, so that the file reads the same everywhere."""

    def plain(value: float | None) -> float | None:
        return None if value is None else float(value)  # a number, not text: never taken for a formula

    return csv_text(
        CSV_HEAD,
        (
            [
                line.term,
                line.label,
                line.unit,
                plain(line.odds_ratio),
                plain(line.ci_low),
                plain(line.ci_high),
                plain(line.p_value),
                plain(line.coefficient),
                plain(line.std_error),
                line.reading,
            ]
            for line in effect_lines(data)
        ),
    )


def section(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the template's section needs from the stored figures."""
    return {
        "lines": effect_lines(data),
        "flags": flag_texts(data),
        "n_rows": data.get("n_rows", 0),
        "rows": number(data.get("n_rows")),
        "events": number(data.get("n_events")),
        "organisations": number(data.get("n_organisations")),
        "dropped": data.get("n_dropped", 0),
        "dropped_text": number(data.get("n_dropped")),
        "families": data.get("families", 0),
        "families_in_theme": data.get("families_in_theme"),
        "start_year": data.get("start_year"),
        "end_year": data.get("end_year"),
        "fitted": bool(data.get("effects")),
    }
