"""REST API v1 for the barometer's results: a round's figures by question, broken down, filtered and compared, with
the pages' disclosure control.
"""

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema
from pydantic import StringConstraints

from accounts.api_auth import AUTH_OPTIONAL, OPTIONAL_SECURITY, actor
from barometer import selectors
from barometer.models import Question, Round
from barometer.results import analysis
from barometer.results.selectors import round_data
from barometer.rounds.api import RoundRef, RoundSlug
from barometer.vocabulary import QuestionKind

# An example from the synthetic demo data (`make demo`), the round the demo round compares with.
DEMO_EARLIER_ROUND = "innovaatiobarometri-2018-kuntasektori-synteettinen"
QuestionCode = PathEx[str, P(pattern=r"^[A-Za-z0-9_]+$", max_length=32, example="q_established")]


class RowOut(Schema):
    """One answer option's figures. Percentages and intervals are in percent (0–100): None when suppressed and,
    for answers left out of percentages ("don't know"), always."""

    code: str
    label: str
    count: int | None = Field(..., description="Respondents who gave this answer (unweighted).")
    percent: float | None
    ci_low: float | None = Field(..., description="95 % confidence interval, by the method `ci_method`.")
    ci_high: float | None
    ci_method: str = Field(
        ...,
        description="`wilson` (unweighted: Wilson score), `logit` (weighted: logit interval from the design-based "
        "standard error), `korn-graubard` (weighted, at 0 % and 100 %: Clopper–Pearson on Korn and Graubard's "
        "effective sample size); empty when suppressed.",
    )
    se: float | None = Field(..., description="Standard error of the percentage, in percentage points.")
    n_eff: float | None = Field(..., description="Kish effective sample size of the denominator (weighted).")
    excluded: bool = Field(..., description="Left out of percentages.")
    suppressed: bool = Field(
        ...,
        description="Hidden by disclosure control: fewer than 5 respondents, or hidden with such a figure so that "
        "it cannot be worked out from the others.",
    )
    previous: float | None = Field(..., description="The compared round's percentage.")
    change: float | None = Field(..., description="Change in percentage points since the compared round.")
    significant: bool | None = Field(..., description="Whether the change is significant at the 5 % level.")


class BlockOut(Schema):
    """Rows that share a denominator: a question's answers, or one item (row) of a scale or grid."""

    code: str = Field(..., description="The item's code; empty for a question without items.")
    label: str
    n: int | None = Field(
        ..., description="The denominator: respondents (unweighted) in the percentages; null when suppressed."
    )
    n_eff: float | None
    suppressed: bool
    previous_n: int | None = Field(..., description="The compared round's denominator.")
    rows: list[RowOut]


class NumberOut(Schema):
    n: int | None = Field(..., description="Respondents; null when suppressed.")
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None
    minimum: float | None = Field(..., description="Shown when the round's answers are public, or to its team.")
    maximum: float | None
    suppressed: bool


class QuestionResultBase(Schema):
    code: str
    text: str
    kind: QuestionKind
    section: str
    asked: str = Field(..., description="Who was asked, in words.")
    asked_n: int | None = Field(
        ..., description="Respondents who were asked; null in a breakdown's groups and when the result is suppressed."
    )
    answered_n: int | None = Field(..., description="Of them, those who answered; null as `asked_n`.")
    multiple: bool = Field(..., description="Several answers allowed: the percentages sum to more than 100.")
    hidden: list[str] = Field(..., description="Labels of the answers left out of percentages.")
    weighted: bool
    weighting: str = Field(..., description="How the figures are weighted, in words.")
    n: int | None = Field(
        ..., description="The denominator (scales and grids: the largest of their items'); null when suppressed."
    )
    unit_label: str
    suppressed: bool
    compared_with: str = Field(..., description="The name of the round compared with, if any.")
    blocks: list[BlockOut] = Field(..., description="Choice questions: one block, or one per item (scale, grid).")
    number: NumberOut | None = Field(..., description="Number questions.")
    texts: list[str] | None = Field(
        ..., description="Free-text answers: only when the round's answers are public, or for its team."
    )


class GroupOut(Schema):
    code: str = Field(
        ..., description="The group's code; empty for “not known” or “no answer”; codes joined by + when combined."
    )
    label: str
    members: list[str] = Field(
        ..., description="The variable's groups in this one: several when groups of fewer than 5 are combined."
    )
    result: QuestionResultBase


class BreakdownOut(Schema):
    variable: str
    label: str
    withheld: bool = Field(
        ..., description="Not shown: it would tell what groups of fewer than 5 respondents answered."
    )
    groups: list[GroupOut] = Field(
        ..., description="Groups with respondents, groups of fewer than 5 combined, protected together."
    )


