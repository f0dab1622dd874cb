"""The analysis of a round, checked against an independent recount.

Unweighted counts, denominators and percentages are recounted here with plain loops over the stored answers, and
the Wilson interval with its textbook formula. Weighted figures are checked against samplics (the independent
implementation the statistics module is tested with), fed with post-stratification weights N_c / n_c computed
here by counting the frame and the respondents of every cell.
"""

import datetime
import math
import warnings
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from django.utils import timezone, translation

from barometer.models import FrameUnit, Question, Response, Round
from barometer.results import analysis
from barometer.results.analysis import Options
from barometer.tests.test_analysis_support import (
    FRAME_PER_STRATUM,
    STRATA,
    analysed_round,
    previous_round,
    round_with_random_answers,
    submit,
)
from barometer.vocabulary import ResponseStatus, Unit

pytestmark = pytest.mark.django_db
__all__ = ["analysed_round", "previous_round"]  # fixtures used by name

Z = 1.959963984540054
TEAM = Options(public=False)


# --- an independent recount -----------------------------------------------------------------------------------


def respondents(round_: Round) -> list[tuple[tuple[str, str, str], dict[str, Any]]]:
    """(strata, answers) of every respondent of the analysis: per organisation its latest submitted response."""
    latest: dict[int, Response] = {}
    for response in Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).select_related("frame_unit"):
        kept = latest.get(response.frame_unit_id)
        if kept is None or (response.submitted_at, response.pk) > (kept.submitted_at, kept.pk):
            latest[response.frame_unit_id] = response
    rows = []
    for response in latest.values():
        unit = response.frame_unit
        answers = {a.question.code: a.value for a in response.answers.select_related("question")}
        rows.append(((unit.kind, unit.size_class, unit.region_code), answers))
    return rows


def wilson(count: int, n: int) -> tuple[float, float]:
    p = count / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def row(result: analysis.QuestionResult, code: str, item: str = "") -> analysis.Row:
    block = next(b for b in result.blocks if b.code == item)
    return next(r for r in block.rows if r.code == code)


def result_of(round_: Round, code: str, options: Options = TEAM) -> analysis.QuestionResult:
    data = analysis.round_data(round_)
    return analysis.question_result(data, data.questions[code], options)


# --- unweighted -----------------------------------------------------------------------------------------------


