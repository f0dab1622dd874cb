"""The source choice model (diffusion.maths.source_choice): known weights recovered from simulated choices, the fit
equal to statsmodels' ConditionalLogit, the ridge when a feature separates the choices, the choice sets and the
ranking of unrecorded.ranked_sources by hand."""

import math

import numpy as np
import pytest
from statsmodels.discrete.conditional_models import ConditionalLogit

from diffusion.maths.inference import transmission_log_density
from diffusion.maths.source_choice import (
    FEATURES,
    ChoiceError,
    candidate_features,
    choice_sets,
    fit_conditional_logit,
    probabilities,
)
from diffusion.maths.unrecorded import Joined, Record, ranked_sources, recorded_choices

TRUE = np.array([-0.8, 1.5, 0.7])


def simulate(seed: int, n: int) -> tuple[list[np.ndarray], list[int]]:
    rng = np.random.default_rng(seed)
    sets, chosen = [], []
    for _ in range(n):
        size = int(rng.integers(2, 9))
        x = np.column_stack([rng.exponential(2.0, size), rng.random(size) < 0.2, rng.random(size) < 0.4]).astype(float)
        sets.append(x)
        chosen.append(int(rng.choice(size, p=probabilities(x, TRUE))))
    return sets, chosen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovers_known_weights_from_simulated_choices(seed: int) -> None:
    sets, chosen = simulate(seed, 3000)
    fit = fit_conditional_logit(sets, chosen, ridge=0.0)
    assert np.all(np.abs(fit.weights - TRUE) < 4 * fit.standard_errors)
    assert np.all(np.abs(fit.weights - TRUE) < 0.2)
    assert fit.log_likelihood > fit.null_log_likelihood
    assert fit.n == 3000


def test_equals_statsmodels_conditional_logit() -> None:
    sets, chosen = simulate(4, 800)
    fit = fit_conditional_logit(sets, chosen, ridge=0.0)
    endog = np.concatenate([np.arange(len(x)) == c for x, c in zip(sets, chosen, strict=True)]).astype(float)
    groups = np.repeat(np.arange(len(sets)), [len(x) for x in sets])
    model = ConditionalLogit(endog, np.vstack(sets), groups=groups)
    reference = model.fit(disp=False)
    np.testing.assert_allclose(fit.weights, reference.params, rtol=1e-4)
    np.testing.assert_allclose(fit.standard_errors, reference.bse, rtol=1e-4)
    # statsmodels' own log-likelihood at our weights: ours is the same number, and at least as high as its optimum.
    assert model.loglike(fit.weights) == pytest.approx(fit.log_likelihood, rel=1e-12)
    assert fit.log_likelihood >= reference.llf - 1e-9


def test_the_ridge_keeps_a_separating_feature_finite_and_sets_of_one_are_left_out() -> None:
    # The second feature marks the chosen alternative every time: without a ridge its weight would run off.
    sets = [np.array([[0.5, 1.0], [0.1, 0.0], [0.9, 0.0]]), np.array([[0.2, 0.0], [0.7, 1.0]]), np.array([[1.0, 1.0]])]
    fit = fit_conditional_logit(sets, [0, 1, 0])
    assert fit.n == 2
    assert np.all(np.isfinite(fit.weights))
    assert 1.0 < fit.weights[1] < 100.0


def test_bad_input() -> None:
    x = np.zeros((2, 1))
    with pytest.raises(ChoiceError):
        fit_conditional_logit([x], [0, 1])
    with pytest.raises(ChoiceError):
        fit_conditional_logit([x], [2])
    with pytest.raises(ChoiceError):
        fit_conditional_logit([np.zeros((1, 1))], [0])
    with pytest.raises(ChoiceError):
        fit_conditional_logit([x, np.zeros((2, 2))], [0, 0])


def test_features_and_choice_sets_by_hand() -> None:
    rate = 0.4
    row = candidate_features(
        delay=2.5, rate=rate, first=True, same_region=False, shared_network=True, partners=False, tie=True
    )
    assert len(row) == len(FEATURES)
    expected = transmission_log_density(np.array([2.5]), model="exponential", rate=rate, alpha=2.0, scale=1.0)
    assert row[0] == pytest.approx(float(expected[0]))
    assert row[1:] == (1.0, 0.0, 1.0, 0.0, 1.0)
    cascades = {"f": {"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0, "e": 3.0}}
    seen = []

    def describe(family: str, u: str, v: str, delay: float, first: bool) -> tuple[float, ...]:
        seen.append((family, u, v, delay, first))
        return (delay, float(first))

    (only,) = choice_sets(cascades, [("f", "d", 3.0), ("f", "a", 0.0), ("g", "x", 1.0)], describe)
    # Earlier adopters only: not d itself, not e (same time); a is the first.
    assert only.sources == ["a", "b", "c"]
    assert only.delays == [3.0, 2.0, 1.0]
    assert only.features.tolist() == [[3.0, 1.0], [2.0, 0.0], [1.0, 0.0]]
    assert seen[0] == ("f", "a", "d", 3.0, True)


def record(pk: int, org: int, time: float, family: int, title: str = "x", *, unsourced: bool = False) -> Record:
    return Record(pk, org, time, family, frozenset(), title, unsourced)


def test_recorded_choices_and_ranking() -> None:
    # Family 1: original by org 10 (2010), adopters 11 (2012) and 12 (2014, recorded source org 10).
    # Family 2: original by org 20 (2011), adopter 21 (2013). Record 9 (org 30, 2020) has no recorded source.
    records = [
        record(1, 10, 2010.0, 1),
        record(2, 11, 2012.0, 1),
        record(3, 12, 2014.0, 1),
        record(4, 20, 2011.0, 2),
        record(5, 21, 2013.0, 2),
        record(9, 30, 2020.0, 9, unsourced=True),
    ]

    def describe(_family: str, _u: str, _v: str, delay: float, first: bool) -> tuple[float, ...]:
        return (-delay, float(first))

    sets, chosen = recorded_choices(records, {2: 10, 3: 10, 5: 20, 9: 99}, describe)
    # Record 2 and 5 have one earlier adopter each (sets of one, kept: the fit leaves them out); 9's source unknown.
    assert [(s.adopter, s.sources, c) for s, c in zip(sets, chosen, strict=True)] == [
        ("11", ["10"], 0),
        ("12", ["10", "11"], 0),
        ("21", ["20"], 0),
    ]
    joined = Joined(cascades={}, joined={9: ["2", "1"]}, similarity={(9, "2"): 0.8, (9, "1"): 0.7})
    weights = np.array([0.0, 2.0])  # the original preferred
    ranked = ranked_sources(records, joined, describe, weights, kept=3)[9]
    # The more similar family 2 first (0.8 ** 25 against 0.7 ** 25), its original before its adopter.
    assert [r.source for r in ranked] == [4, 5, 1]
    share = 0.8**25 / (0.8**25 + 0.7**25)
    assert ranked[0].probability == pytest.approx(share * math.exp(2.0) / (math.exp(2.0) + 1.0))
    assert ranked[0].delay == pytest.approx(9.0)
    # Similarity shares alone (sharpness 0): family 1's original is as likely as family 2's.
    flat = ranked_sources(records, joined, describe, weights, kept=4, family_sharpness=0.0)[9]
    assert {r.source for r in flat[:2]} == {1, 4}
    assert sum(r.probability for r in flat) < 1.0 + 1e-12
