"""The Kaplan–Meier estimate and its quartiles: a case computed by hand, and statsmodels' own estimator
(SurvfuncRight, an independent implementation) on random censored samples."""

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from diffusion.maths.survival import kaplan_meier, summarise


def test_a_hand_computed_case() -> None:
    # t=1: 1 of 8 → 7/8; t=2: 1 of 7 (one censored at 2 still at risk) → 3/4; t=3: 1 of 5 → 3/5;
    # censored at 4; t=5: 2 of 3 → 1/5; censored at 6.
    durations = [1, 2, 2, 3, 4, 5, 5, 6]
    observed = [True, True, False, True, False, True, True, False]
    fit = kaplan_meier(durations, observed)
    assert fit.times == (1, 2, 3, 5)
    assert fit.at_risk == (8, 7, 5, 3)
    assert fit.events == (1, 1, 1, 2)
    assert fit.survival == pytest.approx((7 / 8, 3 / 4, 3 / 5, 1 / 5))
    assert fit.at(4.5) == pytest.approx(3 / 5)
    assert fit.at(0.5) == 1.0
    assert fit.quantile(0.25) == 2  # S(2) is exactly 3/4: "at most" includes it
    assert fit.quantile(0.5) == 5
    assert fit.quantile(0.75) == 5
    assert fit.quantile(0.9) is None  # never falls to 0.1
    summary = summarise(durations, observed)
    assert (summary.total, summary.observed) == (8, 5)
    assert summary.unobserved_share == pytest.approx(3 / 8)
    assert summary.remaining == pytest.approx(1 / 5)


def test_nobody_adopted_and_empty() -> None:
    summary = summarise([3.0, 4.0], [False, False])
    assert (summary.median, summary.q1, summary.remaining, summary.unobserved_share) == (None, None, 1.0, 1.0)
    assert summarise([], []).total == 0
    with pytest.raises(ValueError, match="length"):
        kaplan_meier([1.0], [True, False])
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([-1.0], [True])


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 200))
    event = rng.exponential(3.0, n)
    censor = rng.uniform(0, 10, n)
    # Whole years and tenths, as the registry's durations are: many ties between events and censorings.
    durations = np.round(np.minimum(event, censor), 1)
    observed = event <= censor
    ours = kaplan_meier(durations.tolist(), observed.tolist())
    theirs = SurvfuncRight(durations, observed.astype(int))
    assert ours.times == pytest.approx(theirs.surv_times.tolist())
    assert ours.survival == pytest.approx(theirs.surv_prob.tolist())
    assert ours.at_risk == tuple(theirs.n_risk.astype(int).tolist())
    for q in (0.25, 0.5, 0.75):
        # statsmodels takes the first S(t) < 1 − q (SAS); ours S(t) ≤ 1 − q: the same unless S hits 1 − q exactly.
        exact = np.isclose(theirs.surv_prob, 1 - q).any()
        expected = theirs.quantile(q)
        if not exact:
            assert ours.quantile(q) == (None if np.isnan(expected) else pytest.approx(expected))
