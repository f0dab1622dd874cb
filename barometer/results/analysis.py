"""The analysis of a survey round: its submitted answers turned into result tables, for the pages, the reports,
the open data and the API.

This is the Django side of `barometer.statistics` (plain numpy). It reads a round's frame, responses and answers
once (`round_data`), applies the unit of analysis (with the organisation as the unit, an organisation's latest
submitted response stands for it), turns each question's answers into indicator columns and hands them to the
statistics module with the round's design (weighted to the frame, or not). What comes back is plain data
(`QuestionResult`): per answer option the count, % of respondents, its 95 % interval and, weighted, the Kish
effective sample size.

Percentages are "% of respondents": the denominator is those who were asked the question and answered it, minus
those whose answer the question leaves out of percentages ("don't know"). A multiple choice sums to more than
100 %. An extent scale or a grid is one block of rows per item (a stacked distribution).

Disclosure control, for public outputs (`Options.public`). What is promised: no count that is not shown can be
worked out exactly from what is shown — the whole, every breakdown of the same question, the same table read the
other way round (a question by another question's answers), routed follow-up questions and every N — unless a
shown figure resting on at least 5 respondents says it (a shown 0 % or 100 %). tests/test_disclosure_attack.py
checks it with an attacker that solves the linear programmes of everything the API publishes.
- A figure whose denominator has fewer than 5 respondents is suppressed: a whole block (the question, an item, a
  group of a breakdown) with its counts and its N.
- A breakdown's groups of fewer than 5 respondents are combined into one group, which the next smallest groups
  join until it has 5 respondents and two groups (`disclosure.collapse_small_groups`); for a breakdown of one
  single choice question by another, the answers of the question shown are combined the same way, so that the
  table says the same read either way round.
- The groups of a breakdown are a table with the whole beside it: further groups are hidden until no hidden figure
  follows from the rest (`disclosure.protect_table`: two hidden groups or more, and no answer given by all their
  respondents). A routed question is hidden in every group where the question it follows is hidden, and a
  breakdown whose groups' N would tell a combined answer apart is not shown at all. A breakdown's groups show no
  "asked" and "answered" counts.
- Unless the round says its answers are public, nothing that belongs to one respondent is shown: no free-text
  answers, no smallest or largest number, and no filters (two filtered results could be subtracted to single out a
  few organisations; a breakdown's groups are protected together instead).
The barometer team sees everything unsuppressed while it works (`public=False`).
"""

import copy
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from barometer import answers as answer_rules
from barometer.models import Answer, Question, Response, Round, Section
from barometer.selectors import question_spec, version_contents
from barometer.statistics import coding, comparison, disclosure, estimation, weighting
from barometer.vocabulary import QuestionKind, ResponseStatus, Unit
from core.formatting import quoted
from organisations.models import OrganisationKind, Region, SizeClass

# Figures resting on fewer respondents than this are suppressed in public outputs.
SUPPRESSION_THRESHOLD = disclosure.MIN_RESPONDENTS
# The frame's strata: the weights reproduce them, breakdowns and filters can use them.
STRATA = ("kind", "size_class", "region")
CACHE_SECONDS = 60 * 60

# --- results as data --------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One answer option's figures. Percentages and intervals are in percent (0–100)."""

    code: str
    label: str
    count: int | None  # respondents who gave this answer (unweighted); None when suppressed
    percent: float | None = None  # None for answers left out of percentages, and when suppressed
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = None  # standard error of the percentage, for comparisons
    n_eff: float | None = None  # Kish effective sample size of the denominator (weighted results)
    excluded: bool = False  # left out of percentages ("don't know")
    suppressed: bool = False
    ci_method: str = ""  # the interval's method: "wilson", "logit" or "korn-graubard" (see interval_note)
    # Comparison with another round: its percentage, the change in percentage points, and whether significant.
    previous: float | None = None
    change: float | None = None
    significant: bool | None = None


@dataclass
class Block:
    """Rows that share a denominator: a question's answers, or one item of a scale or grid."""

    code: str  # the item's code; "" for a question without items
    label: str
    n: int | None  # the denominator: respondents (unweighted) in the percentages; None when suppressed
    rows: list[Row]
    n_eff: float | None = None
    suppressed: bool = False  # too few respondents to show anything
    previous_n: int | None = None
    answered: int = 0  # respondents who answered the item at all (disclosure control's arithmetic; not published)

    @property
    def shown_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.excluded]

    @property
    def hidden_rows(self) -> list[Row]:
        return [row for row in self.rows if row.excluded]


@dataclass
class NumberSummary:
    n: int | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None = None
    # Single respondents' answers: shown to the team, and publicly only when the round's answers are public.
    minimum: float | None = None
    maximum: float | None = None
    suppressed: bool = False


