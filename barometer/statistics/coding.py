"""From answers to the arrays the estimates take: indicator columns and domain (group) membership."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from barometer.statistics._types import BoolArray, FloatArray


def indicators(answers: npt.ArrayLike, categories: Sequence[int]) -> FloatArray:
    """One indicator column per reported category of a single choice question or a scale item.

    `answers` are category codes, one per respondent. A respondent whose answer is one of `categories` gets 1 in
    that column and 0 in the others; anyone else — not asked, no answer (a negative code), or an answer the
    question excludes from its percentages such as "don't know" or "not relevant" — gets NaN everywhere and so
    stays out of the denominator. The columns' proportions add up to 100 %.
    """
    codes = np.asarray(answers)
    if codes.ndim != 1:
        raise ValueError("answers must be a 1-D array of category codes")
    reported = np.asarray(categories)
    answered = np.isin(codes, reported)
    return np.where(answered[:, None], codes[:, None] == reported[None, :], np.nan)


def choices(chosen: npt.ArrayLike, asked: npt.ArrayLike) -> FloatArray:
    """The indicator columns of a multiple choice question: one per choice, 1 if ticked, 0 if not, NaN for those
    outside the denominator (`asked` False: not asked, or excluded, e.g. answered "don't know").

    Each choice is its own proportion, so together they may add up to more than 100 %.
    """
    ticked = np.asarray(chosen, dtype=np.bool_)
    mask = np.asarray(asked, dtype=np.bool_)
    if ticked.ndim != 2 or mask.shape != (ticked.shape[0],):
        raise ValueError("chosen must be respondents × choices and asked one flag per respondent")
    return np.where(mask[:, None], ticked, np.nan)


def groups(codes: npt.ArrayLike, n_groups: int | None = None, *, where: npt.ArrayLike | None = None) -> BoolArray:
    """Domain membership for a breakdown: column g is True for the respondents in group g.

    `codes` are the group codes 0 … G−1 of a background variable; a negative code (value unknown) is in no
    group. `where`, a boolean filter, restricts every group to the respondents it keeps. Stack several with
    `np.hstack` to estimate many breakdowns in one call, e.g. `np.hstack([groups(np.zeros(n, int)), groups(kind)])`
    for everyone and each kind.
    """
    values = np.asarray(codes)
    if values.ndim != 1 or (values.size and not np.issubdtype(values.dtype, np.integer)):
        raise ValueError("codes must be a 1-D array of integer group codes")
    count = int(values.max(initial=-1)) + 1 if n_groups is None else n_groups
    member: BoolArray = values[:, None] == np.arange(count)[None, :]
    if where is not None:
        member &= np.asarray(where, dtype=np.bool_)[:, None]
    return member
