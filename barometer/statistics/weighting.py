"""Weights that make a round's respondents represent its sampling frame, and the design the variances need.

Every estimate needs three things about the respondents, kept together in a `Design`: their weights, the strata
(parts of the frame that were weighted or sampled separately) and each stratum's finite population correction.
A large share of all municipalities answers the barometer, so the correction matters: with fpc = 1 − n_h/N_h a
stratum where everyone answered adds no sampling variance at all.

Build a design with `post_stratify` (weights that reproduce the frame's count in every cell, e.g. organisation
kind × size class × region), `rake` (weights that reproduce the frame's margins: counts by kind, by size class
and by region), `weighted` (weights made elsewhere, e.g. imported) or `unweighted`.

The variances treat the weights as fixed and the post-strata as strata, which is the usual approximation for
post-stratification (Lohr, *Sampling: Design and Analysis*, 2nd ed., §4.7); for raked weights it leaves out the
small variance reduction that calibration brings, so it errs on the safe side.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from barometer.statistics._types import FloatArray, IntArray

Method = Literal["unweighted", "weights", "post-stratification", "raking"]

#: Post-stratification needs at least this many respondents in every cell of the frame, else `post_stratify`
#: collapses the cell with a neighbour: a cell weight resting on one or two organisations is mostly noise.
MIN_CELL_RESPONDENTS = 5


class WeightingError(ValueError):
    """The respondents cannot be weighted to the frame as asked (the message says why and what to change)."""


@dataclass(frozen=True, eq=False)
class Design:
    """The respondents' weights, strata and finite population corrections: everything a variance needs.

    `strata[i]` is respondent i's stratum (0 … H−1); `fpc[h]` = 1 − n_h/N_h for stratum h (1 where N_h is not
    known). `method` says how the weights were made, for the notes under a table.
    """

    weights: FloatArray
    strata: IntArray
    fpc: FloatArray
    method: Method
    #: Post-stratification: the frame's cells that were combined with others (each a tuple of codes, one per
    #: classifying variable), so that a note can say so.
    collapsed: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.weights.ndim != 1 or self.strata.shape != self.weights.shape:
            raise ValueError("weights and strata must be 1-D arrays of the same length")
        if not np.all(np.isfinite(self.weights) & (self.weights > 0)):
            raise ValueError("weights must be positive and finite")
        if self.strata.size and (self.strata.min() < 0 or self.strata.max() >= self.fpc.size):
            raise ValueError("every stratum code needs its fpc")
        if np.any((self.fpc < 0) | (self.fpc > 1)):
            raise ValueError("fpc must lie between 0 and 1")

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.weights.size)

    @property
    def is_weighted(self) -> bool:
        return self.method != "unweighted"

    @property
    def degrees_of_freedom(self) -> int:
        """Respondents minus strata (with respondents): the t distribution's df for the intervals, as in samplics."""
        return self.n - int(np.count_nonzero(np.bincount(self.strata)))


def unweighted(n: int) -> Design:
    """Every respondent counts once: the raw "% of respondents" of the published reports."""
    return Design(np.ones(n), np.zeros(n, dtype=np.intp), np.ones(1), "unweighted")


def weighted(
    weights: npt.ArrayLike, *, strata: npt.ArrayLike | None = None, population: npt.ArrayLike | None = None
) -> Design:
    """A design with given weights, e.g. imported with the answers.

    `strata` are stratum codes 0 … H−1 (default: one stratum); `population[h]` is stratum h's size N_h in the frame
    (a single number when there is one stratum), which gives the finite population correction; without it there is
    none.
    """
    w = np.asarray(weights, dtype=np.float64)
    codes = np.zeros(w.size, dtype=np.intp) if strata is None else _codes(strata, "strata")
    return Design(w, codes, _fpc(codes, population), "weights")