@dataclass
class QuestionResult:
    code: str
    text: str
    kind: str
    section: str  # the section's title
    asked: str  # who was asked, in words
    asked_n: int | None  # respondents who were asked (None where disclosure control hides it)
    answered_n: int | None  # of them, those who answered
    multiple: bool  # several answers allowed
    hidden: list[str]  # labels of the answers left out of percentages
    weighted: bool
    n: int | None = 0  # the denominator (for scales and grids, the largest of the items'); None when suppressed
    blocks: list[Block] = field(default_factory=list)
    number: NumberSummary | None = None
    texts: list[str] | None = None  # free-text answers, when they may be shown
    unit_label: str = ""
    compared_with: str = ""  # the name of the round compared with, if any
    weighting: str = ""  # how the figures are weighted, in words (weighting_note)

    @property
    def has_items(self) -> bool:
        return self.kind in (QuestionKind.SCALE, QuestionKind.GRID)

    @property
    def is_choice(self) -> bool:
        return bool(self.blocks)

    @property
    def choices(self) -> list[tuple[str, str, bool]]:
        """(code, label, left out of percentages) of the answer options, in questionnaire order."""
        return [(row.code, row.label, row.excluded) for row in self.blocks[0].rows] if self.blocks else []

    @property
    def suppressed(self) -> bool:
        if self.number is not None:
            return self.number.suppressed
        return bool(self.blocks) and all(block.suppressed for block in self.blocks)


@dataclass
class Group:
    code: str
    label: str
    result: QuestionResult
    members: list[str] = field(default_factory=list)  # the variable's groups combined into this one


@dataclass
class Breakdown:
    variable: str
    label: str
    groups: list[Group]
    withheld: bool = False  # not shown: it would tell what groups of fewer than 5 respondents answered


@dataclass
class SectionResults:
    code: str
    title: str
    questions: list[QuestionResult]


@dataclass(frozen=True)
class Options:
    """How to analyse: weighted or not, public (disclosure control) or not, filters (variable → value)."""

    weighted: bool = False
    public: bool = True
    filters: tuple[tuple[str, str], ...] = ()

    def key(self) -> str:
        return f"w{int(self.weighted)}p{int(self.public)}f{'&'.join(f'{k}={v}' for k, v in self.filters)}"


# --- the round, read once ---------------------------------------------------------------------------------------


@dataclass
class Respondent:
    response_id: int
    frame_unit_id: int
    strata: dict[str, str]  # kind, size_class, region
    answers: dict[str, Any]
    asked: frozenset[str]


@dataclass
class Variable:
    """Something to break results down by or filter on: a stratum of the frame, or a single-choice question."""

    code: str
    label: str
    groups: list[tuple[str, str]]  # (code, label); "" is "not known" / "no answer"
    value: Callable[[Respondent], str]


class WeightingUnavailableError(Exception):
    """The respondents cannot be weighted to the frame; the message says why, in the reader's language."""


@dataclass
class RoundData:
    """A round read once: questionnaire, frame, and the respondents of the analysis with their answers."""

    round: Round
    sections: list[Section]
    questions: dict[str, Question]
    section_conditions: dict[str, Any]
    respondents: list[Respondent]
    frame: list[dict[str, str]]  # the strata of every frame unit
    _designs: dict[bool, weighting.Design] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict)  # what disclosure control computes more than once

    @property
    def unit_is_organisation(self) -> bool:
        return self.round.unit == Unit.ORGANISATION

    def design(self, weighted: bool) -> weighting.Design:
        """The respondents' design for the estimates (made once); WeightingUnavailableError if it cannot be weighted."""
        if weighted not in self._designs:
            self._designs[weighted] = frame_design(self) if weighted else weighting.unweighted(len(self.respondents))
        return self._designs[weighted]

    def weighting_problem(self) -> str:
        """Why the results cannot be weighted, or "" when they can."""
        try:
            self.design(True)
        except WeightingUnavailableError as problem:
            return str(problem)
        return ""