def test_single_choice_leaves_dont_know_out_of_the_denominator(analysed_round: Round) -> None:
    people = respondents(analysed_round)
    given = [answers["introduced"] for _s, answers in people if "introduced" in answers]
    n = sum(1 for value in given if value in ("yes", "no"))
    result = result_of(analysed_round, "introduced")
    assert result.n == n
    assert result.answered_n == len(given)
    assert result.hidden == ["dont_know"]
    assert not result.multiple
    assert not result.weighted
    for code in ("yes", "no"):
        count = given.count(code)
        figures = row(result, code)
        assert figures.count == count
        assert figures.percent == pytest.approx(100 * count / n, abs=1e-9)
        low, high = wilson(count, n)
        assert (figures.ci_low, figures.ci_high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    dont_know = row(result, "dont_know")
    assert dont_know.excluded
    assert dont_know.percent is None
    assert dont_know.count == given.count("dont_know") > 0
    assert sum(r.percent or 0 for r in result.blocks[0].rows) == pytest.approx(100)


def test_multiple_choice_is_asked_by_routing_and_sums_to_more_than_100(analysed_round: Round) -> None:
    people = respondents(analysed_round)
    asked = [answers for _s, answers in people if answers.get("introduced") == "yes"]
    answered = [answers["types"] for answers in asked if answers.get("types")]
    denominator = [chosen for chosen in answered if set(chosen) - {"dont_know"}]
    result = result_of(analysed_round, "types")
    assert result.multiple
    assert (result.asked_n, result.answered_n, result.n) == (len(asked), len(answered), len(denominator))
    assert "introduced" in result.asked
    assert "yes" in result.asked
    for code in ("service", "process"):
        count = sum(code in chosen for chosen in denominator)
        assert row(result, code).count == count
        assert row(result, code).percent == pytest.approx(100 * count / len(denominator), abs=1e-9)
    assert row(result, "dont_know").count == sum("dont_know" in chosen for chosen in answered)
    assert sum(r.percent or 0 for r in result.blocks[0].rows) > 100


def test_scale_is_a_stacked_distribution_per_item(analysed_round: Round) -> None:
    people = respondents(analysed_round)
    result = result_of(analysed_round, "enablers")
    assert [block.code for block in result.blocks] == ["technology", "competence"]
    for block in result.blocks:
        given = [answers["enablers"].get(block.code) for _s, answers in people if "enablers" in answers]
        counted = [value for value in given if value not in (None, "dont_know")]
        assert block.n == len(counted)
        for figures in block.shown_rows:
            assert figures.count == counted.count(figures.code)
            assert figures.percent == pytest.approx(100 * counted.count(figures.code) / len(counted), abs=1e-9)
        assert sum(r.percent or 0 for r in block.shown_rows) == pytest.approx(100)
        assert block.hidden_rows[0].count == given.count("dont_know")
    assert result.n == max(block.n or 0 for block in result.blocks)


def test_number_mean_and_free_text(analysed_round: Round) -> None:
    people = respondents(analysed_round)
    staff = [answers["staff"] for _s, answers in people if "staff" in answers]
    number = result_of(analysed_round, "staff").number
    assert number is not None
    assert number.n == len(staff)
    assert number.mean == pytest.approx(sum(staff) / len(staff), abs=1e-9)
    assert number.ci_low is not None
    assert number.ci_high is not None
    assert number.mean is not None
    assert number.ci_low < number.mean < number.ci_high
    assert (number.minimum, number.maximum) == (min(staff), max(staff))
    texts = result_of(analysed_round, "comments").texts
    assert sorted(texts or []) == sorted(answers["comments"] for _s, answers in people if "comments" in answers)


def test_filters_restrict_every_figure(analysed_round: Round) -> None:
    people = [answers for strata, answers in respondents(analysed_round) if strata[2] == "01"]
    given = [answers.get("introduced") for answers in people]
    n = sum(value in ("yes", "no") for value in given)
    result = result_of(analysed_round, "introduced", Options(public=False, filters=(("region", "01"),)))
    assert result.n == n
    assert row(result, "yes").count == given.count("yes")


# --- the unit of analysis ---------------------------------------------------------------------------------------


def test_an_organisations_latest_submitted_response_stands_for_it(analysed_round: Round) -> None:
    before = result_of(analysed_round, "introduced")
    answered = Response.objects.filter(round=analysed_round).values_list("frame_unit_id", flat=True)
    unit = FrameUnit.objects.filter(round=analysed_round).exclude(pk__in=answered).first()
    assert unit is not None
    questions = {q.code: q for q in Question.objects.filter(version=analysed_round.questionnaire_version)}
    now = timezone.now()
    submit(analysed_round, unit, questions, {"introduced": "no"}, when=now - datetime.timedelta(days=1))
    submit(analysed_round, unit, questions, {"introduced": "yes"}, when=now)
    submit(analysed_round, unit, questions, {"introduced": "no"}, status=ResponseStatus.IN_PROGRESS)
    after = result_of(analysed_round, "introduced")
    assert after.n == (before.n or 0) + 1
    assert row(after, "yes").count == (row(before, "yes").count or 0) + 1
    assert row(after, "no").count == row(before, "no").count

    analysed_round.unit = Unit.RESPONDENT
    analysed_round.save(update_fields=["unit"])
    every_answer = result_of(analysed_round, "introduced")
    assert every_answer.n == (before.n or 0) + 2  # both submitted responses count; the one in progress does not
    assert row(every_answer, "no").count == (row(before, "no").count or 0) + 1


# --- weighted -------------------------------------------------------------------------------------------------


def _samplics(y: np.ndarray, weights: np.ndarray, strata: np.ndarray, fpc: dict[int, float]) -> tuple[float, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    domain = np.isfinite(y).astype(np.int64)
    estimator = TaylorEstimator(PopParam.prop)
    estimator.estimate(y=np.nan_to_num(y), samp_weight=weights, stratum=strata, domain=domain, fpc=fpc)
    figures: list[Any] = [estimator.point_est, estimator.stderror, estimator.lower_ci, estimator.upper_ci]
    return tuple(100 * float(f[1][1.0]) for f in figures)


def test_weighted_figures_agree_with_samplics_on_post_stratified_weights(analysed_round: Round) -> None:
    people = respondents(analysed_round)
    frame: dict[tuple[str, str, str], int] = defaultdict(int)
    for unit in FrameUnit.objects.filter(round=analysed_round):
        frame[(unit.kind, unit.size_class, unit.region_code)] += 1
    sample: dict[tuple[str, str, str], int] = defaultdict(int)
    for strata, _answers in people:
        sample[strata] += 1
    cells = sorted(frame)
    weights = np.array([frame[s] / sample[s] for s, _a in people])
    strata_codes = np.array([cells.index(s) for s, _a in people])
    fpc = {cells.index(cell): 1 - sample[cell] / frame[cell] for cell in cells}

    result = result_of(analysed_round, "introduced", Options(weighted=True, public=False))
    assert result.weighted
    counted = np.array([a.get("introduced") in ("yes", "no") for _s, a in people])
    for code in ("yes", "no"):
        y = np.array(
            [float(a.get("introduced") == code) if c else np.nan for (_s, a), c in zip(people, counted, strict=True)]
        )
        estimate, se, low, high = _samplics(y, weights, strata_codes, fpc)
        figures = row(result, code)
        assert figures.percent == pytest.approx(estimate, abs=1e-9)
        assert figures.se == pytest.approx(se, abs=1e-9)
        assert (figures.ci_low, figures.ci_high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
        w = weights[counted]
        assert figures.n_eff == pytest.approx(w.sum() ** 2 / (w**2).sum(), abs=1e-9)
        assert figures.count == sum(a.get("introduced") == code for _s, a in people)


def test_weighting_is_refused_with_a_reason(analysed_round: Round, small_version: Any, org_a: Any) -> None:
    sparse = round_with_random_answers(
        small_version, org_a, slug="sparse", year=2020, strata=[(STRATA[0][0], 6), (STRATA[1][0], 0)], seed=3
    )
    data = analysis.round_data(sparse)
    # A cell of the frame without respondents is weighted together with its neighbour, not refused.
    assert data.weighting_problem() == ""
    assert data.design(True).collapsed
    with translation.override("en"):
        note = analysis.question_result(data, data.questions["introduced"], Options(weighted=True)).weighting
    assert "post-stratification" in note
    assert "2 cells with fewer than 5 respondents" in note

    analysed_round.unit = Unit.RESPONDENT
    analysed_round.save(update_fields=["unit"])
    with translation.override("en"):
        assert "unit of analysis" in analysis.round_data(analysed_round).weighting_problem()


def test_sparse_cells_are_collapsed_with_a_neighbour_not_raked(small_version: Any, org_a: Any) -> None:
    strata = [(("municipality", "lt5k", "01"), 3), (("municipality", "lt5k", "02"), 8)]
    strata += [(("joint_authority", "lt5k", "01"), 8), (("joint_authority", "lt5k", "02"), 6)]
    collapsed = round_with_random_answers(small_version, org_a, slug="collapsed", year=2021, strata=strata, seed=5)
    data = analysis.round_data(collapsed)
    design = data.design(True)
    assert design.method == "post-stratification"
    assert len(design.collapsed) == 2  # municipalities of regions 01 and 02, weighted together
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for respondent, weight in zip(data.respondents, design.weights, strict=True):
        totals[respondent.strata["kind"], respondent.strata["region"]] += weight
    # The joint authorities' cells keep their own weights (10 organisations each); the municipalities' two cells
    # stand for their 20 together, each respondent with the same weight.
    assert totals["joint_authority", "01"] == pytest.approx(FRAME_PER_STRATUM)
    assert totals["joint_authority", "02"] == pytest.approx(FRAME_PER_STRATUM)
    assert totals["municipality", "01"] + totals["municipality", "02"] == pytest.approx(2 * FRAME_PER_STRATUM)
    assert totals["municipality", "01"] == pytest.approx(2 * FRAME_PER_STRATUM * 3 / 11)


# --- breakdowns and disclosure control --------------------------------------------------------------------------


def test_breakdown_groups_add_up_to_the_whole(analysed_round: Round) -> None:
    data = analysis.round_data(analysed_round)
    question = data.questions["types"]
    whole = analysis.question_result(data, question, TEAM)
    split = analysis.breakdown(data, question, analysis.variables(data)["kind"], TEAM)
    assert [group.code for group in split.groups] == ["municipality", "joint_authority"]
    assert sum(group.result.n or 0 for group in split.groups) == whole.n
    for code in ("service", "process", "dont_know"):
        assert sum(row(group.result, code).count or 0 for group in split.groups) == row(whole, code).count


def test_public_outputs_suppress_small_groups_and_the_group_that_would_reveal_them(
    small_version: Any, org_a: Any
) -> None:
    strata = [(("municipality", "lt5k", "01"), 9), (("municipality", "lt5k", "02"), 6)]
    strata += [(("municipality", "lt5k", "03"), 7), (("municipality", "lt5k", "04"), 3)]
    round_ = round_with_random_answers(small_version, org_a, slug="small-groups", year=2021, strata=strata, seed=9)
    data = analysis.round_data(round_)
    question = data.questions["introduced"]
    region = analysis.variables(data)["region"]

    team = analysis.breakdown(data, question, region, TEAM)
    assert not any(group.result.suppressed for group in team.groups)

    split = analysis.breakdown(data, question, region, Options())
    public = {g.code: g for g in split.groups}
    sizes = {code: result.blocks[0].n for code, result in team_sizes(team).items()}
    small = [code for code, n in sizes.items() if n is not None and n < 5]
    assert small == ["04"]
    # "04" is under 5: it is combined with the next smallest group, or it would be the whole minus the others.
    next_smallest = min((code for code in sizes if code != "04"), key=lambda code: sizes[code] or 0)
    combined = next(group for group in split.groups if len(group.members) > 1)
    assert sorted(combined.members) == sorted(["04", next_smallest])
    assert combined.code == "+".join(combined.members)
    assert combined.result.blocks[0].n == (sizes["04"] or 0) + (sizes[next_smallest] or 0)
    assert "04" not in public
    assert not any(group.result.suppressed for group in split.groups)
    assert all(group.result.asked_n is None and group.result.answered_n is None for group in split.groups)


def team_sizes(split: analysis.Breakdown) -> dict[str, analysis.QuestionResult]:
    return {group.code: group.result for group in split.groups}


def test_nothing_traceable_to_an_organisation_unless_the_answers_are_public(analysed_round: Round) -> None:
    public = result_of(analysed_round, "comments", Options())
    assert public.texts is None
    staff = result_of(analysed_round, "staff", Options()).number
    assert staff is not None
    assert staff.mean is not None
    assert staff.minimum is None
    assert staff.maximum is None

    analysed_round.answers_public = True
    analysed_round.save(update_fields=["answers_public"])
    assert result_of(analysed_round, "comments", Options()).texts
    staff = result_of(analysed_round, "staff", Options()).number
    assert staff is not None
    assert staff.minimum is not None


def test_a_question_with_fewer_than_five_in_its_denominator_is_suppressed(small_version: Any, org_a: Any) -> None:
    round_ = round_with_random_answers(small_version, org_a, slug="tiny", year=2021, strata=[(STRATA[0][0], 4)], seed=4)
    public = result_of(round_, "introduced", Options())
    assert public.suppressed
    assert all(r.percent is None and r.count is None for r in public.blocks[0].rows)
    assert not result_of(round_, "introduced", TEAM).suppressed


# --- comparison of rounds ---------------------------------------------------------------------------------------


def test_comparison_gives_the_change_in_points_and_its_significance(
    analysed_round: Round, previous_round: Round
) -> None:
    now = result_of(analysed_round, "introduced")
    before = result_of(previous_round, "introduced")
    compared = analysis.compare(now, before, "2018")
    assert compared.compared_with == "2018"
    assert compared.blocks[0].previous_n == before.n
    for code in ("yes", "no"):
        new, old = row(now, code), row(before, code)
        figures = row(compared, code)
        assert new.percent is not None
        assert old.percent is not None
        assert new.se
        assert old.se
        assert figures.previous == pytest.approx(old.percent)
        assert figures.change == pytest.approx(new.percent - old.percent)
        assert figures.significant == (abs(new.percent - old.percent) / math.hypot(new.se, old.se) > Z)
    # The original result is untouched.
    assert row(now, "yes").previous is None
    assert row(compared, "dont_know").change is None