def post_stratify(
    cells: Sequence[npt.ArrayLike],
    population: npt.ArrayLike,
    *,
    base_weights: npt.ArrayLike | None = None,
    min_respondents: int = MIN_CELL_RESPONDENTS,
) -> Design:
    """Weights that reproduce the frame's count in every cell: w_i = b_i · N_c / Σ_{j∈c} b_j.

    `cells` holds one code array per classifying variable (e.g. kind, size class, region: codes 0 … K−1, one per
    respondent); `population` is the frame's table of counts with one axis per variable (shape K₁ × K₂ × …).
    The cells become the strata of the variance, each with fpc = 1 − n_c/N_c.

    A cell of the frame with fewer than `min_respondents` respondents is collapsed with a neighbour (Kalton &
    Flores-Cervantes, "Weighting methods", J. Official Statistics 19(2), 2003, §3): with the one of the cells that
    share all its codes but the last (e.g. the same kind and size class, another region) that has the fewest
    respondents; when there is none left, with those that share all but the last two (the same kind), and so on.
    Collapsed cells are weighted together, one stratum, and the design lists them in `collapsed`. Cells are taken
    smallest first, so that as few as possible are collapsed; the order of the variables says which neighbours are
    sensible (put the one whose cells may be combined most freely last).
    """
    table = np.asarray(population, dtype=np.float64)
    codes = [_codes(c, "cells") for c in cells]
    if len(codes) != table.ndim:
        raise ValueError(f"{len(codes)} cell variables but a population table with {table.ndim} axes")
    n = _common_length(codes)
    for axis, c in enumerate(codes):
        if c.size and c.max() >= table.shape[axis]:
            raise ValueError(f"cell variable {axis} has codes beyond the population table's {table.shape[axis]}")
    cell = np.ravel_multi_index(tuple(codes), table.shape) if n else np.zeros(0, dtype=np.intp)
    in_frame = table.ravel()
    answered = np.bincount(cell, minlength=in_frame.size)
    if np.any((answered > in_frame) & (in_frame > 0)):
        raise WeightingError("a cell has more respondents than organisations in the frame")
    if np.any((answered > 0) & (in_frame == 0)):
        raise WeightingError("respondents in a cell that has no organisations in the frame")
    if not n:
        raise WeightingError("no respondents to weight")
    group = _collapse(table.shape, in_frame, answered, min_respondents)
    collapsed = tuple(
        tuple(int(c) for c in np.unravel_index(i, table.shape))
        for i in range(in_frame.size)
        if in_frame[i] > 0 and np.count_nonzero(group == group[i]) > 1
    )
    base = _base_weights(base_weights, n)
    frame_of = np.bincount(group, weights=in_frame, minlength=in_frame.size)
    answered_of = np.bincount(group, weights=answered, minlength=in_frame.size)
    weight_of = np.bincount(group[cell], weights=base, minlength=in_frame.size)
    factor = frame_of / np.maximum(weight_of, np.finfo(float).tiny)
    # The (collapsed) cells with respondents, renumbered 0 … H−1, are the strata.
    present, strata = np.unique(group[cell], return_inverse=True)
    fpc = 1.0 - answered_of[present] / frame_of[present]
    return Design(base * factor[group[cell]], strata.astype(np.intp), fpc, "post-stratification", collapsed)


def _collapse(shape: tuple[int, ...], in_frame: FloatArray, answered: IntArray, least: int) -> IntArray:
    """Each frame cell's post-stratum: its own index, or the index of the cell it is collapsed into."""
    group = np.arange(in_frame.size)
    coordinates = np.array(np.unravel_index(group, shape)).T  # cell → its codes
    while True:
        roots = np.unique(group[in_frame > 0])
        size = {r: int(answered[group == r].sum()) for r in roots}
        small = [r for r in roots if size[r] < least]
        if not small or len(roots) == 1:
            return group
        cell = min(small, key=lambda r: (size[r], r))
        members = group == cell
        # Neighbours: the other post-strata sharing the most leading codes with this one's first cell.
        for shared in range(len(shape) - 1, -1, -1):
            same = (coordinates[:, :shared] == coordinates[cell, :shared]).all(axis=1)
            others = [r for r in roots if r != cell and same[group == r].any()]
            if others:
                partner = min(others, key=lambda r: (size[r], r))
                group[members] = partner
                break