def round_data(round_: Round) -> RoundData:
    """Reads the round: its questions in order, the frame's strata, and one row per respondent of the analysis."""
    sections = version_contents(round_.questionnaire_version)
    questions: dict[str, Question] = {}
    conditions: dict[str, Any] = {}
    for section in sections:
        for question in section.questions.all():
            question.section = section  # the prefetched section, not one query per question
            questions[question.code] = question
            conditions[question.code] = section.show_if or {}
    specs = [question_spec(question) for question in questions.values()]
    frame_strata = {
        pk: {"kind": kind, "size_class": size, "region": region}
        for pk, kind, size, region in round_.frame.values_list("pk", "kind", "size_class", "region_code")
    }
    submitted = Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED)
    rows = list(submitted.order_by("frame_unit_id", "-submitted_at", "-pk").values_list("pk", "frame_unit_id"))
    if round_.unit == Unit.ORGANISATION:
        # One response per organisation: its latest submitted one (the rows come newest first per frame unit).
        latest: dict[int, int] = {}
        for pk, frame_unit_id in rows:
            latest.setdefault(frame_unit_id, pk)
        rows = [(pk, frame_unit_id) for frame_unit_id, pk in latest.items()]
    kept = {pk for pk, _unit in rows}
    code_of = {question.pk: code for code, question in questions.items()}
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    answers = Answer.objects.filter(response__round=round_, response__status=ResponseStatus.SUBMITTED)
    for response_id, question_id, value in answers.values_list("response_id", "question_id", "value"):
        if response_id in kept and question_id in code_of:
            values[response_id][code_of[question_id]] = value
    respondents = [
        Respondent(
            response_id=pk,
            frame_unit_id=frame_unit_id,
            strata=frame_strata[frame_unit_id],
            answers=values[pk],
            asked=frozenset(answer_rules.asked(specs, values[pk], conditions)),
        )
        for pk, frame_unit_id in sorted(rows)
    ]
    return RoundData(
        round=round_,
        sections=sections,
        questions=questions,
        section_conditions=conditions,
        respondents=respondents,
        frame=list(frame_strata.values()),
    )


def frame_design(data: RoundData) -> weighting.Design:
    """Weights that make the respondents reproduce the frame's organisation kind × size class × region cells.

    `weighting.post_stratify` post-stratifies where every cell of the frame has enough respondents and rakes to
    the three margins otherwise. The frame counts organisations, so a round whose unit is the respondent is not
    weighted.
    """
    if not data.unit_is_organisation:
        raise WeightingUnavailableError(
            _("Results can be weighted only when the unit of analysis is the organisation (one answer each).")
        )
    if not data.respondents:
        raise WeightingUnavailableError(_("There are no submitted responses to weight."))
    codes: list[np.ndarray] = []
    frame_codes: list[np.ndarray] = []
    sizes: list[int] = []
    for name in STRATA:
        index = {value: i for i, value in enumerate(sorted({unit[name] for unit in data.frame}))}
        codes.append(np.array([index[r.strata[name]] for r in data.respondents], dtype=np.intp))
        frame_codes.append(np.array([index[unit[name]] for unit in data.frame], dtype=np.intp))
        sizes.append(len(index))
    population = np.zeros(sizes)
    np.add.at(population, tuple(frame_codes), 1)
    try:
        return weighting.post_stratify(codes, population)
    except weighting.WeightingError:
        raise WeightingUnavailableError(
            _(
                "The respondents cannot be weighted to the frame: some organisation kind, size class or region of "
                "the frame has no respondents."
            )
        ) from None


def weighting_note(design: weighting.Design) -> str:
    """How the figures are weighted, in a sentence for the notes of every output."""
    if not design.is_weighted:
        return _("Unweighted: percentages of the respondents.")
    if design.method == "raking":
        return _("Weighted by raking to the sampling frame's organisation kinds, size classes and regions.")
    if design.method == "weights":
        return _("Weighted with the weights imported with the answers.")
    text = _(
        "Weighted by post-stratification to the sampling frame's cells of organisation kind × size class × region."
    )
    if design.collapsed:
        count = len(design.collapsed)
        text += " " + ngettext(
            "%(count)s cell with fewer than 5 respondents is weighted together with its neighbours (the same kind "
            "and size class, else the same kind).",
            "%(count)s cells with fewer than 5 respondents are weighted together with their neighbours (the same "
            "kind and size class, else the same kind).",
            count,
        ) % {"count": count}
    return text


def interval_note(weighted: bool) -> str:
    """Which confidence intervals the figures have, for the notes of every output."""
    if weighted:
        return _(
            "%(level)s confidence intervals: logit intervals from the design-based standard error; at %(none)s and "
            "%(all)s, Clopper–Pearson intervals on the effective sample size (Korn–Graubard)."
        ) % {"level": "95 %", "none": "0 %", "all": "100 %"}
    return _("%(level)s confidence intervals: Wilson score intervals.") % {"level": "95 %"}


CI_METHODS = ("wilson", "logit", "korn-graubard")