class QuestionResultOut(QuestionResultBase):
    breakdown: BreakdownOut | None = Field(..., description="The result in every group of `breakdown`.")


class SectionResultsOut(Schema):
    code: str
    title: str
    questions: list[QuestionResultOut]


class VariableGroupOut(Schema):
    code: str
    label: str


class VariableOut(Schema):
    code: str = Field(..., description="A stratum of the frame (kind, size_class, region) or `q:<question code>`.")
    label: str
    groups: list[VariableGroupOut]

    @staticmethod
    def resolve_groups(obj: analysis.Variable) -> list[dict[str, str]]:
        return [{"code": code, "label": label} for code, label in obj.groups]


class VariableList(Schema):
    count: int
    items: list[VariableOut]


class ResultsMeta(Schema):
    round: RoundRef
    is_synthetic: bool = Field(..., description="Made-up demo data: not real survey results.")
    weighted: bool
    weighting: str = Field(..., description="How the figures are weighted (method, and to which cells), in words.")
    intervals: str = Field(..., description="Which confidence intervals the figures have, in words.")
    disclosure_control: bool = Field(
        ..., description="Figures resting on fewer than `suppression_threshold` respondents are hidden."
    )
    suppression_threshold: int
    compared_with: RoundRef | None
    breakdown: str
    filters: list[str]


class RoundResultsOut(ResultsMeta):
    sections: list[SectionResultsOut]


class QuestionResultsOut(ResultsMeta):
    question: QuestionResultOut


VARIABLE_PATTERN = r"kind|size_class|region|q:[A-Za-z][A-Za-z0-9_]*"
Filter = Annotated[str, StringConstraints(max_length=80, pattern=rf"^({VARIABLE_PATTERN})=[-A-Za-z0-9_+]*$")]


class ResultsQuery(Schema):
    weighted: bool = Field(False, description="Weighted to the sampling frame's strata (kind × size class × region).")
    breakdown: str = Field(
        "",
        max_length=40,
        pattern=rf"^({VARIABLE_PATTERN})?$",
        description="A variable to break each result down by (see …/variables).",
        json_schema_extra={"example": "region"},
    )
    compare: str = Field(
        "",
        max_length=64,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="The slug of another round to compare with.",
        json_schema_extra={"example": DEMO_EARLIER_ROUND},
    )
    filter: list[Filter] = Field(
        default_factory=list,
        description="`<variable>=<group code>`, repeatable (all must hold). Public results of a round whose answers "
        "are not public cannot be filtered: two filtered results could be subtracted to single out organisations.",
    )
    public: bool = Field(False, description="For the round's team: the public view, with disclosure control.")


router = Router()


def _results_round(request: HttpRequest, slug: str) -> Round:
    """The round if this person may see its results (`barometer.view_results`); 404 otherwise."""
    user = actor(request)
    rounds = selectors.rounds_visible(user).select_related("questionnaire_version", "previous_round")
    round_ = selectors.results_round(user=user, slug=slug, rounds=rounds)
    if round_ is None:
        raise Round.DoesNotExist
    return round_


@dataclass
class _Analysis:
    """A results request checked against the round: what to analyse, how, and what to compare with."""

    data: analysis.RoundData
    options: analysis.Options
    breakdown: analysis.Variable | None
    previous: analysis.RoundData | None = None
    previous_options: analysis.Options | None = None