def rake(
    margins: Sequence[npt.ArrayLike],
    totals: Sequence[npt.ArrayLike],
    *,
    base_weights: npt.ArrayLike | None = None,
    strata: npt.ArrayLike | None = None,
    population: npt.ArrayLike | None = None,
    tolerance: float = 1e-10,
    max_sweeps: int = 1000,
) -> Design:
    """Weights that reproduce the frame's margins, by iterative proportional fitting (Deming & Stephan 1940).

    `margins` holds one code array per variable (codes 0 … K−1, one per respondent) and `totals` the frame's count
    of each code. Each sweep scales the weights so that every margin in turn is met; sweeps stop when all margins
    are met to `tolerance` (relative). The result is the weighting closest to `base_weights` (default 1) that meets
    the margins, in the Kullback–Leibler sense (Ireland & Kullback 1968).

    The variance strata are `strata` with the frame sizes `population` (as in `weighted`); by default one stratum,
    the whole frame, so fpc = 1 − n/N.
    """
    codes = [_codes(m, "margins") for m in margins]
    targets = [np.asarray(t, dtype=np.float64) for t in totals]
    if len(codes) != len(targets) or not codes:
        raise ValueError("one totals array is needed per margin")
    n = _common_length(codes)
    grand_totals = np.array([t.sum() for t in targets])
    if not np.allclose(grand_totals, grand_totals[0], rtol=1e-9, atol=0):
        raise WeightingError(f"the margins add up to different frame sizes: {sorted(set(grand_totals.tolist()))}")
    for index, (c, target) in enumerate(zip(codes, targets, strict=True)):
        if c.size and c.max() >= target.size:
            raise ValueError(f"margin {index} has codes beyond its {target.size} totals")
        answered = np.bincount(c, minlength=target.size)
        if (unmet := np.flatnonzero((target > 0) & (answered == 0))).size:
            raise WeightingError(f"margin {index}, category {unmet[0]}: in the frame but no respondents; merge it")
        if (unknown := np.flatnonzero((target <= 0) & (answered > 0))).size:
            raise WeightingError(f"margin {index}, category {unknown[0]}: respondents but none in the frame")

    w = _base_weights(base_weights, n).copy()
    for _ in range(max_sweeps):
        worst = 0.0
        for c, target in zip(codes, targets, strict=True):
            current = np.bincount(c, weights=w, minlength=target.size)
            met = current > 0
            worst = max(worst, float(np.max(np.abs(current[met] / target[met] - 1.0), initial=0.0)))
            w *= np.divide(target, current, out=np.ones_like(target), where=met)[c]
        if worst <= tolerance:
            break
    else:
        raise WeightingError(f"raking did not meet the margins in {max_sweeps} sweeps; some combination is missing")

    codes_h = np.zeros(n, dtype=np.intp) if strata is None else _codes(strata, "strata")
    if strata is None and population is None:
        population = grand_totals[0]
    return Design(w, codes_h, _fpc(codes_h, population), "raking")


def _codes(values: npt.ArrayLike, name: str) -> IntArray:
    codes = np.asarray(values)
    if codes.ndim != 1 or (codes.size and not np.issubdtype(codes.dtype, np.integer)):
        raise ValueError(f"{name} must be 1-D arrays of integer codes")
    if codes.size and codes.min() < 0:
        raise ValueError(f"{name} codes must be 0 or more")
    return codes.astype(np.intp, copy=False)


def _common_length(codes: Sequence[IntArray]) -> int:
    lengths = {c.size for c in codes}
    if len(lengths) != 1:
        raise ValueError("every code array needs one code per respondent")
    return lengths.pop()


def _base_weights(base_weights: npt.ArrayLike | None, n: int) -> FloatArray:
    if base_weights is None:
        return np.ones(n)
    base = np.asarray(base_weights, dtype=np.float64)
    if base.shape != (n,) or not np.all(np.isfinite(base) & (base > 0)):
        raise ValueError("base_weights must be positive, one per respondent")
    return base


def _fpc(strata: IntArray, population: npt.ArrayLike | None) -> FloatArray:
    """1 − n_h/N_h per stratum (1 without population sizes)."""
    count = np.bincount(strata, minlength=1).astype(np.float64)
    if population is None:
        return np.ones(count.size)
    sizes = np.atleast_1d(np.asarray(population, dtype=np.float64))
    if sizes.size < count.size:
        raise ValueError(f"population needs a size for each of the {count.size} strata")
    count = np.pad(count, (0, sizes.size - count.size))
    if np.any(count > sizes):
        raise WeightingError("a stratum has more respondents than organisations in the frame")
    return 1.0 - np.divide(count, sizes, out=np.zeros_like(sizes), where=sizes > 0)