def answers_changed(round_: Round) -> str:
    """A fingerprint of everything an analysis reads that can change while the round runs (for cache keys)."""
    responses = Response.objects.filter(round=round_).aggregate(count=Count("pk"), changed=Max("updated_at"))
    answers = Answer.objects.filter(response__round=round_).aggregate(count=Count("pk"), changed=Max("updated_at"))
    version = round_.questionnaire_version
    parts = (
        round_.pk,
        round_.version,
        round_.unit,
        round_.answers_public,
        version.pk,
        version.revision,
        responses["count"],
        responses["changed"],
        answers["count"],
        answers["changed"],
        round_.frame.count(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


# --- variables: the frame's strata and single-choice questions -----------------------------------------------


def variables(data: RoundData) -> dict[str, Variable]:
    """What results can be broken down by, in the order the explorer offers it: the frame's strata, then the
    background questions, then the other single choices."""
    key = ("variables", get_language())
    if key not in data._memo:
        data._memo[key] = _variables(data)
    return data._memo[key]  # type: ignore[no-any-return]


def _variables(data: RoundData) -> dict[str, Variable]:
    present: dict[str, set[str]] = {name: {unit[name] for unit in data.frame} for name in STRATA}
    regions = {region.code: str(region.name) for region in Region.objects.all()}

    def stratum(name: str, label: str, labels: Mapping[str, str]) -> Variable:
        groups = [(code, text) for code, text in labels.items() if code in present[name]]
        groups += sorted((code, code) for code in present[name] - set(labels) - {""})
        if "" in present[name]:
            groups.append(("", _("Not known")))
        return Variable(name, label, groups, lambda respondent: respondent.strata[name])

    found = {
        "kind": stratum("kind", _("Organisation kind"), {str(k): str(v) for k, v in OrganisationKind.choices}),
        "size_class": stratum("size_class", _("Size class"), {str(k): str(v) for k, v in SizeClass.choices}),
        "region": stratum("region", _("Region"), dict(sorted(regions.items(), key=lambda pair: pair[1]))),
    }
    singles = [q for q in data.questions.values() if q.kind == QuestionKind.SINGLE]
    for question in sorted(singles, key=lambda q: not q.background):
        groups = [(choice.code, str(choice.label)) for choice in question.choices.all()]
        groups.append(("", _("No answer")))
        found[f"q:{question.code}"] = Variable(
            f"q:{question.code}",
            str(question.text),
            groups,
            _answer_of(question.code),
        )
    return found


def _answer_of(code: str) -> Callable[[Respondent], str]:
    def value(respondent: Respondent) -> str:
        answer = respondent.answers.get(code)
        return answer if isinstance(answer, str) else ""

    return value


def _members(data: RoundData, variable: Variable, code: str) -> np.ndarray:
    return np.fromiter((variable.value(r) == code for r in data.respondents), bool, len(data.respondents))


class DisclosureError(ValueError):
    """What was asked for would break the disclosure rules of a public output."""


def filtered(data: RoundData, options: Options) -> np.ndarray:
    """Who passes the options' filters (variable code → value); unknown variables are an error of the caller.

    A public output of a round whose answers are not public takes no filters (see the module's docstring).
    """
    if options.filters and options.public and not data.round.answers_public:
        raise DisclosureError("filters are for the barometer team: a public output takes none")
    keep = np.ones(len(data.respondents), dtype=bool)
    found = variables(data) if options.filters else {}
    for name, wanted in options.filters:
        keep &= _members(data, found[name], wanted)
    return keep


# --- one question ---------------------------------------------------------------------------------------------


def asked_text(data: RoundData, question: Question) -> str:
    """Who was asked the question, in words, from the routing of its section and its own."""
    conditions = [c for c in (data.section_conditions.get(question.code), question.show_if) if c]
    sentences = []
    for condition in conditions:
        source = data.questions.get(condition.get("question", ""))
        if source is None:
            continue
        labels = {choice.code: str(choice.label) for choice in source.choices.all()}
        answers = _(" or ").join(quoted(labels.get(code, code)) for code in condition.get("any_of", ()))
        sentences.append(
            _("Asked of respondents who answered %(answers)s to “%(question)s”.")
            % {"answers": answers, "question": source.text}
        )
    return " ".join(sentences) or _("Asked of all respondents.")


@dataclass(frozen=True)
class Category:
    """Answers of a single choice question shown as one row: one answer, or several combined (disclosure control).
    `members` are answer codes; "" stands for no answer."""

    code: str
    label: str
    excluded_from_percent: bool
    members: tuple[str, ...]


def question_results(
    data: RoundData,
    question: Question,
    options: Options,
    domains: np.ndarray,
    *,
    categories: Sequence[Category] | None = None,
) -> list[QuestionResult]:
    """The question's result in each domain (a column of `domains`: everyone, a group, a filter), in one pass.

    `categories` (single choice only) replaces the answer options by rows that may combine several answers, and
    no answer, which then counts among the answers."""
    design = data.design(options.weighted)
    n = len(data.respondents)
    values = [r.answers.get(question.code) for r in data.respondents]
    asked = np.fromiter((question.code in r.asked for r in data.respondents), bool, n)
    answered = asked & np.fromiter((not answer_rules.is_empty(v) for v in values), bool, n)
    choices: list[Any] = list(question.choices.all())
    if categories is not None:
        choices = list(categories)
        if any("" in c.members for c in categories):
            values = [v if a else "" for v, a in zip(values, answered, strict=True)]
            answered = np.ones(n, dtype=bool)
    shown = [c for c in choices if not c.excluded_from_percent]
    results = [
        QuestionResult(
            code=question.code,
            text=str(question.text),
            kind=question.kind,
            section=str(question.section.title),
            asked=asked_text(data, question),
            asked_n=int((asked & domain).sum()),
            answered_n=int((answered & domain).sum()),
            multiple=question.kind == QuestionKind.MULTIPLE,
            hidden=[str(c.label) for c in choices if c.excluded_from_percent],
            weighted=design.is_weighted,
            unit_label=str(question.unit_label or ""),
            weighting=weighting_note(design),
        )
        for domain in domains.T
    ]
    if categories is not None:
        chosen = np.array([[v in c.members for c in categories] for v in values], dtype=bool).reshape(n, len(choices))
        blocks = [_blocks(design, domains, answered, chosen, choices, shown, question.kind, "", "")]
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = np.array([[_chose(v, c.code) for c in choices] for v in values], dtype=bool).reshape(n, len(choices))
        blocks = [_blocks(design, domains, answered, chosen, choices, shown, question.kind, "", "")]
    elif question.kind in (QuestionKind.SCALE, QuestionKind.GRID):
        blocks = []
        for item in question.items.all():
            given = [v.get(item.code) if isinstance(v, dict) else None for v in values]
            chosen = np.array([[g == c.code for c in choices] for g in given], dtype=bool).reshape(n, len(choices))
            item_answered = answered & chosen.any(axis=1)
            blocks.append(
                _blocks(
                    design, domains, item_answered, chosen, choices, shown, question.kind, item.code, str(item.label)
                )
            )
    else:
        blocks = []
    for position, result in enumerate(results):
        result.blocks = [per_domain[position] for per_domain in blocks]
        result.n = max((block.n or 0 for block in result.blocks), default=0)
    if question.kind == QuestionKind.NUMBER:
        _numbers(results, design, domains, values, answered)
    elif question.kind == QuestionKind.TEXT:
        for result, domain in zip(results, domains.T, strict=True):
            result.texts = [str(v) for v, a in zip(values, answered & domain, strict=True) if a]
            result.n = len(result.texts)
    if options.public:
        for result in results:
            _protect(result, data.round.answers_public)
            _settle(result)
    return results


def question_result(
    data: RoundData, question: Question, options: Options, *, domain: np.ndarray | None = None
) -> QuestionResult:
    """The question's result among everyone who passes the options' filters (or in `domain`)."""
    if domain is None:
        domain = filtered(data, options)
    return question_results(data, question, options, domain[:, None])[0]


def _chose(value: Any, code: str) -> bool:
    return value == code if isinstance(value, str) else isinstance(value, list) and code in value


def _blocks(
    design: weighting.Design,
    domains: np.ndarray,
    answered: np.ndarray,
    chosen: np.ndarray,
    choices: Sequence[Any],
    shown: Sequence[Any],
    kind: str,
    code: str,
    label: str,
) -> list[Block]:
    """One block per domain: the estimates of the options counted in percentages, counts of the others."""
    counted = np.array([not c.excluded_from_percent for c in choices], dtype=bool)
    # In the denominator: answered, with at least one option that counts in percentages.
    in_denominator = answered & chosen[:, counted].any(axis=1)
    if kind == QuestionKind.MULTIPLE:
        columns = coding.choices(chosen[:, counted], in_denominator)
    else:
        codes = np.where(in_denominator, chosen.argmax(axis=1), -1)
        columns = coding.indicators(codes, [i for i, c in enumerate(choices) if not c.excluded_from_percent])
    estimates = estimation.proportions(columns, design, domains)
    # Options left out of percentages are counted among all who answered.
    left_out = (chosen[:, ~counted].astype(float).T @ (domains & answered[:, None])).T
    answering = (domains & answered[:, None]).sum(axis=0)
    blocks = []
    for d in range(domains.shape[1]):
        n_eff = float(estimates.n_eff[d, 0]) if design.is_weighted and estimates.n[d, 0] else None
        rows = []
        shown_index = excluded_index = 0
        for choice in choices:
            if choice.excluded_from_percent:
                rows.append(Row(choice.code, str(choice.label), int(left_out[d, excluded_index]), excluded=True))
                excluded_index += 1
                continue
            j = shown_index
            shown_index += 1
            rows.append(
                Row(
                    code=choice.code,
                    label=str(choice.label),
                    count=int(np.rint(estimates.count[d, j])),
                    percent=_percent(estimates.estimate[d, j]),
                    ci_low=_percent(estimates.ci_low[d, j]),
                    ci_high=_percent(estimates.ci_high[d, j]),
                    se=_percent(estimates.se[d, j]),
                    n_eff=n_eff,
                    ci_method=_ci_method(design, estimates.estimate[d, j]),
                )
            )
        n = int(estimates.n[d, 0]) if shown else 0
        blocks.append(Block(code, label, n, rows, n_eff=n_eff, answered=int(answering[d])))
    return blocks


def _numbers(
    results: Sequence[QuestionResult],
    design: weighting.Design,
    domains: np.ndarray,
    values: Sequence[Any],
    answered: np.ndarray,
) -> None:
    numbers = np.array([float(v) if a else np.nan for v, a in zip(values, answered, strict=True)], dtype=float)
    estimates = estimation.means(numbers, design, domains)
    for d, result in enumerate(results):
        given = numbers[answered & domains[:, d]]
        n = int(estimates.n[d, 0])
        result.n = n
        result.number = NumberSummary(
            n=n,
            mean=_number_or_none(estimates.estimate[d, 0]),
            ci_low=_number_or_none(estimates.ci_low[d, 0]),
            ci_high=_number_or_none(estimates.ci_high[d, 0]),
            n_eff=float(estimates.n_eff[d, 0]) if design.is_weighted and n else None,
            minimum=float(given.min()) if n else None,
            maximum=float(given.max()) if n else None,
        )


def _ci_method(design: weighting.Design, estimate: float) -> str:
    if math.isnan(estimate):
        return ""
    if not design.is_weighted:
        return "wilson"
    return "korn-graubard" if estimate in (0.0, 1.0) else "logit"


def _percent(value: float) -> float | None:
    return None if math.isnan(value) else 100 * float(value) + 0.0  # + 0.0: never "-0.0"


def _number_or_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


# --- disclosure control ---------------------------------------------------------------------------------------


def _protect(result: QuestionResult, answers_public: bool) -> None:
    """The disclosure rules of a public output, on one result (see the module's docstring)."""
    for block in result.blocks:
        if not block.suppressed and (block.n or 0) < SUPPRESSION_THRESHOLD:
            _hide_block(block)
    number = result.number
    if number is not None:
        if not number.suppressed and (number.n or 0) < SUPPRESSION_THRESHOLD:
            _hide_number(number)
        elif not answers_public:
            number.minimum = number.maximum = None
    if not answers_public:
        result.texts = None


def _settle(result: QuestionResult) -> None:
    """What follows from hidden blocks: no N, and no "asked" and "answered" counts once nothing else is shown."""
    shown = [block.n for block in result.blocks if block.n is not None]
    if result.blocks:
        result.n = max(shown) if shown else None
    elif result.number is not None and result.number.suppressed:
        result.n = None
    if result.suppressed:
        result.asked_n = result.answered_n = None


def _hide_block(block: Block) -> None:
    block.suppressed = True
    block.n = None
    block.n_eff = None
    for row in block.rows:
        row.count = row.percent = row.ci_low = row.ci_high = row.se = row.n_eff = None
        row.ci_method = ""
        row.suppressed = True


def _hide_number(number: NumberSummary) -> None:
    number.mean = number.ci_low = number.ci_high = number.n_eff = number.minimum = number.maximum = None
    number.n = None
    number.suppressed = True


def _protect_table(groups: Sequence[Group], hidden: np.ndarray) -> None:
    """A breakdown's groups and the whole are one table: `disclosure.protect_table` says which groups to hide
    beside those of fewer than 5 respondents, block by block (`hidden`: groups hidden already, where a question
    this one follows is hidden)."""
    if not groups:
        return
    for position in range(len(groups[0].result.blocks)):
        blocks = [group.result.blocks[position] for group in groups]
        rows = blocks[0].rows
        hide = disclosure.protect_table(
            [[block.rows[j].count or 0 for block in blocks] for j in range(len(rows))],
            [block.answered for block in blocks],
            [block.n or 0 for block in blocks],
            [not row.excluded for row in rows],
            hidden=hidden,
            min_respondents=SUPPRESSION_THRESHOLD,
        )
        for block, hide_it in zip(blocks, hide, strict=True):
            if hide_it:
                _hide_block(block)
    numbers = [group.result.number for group in groups]
    if all(number is not None for number in numbers):
        sizes = [number.n or 0 for number in numbers if number is not None]
        hide = disclosure.protect_table(
            np.zeros((1, len(sizes))), sizes, sizes, [True], hidden=hidden, min_respondents=SUPPRESSION_THRESHOLD
        )
        for number, hide_it in zip(numbers, hide, strict=True):
            if hide_it and number is not None:
                _hide_number(number)


# --- breakdowns, comparisons, trends, whole rounds ------------------------------------------------------------


def breakdown(data: RoundData, question: Question, variable: Variable, options: Options) -> Breakdown:
    """The question in every group of the variable (groups without respondents left out); in a public output,
    with the groups and answers combined and hidden as disclosure control needs (see the module's docstring)."""
    base = filtered(data, options)
    if options.public:
        key = ("breakdown", question.code, variable.code, options.key())
        if key not in data._memo:
            data._memo[key] = _public_breakdown(data, question, variable, options, base)
        return copy.deepcopy(data._memo[key])  # type: ignore[no-any-return]
    members = [(code, label, _members(data, variable, code) & base) for code, label in variable.groups]
    members = [(code, label, m) for code, label, m in members if m.any()]
    if not members:
        return Breakdown(variable.code, variable.label, [])
    domains = np.column_stack([m for _code, _label, m in members])
    results = question_results(data, question, options, domains)
    groups = [Group(code, label, result, [code]) for (code, label, _m), result in zip(members, results, strict=True)]
    return Breakdown(variable.code, variable.label, groups)


def public_groups(data: RoundData, variable: Variable, base: np.ndarray) -> list[tuple[str, str, list[str]]]:
    """The variable's groups as a public output shows them, as (code, label, members): groups of fewer than 5
    respondents combined (`disclosure.collapse_small_groups`), the combined group last with its members' codes
    joined by "+"."""
    key = ("groups", variable.code, base.tobytes())
    if key not in data._memo:
        sizes = [int((_members(data, variable, code) & base).sum()) for code, _label in variable.groups]
        found = []
        for indices in disclosure.collapse_small_groups(sizes, min_respondents=SUPPRESSION_THRESHOLD):
            codes = [variable.groups[i][0] for i in indices]
            labels = [variable.groups[i][1] for i in indices]
            if len(indices) == 1:
                found.append((codes[0], labels[0], codes))
            else:
                label = _("%(groups)s (combined)") % {"groups": ", ".join(labels)}
                found.append(("+".join(codes), label, codes))
        data._memo[key] = found
    return data._memo[key]  # type: ignore[no-any-return]


def _conditions(data: RoundData, question: Question) -> list[tuple[str, frozenset[str]]]:
    """The routing a question follows: (question code, the answers that route to it)."""
    found = []
    for condition in (data.section_conditions.get(question.code), question.show_if):
        if condition and condition.get("question") in data.questions:
            found.append((condition["question"], frozenset(str(c) for c in condition.get("any_of", ()))))
    return found


def _public_breakdown(
    data: RoundData, question: Question, variable: Variable, options: Options, base: np.ndarray
) -> Breakdown:
    withheld = Breakdown(variable.code, variable.label, [], withheld=True)
    if variable.code == f"q:{question.code}":
        return withheld
    coded = public_groups(data, variable, base)
    if len(coded) < 2 and (not coded or len(coded[0][2]) > 1):  # one group of all the small ones: nothing to show
        return withheld
    found = variables(data)
    conditions = _conditions(data, question)
    # A routed question is asked of the respondents who gave certain answers: its groups' counts would tell those
    # answers' counts apart where the question it follows shows them combined.
    for parent_code, routed in conditions:
        parent = data.questions[parent_code]
        if (
            parent.kind == QuestionKind.SINGLE
            and variable.code.startswith("q:")
            and variable.code != f"q:{parent_code}"
        ):
            for _code, _label, members in public_groups(data, found[f"q:{parent_code}"], base):
                if set(members) & routed and not set(members) <= routed:
                    return withheld
    categories = None
    if question.kind == QuestionKind.SINGLE and variable.code.startswith("q:"):
        # The same table read the other way round (this question's groups, the other's answers) combines this
        # question's answers: so must this one. A combined answer counts in percentages if one of its answers does.
        excluded = {choice.code: choice.excluded_from_percent for choice in question.choices.all()}
        categories = [
            Category(code, label, all(excluded.get(m, True) for m in members), tuple(members))
            for code, label, members in public_groups(data, found[f"q:{question.code}"], base)
            if members != [""]
        ]
    domains = np.column_stack(
        [np.logical_or.reduce([_members(data, variable, m) for m in members]) & base for _c, _l, members in coded]
    )
    raw = Options(weighted=options.weighted, public=False, filters=options.filters)
    results = question_results(data, question, raw, domains, categories=categories)
    groups = [
        Group(code, label, result, members) for (code, label, members), result in zip(coded, results, strict=True)
    ]
    # Where a question this one follows is hidden, this one is hidden too: its answers would bound the other's.
    hidden = np.zeros(len(groups), dtype=bool)
    for parent_code, _routed in conditions:
        above = breakdown(data, data.questions[parent_code], variable, options)
        if above.withheld:
            return withheld
        hidden_in = {g.code for g in above.groups if g.result.suppressed}
        hidden |= np.array([group.code in hidden_in for group in groups])
    _protect_table(groups, hidden)
    for group in groups:
        _protect(group.result, data.round.answers_public)
        _settle(group.result)
        group.result.asked_n = group.result.answered_n = None
        if group.result.texts is None and not group.result.blocks and group.result.number is None:
            group.result.n = None
    return Breakdown(variable.code, variable.label, groups)


def compare(current: QuestionResult, previous: QuestionResult, previous_name: str) -> QuestionResult:
    """A copy of `current` with the other round's figures beside each row, matched by item and answer code, and
    the change in percentage points with its significance (`comparison.compare`: z test at 5 %, independent
    samples)."""
    result = replace(current, blocks=[replace(b, rows=[replace(r) for r in b.rows]) for b in current.blocks])
    result.compared_with = previous_name
    before = {(b.code, r.code): (b, r) for b in previous.blocks for r in b.rows}
    pairs: list[tuple[Row, Row]] = []
    for block in result.blocks:
        for row in block.rows:
            match = before.get((block.code, row.code))
            if match is None:
                continue
            old_block, old = match
            block.previous_n = None if old_block.suppressed else old_block.n
            row.previous = old.percent
            if None not in (row.percent, old.percent, row.se, old.se):
                pairs.append((old, row))
    if pairs:
        tested = comparison.compare(_as_estimates([o for o, _r in pairs]), _as_estimates([r for _o, r in pairs]))
        for index, (_old, row) in enumerate(pairs):
            row.change = float(tested.percentage_points[0, index]) + 0.0  # + 0.0: never "-0.0"
            row.significant = bool(tested.significant[0, index])
    return result


def _as_estimates(rows: Sequence[Row]) -> estimation.Estimates:
    """Rows as a one-domain Estimates (proportions 0–1), which is what comparison.compare takes."""

    def column(values: Iterable[float | None], scale: float = 0.01) -> np.ndarray:
        return np.array([[np.nan if v is None else v * scale for v in values]], dtype=float)

    estimate = column(r.percent for r in rows)
    return estimation.Estimates(
        estimate=estimate,
        se=column(r.se for r in rows),
        ci_low=column(r.ci_low for r in rows),
        ci_high=column(r.ci_high for r in rows),
        n=np.zeros(estimate.shape, dtype=np.intp),
        count=column((r.count for r in rows), 1.0),
        weighted_total=np.full(estimate.shape, np.nan),
        n_eff=column((r.n_eff for r in rows), 1.0),
        confidence=0.95,
    )


def round_results(data: RoundData, options: Options) -> list[SectionResults]:
    """Every question of the round, by section."""
    domain = filtered(data, options)
    return [
        SectionResults(
            code=section.code,
            title=str(section.title),
            questions=[question_result(data, q, options, domain=domain) for q in section.questions.all()],
        )
        for section in data.sections
    ]


def region_values(split: Breakdown, choice: str, item: str = "") -> dict[str, tuple[int | None, float | None]]:
    """From a breakdown by region: region code → (respondents, % who gave the answer `choice`, None if hidden).
    Regions combined with others for disclosure control have neither on their own."""
    values: dict[str, tuple[int | None, float | None]] = {}
    for group in split.groups:
        if len(group.members) > 1:
            values.update({member: (None, None) for member in group.members})
            continue
        for block in group.result.blocks:
            if block.code != item:
                continue
            row = next((r for r in block.rows if r.code == choice), None)
            values[group.code] = (block.n, None if row is None or block.suppressed else row.percent)
    return values


# --- cached entry points ----------------------------------------------------------------------------------------


def _cache_key(round_: Round, *parts: object) -> str:
    raw = "|".join(str(p) for p in (round_.pk, get_language(), answers_changed(round_), *parts))
    return "barometer:analysis:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached(round_: Round, name: str, compute: Callable[[], Any], *parts: object) -> Any:
    """`compute()`, cached per round state (the round, its version, the last change of an answer or response),
    language and `parts`: a round report reads its answers once while nothing changes."""
    key = _cache_key(round_, name, *parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def cached_round_results(round_: Round, options: Options) -> list[SectionResults]:
    return cached(round_, "round", lambda: round_results(round_data(round_), options), options.key())  # type: ignore[no-any-return]