def _filters(data: analysis.RoundData, raw: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(variable, group) pairs, and the problems of those that do not exist in the round."""
    found = analysis.variables(data)
    filters, problems = [], []
    for text in raw:
        name, _sep, value = text.partition("=")
        variable = found.get(name)
        if variable is None:
            problems.append(_("There is no variable “%(value)s” in this round.") % {"value": name})
        elif value not in {code for code, _label in variable.groups}:
            problems.append(_("“%(variable)s” has no group “%(value)s”.") % {"variable": name, "value": value})
        else:
            filters.append((name, value))
    return filters, problems


def _analysis(request: HttpRequest, slug: str, query: ResultsQuery) -> _Analysis:
    """Checks every parameter against the round; all problems at once, each under its parameter's name."""
    user = actor(request)
    round_ = _results_round(request, slug)
    public = selectors.sees_public_results(user=user, round=round_, preview=query.public)
    data = round_data(round_)
    errors: dict[str, list[str]] = {}
    filters, problems = _filters(data, query.filter)
    if query.filter and public and not round_.answers_public:
        problems.append(
            _(
                "Public results of this round cannot be filtered: two filtered results could be subtracted to single "
                "out organisations. Break the results down instead."
            )
        )
    if problems:
        errors["filter"] = problems
    if query.weighted and (problem := data.weighting_problem()):
        errors["weighted"] = [problem]
    breakdown = analysis.variables(data).get(query.breakdown) if query.breakdown else None
    if query.breakdown and breakdown is None:
        errors["breakdown"] = [_("There is no variable “%(value)s” in this round.") % {"value": query.breakdown}]
    result = _Analysis(data, analysis.Options(query.weighted, public, tuple(filters)), breakdown)
    if query.compare:
        other = selectors.rounds_visible(user).filter(slug=query.compare).exclude(pk=round_.pk).first()
        if other is None or not selectors.may_compare_with(user=user, round=other):
            errors["compare"] = [_("There is no other round “%(value)s” to compare with.") % {"value": query.compare}]
        else:
            # The other round's own disclosure rules: its team's view only for its team.
            other_public = selectors.sees_public_results(user=user, round=other, preview=public)
            result.previous = round_data(other)
            other_filters, other_problems = _filters(result.previous, query.filter)
            if query.weighted and (problem := result.previous.weighting_problem()):
                other_problems.append(problem)
            if other_problems:
                errors["compare"] = other_problems
            result.previous_options = analysis.Options(query.weighted, other_public, tuple(other_filters))
    if errors:
        raise ValidationError(errors)
    return result


def _question(req: _Analysis, question: Question) -> dict[str, Any]:
    """One question's result with its breakdown and its comparison, as the API shows it."""
    result = analysis.question_result(req.data, question, req.options)
    split = analysis.breakdown(req.data, question, req.breakdown, req.options) if req.breakdown else None
    before = req.previous.questions.get(question.code) if req.previous else None
    if req.previous is not None and req.previous_options is not None and before is not None:
        name = str(req.previous.round.name)
        result = analysis.compare(result, analysis.question_result(req.previous, before, req.previous_options), name)
        variable = analysis.variables(req.previous).get(split.variable) if split else None
        if split is not None and variable is not None:
            earlier = analysis.breakdown(req.previous, before, variable, req.previous_options)
            by_code = {group.code: group.result for group in earlier.groups}
            for group in split.groups:
                if group.code in by_code:
                    group.result = analysis.compare(group.result, by_code[group.code], name)
    out = dataclasses.asdict(result)
    out["suppressed"] = result.suppressed
    out["breakdown"] = split
    return out


def _meta(req: _Analysis) -> dict[str, Any]:
    return {
        "round": req.data.round,
        "is_synthetic": req.data.round.is_synthetic,
        "weighted": req.options.weighted,
        "weighting": analysis.weighting_note(req.data.design(req.options.weighted)),
        "intervals": analysis.interval_note(req.options.weighted),
        "disclosure_control": req.options.public,
        "suppression_threshold": analysis.SUPPRESSION_THRESHOLD,
        "compared_with": req.previous.round if req.previous else None,
        "breakdown": req.breakdown.code if req.breakdown else "",
        "filters": [f"{name}={value}" for name, value in req.options.filters],
    }


@router.get(
    "/rounds/{slug}/results",
    response=RoundResultsOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Results of a survey round",
)
def round_results(request: HttpRequest, slug: RoundSlug, query: Query[ResultsQuery]) -> Any:
    """Every question by section: counts and "% of respondents" with 95 % confidence intervals, weighted or not;
    scales and grids item by item. Public results hide figures resting on fewer than 5 respondents and every
    answer of a single respondent (free texts, smallest and largest numbers) unless the round's answers are
    public."""
    req = _analysis(request, slug, query)
    sections = [
        {
            "code": section.code,
            "title": str(section.title),
            "questions": [_question(req, question) for question in section.questions.all()],
        }
        for section in req.data.sections
    ]
    return {**_meta(req), "sections": sections}


@router.get(
    "/rounds/{slug}/results/{question_code}",
    response=QuestionResultsOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Results of one question",
)
def round_question_results(
    request: HttpRequest, slug: RoundSlug, question_code: QuestionCode, query: Query[ResultsQuery]
) -> Any:
    """One question's result, optionally broken down by a variable and compared with another round (questions,
    items and answers matched by code: the change in percentage points and whether it is significant)."""
    req = _analysis(request, slug, query)
    question = req.data.questions.get(question_code)
    if question is None:
        raise Question.DoesNotExist
    return {**_meta(req), "question": _question(req, question)}


@router.get(
    "/rounds/{slug}/variables",
    response=VariableList,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Variables to break results down by",
)
def round_variables(request: HttpRequest, slug: RoundSlug) -> Any:
    """The frame's strata (organisation kind, size class, region) and the single-choice questions, with their
    groups: the values of `breakdown` and `filter`."""
    found = list(analysis.variables(round_data(_results_round(request, slug))).values())
    return {"count": len(found), "items": found}
