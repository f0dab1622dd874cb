"""Weights against samplics' SampleWeight, and the invariants of weighting as properties (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barometer.statistics._types import FloatArray, IntArray
from barometer.statistics.tests.oracle import samplics_poststratify, samplics_rake
from barometer.statistics.weighting import Design, WeightingError, post_stratify, rake, unweighted, weighted

Sample = tuple[list[IntArray], FloatArray, FloatArray]


def frame_and_sample(seed: int, n: int, shape: tuple[int, ...]) -> tuple[list[IntArray], FloatArray]:
    """Respondents' cell codes (one array per variable) and a frame's count table in which they are 10–60 %."""
    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, size, n) for size in shape]
    answered = np.zeros(shape)
    np.add.at(answered, tuple(codes), 1)
    return codes, np.ceil(answered * rng.uniform(1.7, 10, shape))


def margins_of(table: FloatArray) -> list[FloatArray]:
    return [table.sum(axis=tuple(a for a in range(table.ndim) if a != axis)) for axis in range(table.ndim)]


def test_post_stratified_weights_equal_samplics() -> None:
    codes, table = frame_and_sample(1, 1500, (3, 4))
    base = np.random.default_rng(2).uniform(0.5, 2.0, 1500)

    design = post_stratify(codes, table, base_weights=base)

    cell = np.ravel_multi_index(tuple(codes), table.shape)
    oracle = samplics_poststratify(base, cell, {c: float(table.flat[c]) for c in np.unique(cell)})
    np.testing.assert_allclose(design.weights, oracle, rtol=1e-9)
    assert design.method == "post-stratification"
    # The cells are the strata, with fpc = 1 − n_c/N_c.
    n_c = np.bincount(cell, minlength=table.size)
    np.testing.assert_allclose(np.sort(design.fpc), np.sort(1 - n_c / table.ravel()))


def test_raked_weights_equal_samplics() -> None:
    codes, table = frame_and_sample(3, 2000, (6, 5, 19))
    base = np.random.default_rng(4).uniform(0.5, 2.0, 2000)
    totals = margins_of(table)

    design = rake(codes, totals, base_weights=base, tolerance=1e-13)

    np.testing.assert_allclose(design.weights, samplics_rake(base, codes, totals), rtol=1e-9)
    for c, total in zip(codes, totals, strict=True):
        np.testing.assert_allclose(np.bincount(c, weights=design.weights, minlength=total.size), total, rtol=1e-12)
    assert design.method == "raking"
    np.testing.assert_allclose(design.fpc, [1 - 2000 / table.sum()])


def test_sparse_cells_are_collapsed_with_their_neighbours_not_raked() -> None:
    # Kind × size × region with 300 respondents: many of the 570 cells are empty or nearly so.
    codes, table = frame_and_sample(5, 300, (6, 5, 19))
    table[0, 0, 0] += 3  # and one cell of the frame has no respondents at all, whatever the draw

    design = post_stratify(codes, table)

    assert design.method == "post-stratification"
    assert (0, 0, 0) in design.collapsed
    # Every post-stratum (a stratum of the design) has at least 5 respondents and reproduces its frame count.
    assert np.bincount(design.strata).min() >= 5
    cell = np.ravel_multi_index(tuple(codes), table.shape)
    weights_by_stratum = np.bincount(design.strata, weights=design.weights)
    frame = table.ravel()
    for stratum in range(weights_by_stratum.size):
        cells = np.unique(cell[design.strata == stratum])
        # the frame cells of the stratum: its respondents' cells and the empty ones collapsed into it
        assert weights_by_stratum[stratum] >= frame[cells].sum() - 1e-9
    np.testing.assert_allclose(design.weights.sum(), table.sum(), rtol=1e-12)
    # The frame's count of every kind is reproduced: cells are collapsed within a kind first.
    np.testing.assert_allclose(np.bincount(codes[0], weights=design.weights, minlength=6), margins_of(table)[0])


def test_collapsing_prefers_the_same_kind_and_size_class_then_the_same_kind() -> None:
    # 2 kinds × 2 sizes × 2 regions; (0, 0, 1) has 2 respondents: it joins (0, 0, 0), its neighbour by region.
    sizes = {(0, 0, 0): 6, (0, 0, 1): 2, (0, 1, 0): 5, (0, 1, 1): 5, (1, 0, 0): 3, (1, 1, 1): 8}
    rows = [cell for cell, k in sizes.items() for _ in range(k)]
    codes = [np.array([r[axis] for r in rows]) for axis in range(3)]
    table = np.full((2, 2, 2), 10.0)

    design = post_stratify(codes, table)

    strata = {cell: int(design.strata[rows.index(cell)]) for cell in sizes}
    assert strata[(0, 0, 1)] == strata[(0, 0, 0)]
    assert strata[(0, 1, 0)] != strata[(0, 0, 0)]
    # (1, 0, 0) has no neighbour of its size class with respondents ((1, 0, 1) has none): it joins kind 1's other.
    assert strata[(1, 0, 0)] == strata[(1, 1, 1)]
    # Weights reproduce the collapsed cells' frame counts: (0, 0, ·) stands for 20 organisations.
    in_00 = (codes[0] == 0) & (codes[1] == 0)
    np.testing.assert_allclose(design.weights[in_00].sum(), 20.0)
    np.testing.assert_allclose(design.weights[codes[0] == 1].sum(), 40.0)
    assert set(design.collapsed) >= {(0, 0, 0), (0, 0, 1), (1, 0, 0), (1, 1, 1), (1, 0, 1), (1, 1, 0)}


def test_fpc_of_given_strata() -> None:
    design = weighted([1.0, 2.0, 3.0, 4.0], strata=[0, 0, 1, 1], population=[4, 2])
    np.testing.assert_allclose(design.fpc, [0.5, 0.0])
    assert design.degrees_of_freedom == 2
    assert unweighted(3).fpc.tolist() == [1.0]
    assert not unweighted(3).is_weighted


def test_what_cannot_be_weighted_says_why() -> None:
    with pytest.raises(WeightingError, match="different frame sizes"):
        rake([np.array([0, 1]), np.array([0, 0])], [np.array([5.0, 5.0]), np.array([11.0])])
    with pytest.raises(WeightingError, match="category 2: in the frame but no respondents"):
        rake([np.array([0, 1, 1])], [np.array([5.0, 5.0, 3.0])])
    with pytest.raises(WeightingError, match="respondents but none in the frame"):
        rake([np.array([0, 1, 1])], [np.array([5.0, 0.0])])
    with pytest.raises(WeightingError, match="more respondents"):
        post_stratify([np.array([0, 0, 0])], np.array([2.0]), min_respondents=1)
    with pytest.raises(ValueError, match="positive"):
        Design(np.array([1.0, 0.0]), np.zeros(2, dtype=np.intp), np.ones(1), "weights")


# --- Properties -----------------------------------------------------------------------------------------------


@st.composite
def samples(draw: st.DrawFn) -> Sample:
    """Respondents classified by 1–3 variables, and a frame table that contains every respondent's cell."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = draw(st.integers(2, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, size, n) for size in shape]
    answered = np.zeros(shape)
    np.add.at(answered, tuple(codes), 1)
    extra = rng.integers(0, 20, shape) * (answered > 0)
    base = rng.uniform(0.2, 5.0, n)
    return codes, answered + extra, base


@settings(max_examples=150)
@given(samples())
def test_raking_reproduces_every_margin_with_positive_weights(sample: Sample) -> None:
    codes, table, base = sample
    totals = margins_of(table)
    design = rake(codes, totals, base_weights=base)
    assert np.all(design.weights > 0)
    for c, total in zip(codes, totals, strict=True):
        np.testing.assert_allclose(np.bincount(c, weights=design.weights, minlength=total.size), total, rtol=1e-9)


@settings(max_examples=150)
@given(samples())
def test_post_stratification_reproduces_every_cell_with_positive_weights(sample: Sample) -> None:
    codes, table, base = sample
    design = post_stratify(codes, table, base_weights=base, min_respondents=1)
    cell = np.ravel_multi_index(tuple(codes), table.shape)
    assert design.method == "post-stratification"
    assert np.all(design.weights > 0)
    np.testing.assert_allclose(np.bincount(cell, weights=design.weights, minlength=table.size), table.ravel())


@settings(max_examples=100)
@given(samples())
def test_raking_again_changes_nothing(sample: Sample) -> None:
    codes, table, base = sample
    totals = margins_of(table)
    once = rake(codes, totals, base_weights=base).weights
    np.testing.assert_allclose(rake(codes, totals, base_weights=once).weights, once, rtol=1e-9)


@settings(max_examples=100)
@given(samples(), st.integers(1, 9))
def test_a_sample_proportional_to_the_frame_gets_equal_weights(sample: Sample, ratio: int) -> None:
    codes, _, _ = sample
    answered = np.zeros(tuple(int(c.max()) + 1 for c in codes))
    np.add.at(answered, tuple(codes), 1)
    table = answered * ratio  # every cell of the frame answered at the same rate 1/ratio
    n = codes[0].size
    for design in (post_stratify(codes, table, min_respondents=1), rake(codes, margins_of(table))):
        np.testing.assert_allclose(design.weights, table.sum() / n, rtol=1e-12)  # N/n
        again = rake(codes, margins_of(table), base_weights=design.weights)
        np.testing.assert_allclose(again.weights, design.weights, rtol=1e-12)
