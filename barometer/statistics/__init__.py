"""The barometer's statistics: weighting a round to its sampling frame, design-based estimates with confidence
intervals for every question and breakdown, comparison of rounds, and disclosure control.

Plain numpy, no Django, no I/O: the pages, the API and the reports turn stored answers into arrays (`coding`) and
call these. Every figure is checked against samplics in `tests/`.

    design = post_stratify([kind, size, region], frame_counts)    # or rake(...), weighted(...), unweighted(n)
    domains = np.hstack([np.ones((n, 1), bool), groups(kind)])     # everyone, then each kind
    est = proportions(indicators(answers, [0, 1, 2, 3]), design, domains)
    public = suppress(est)                                         # fewer than 5 respondents: not shown
    change = compare(last_round, est)                              # b − a, z test at 5 %
"""

from barometer.statistics.coding import choices, groups, indicators
from barometer.statistics.comparison import Comparison, compare
from barometer.statistics.disclosure import (
    MIN_RESPONDENTS,
    Reason,
    Suppressed,
    collapse_small_groups,
    protect_table,
    suppress,
)
from barometer.statistics.estimation import Estimates, means, proportions
from barometer.statistics.weighting import (
    MIN_CELL_RESPONDENTS,
    Design,
    WeightingError,
    post_stratify,
    rake,
    unweighted,
    weighted,
)

__all__ = [
    "MIN_CELL_RESPONDENTS",
    "MIN_RESPONDENTS",
    "Comparison",
    "Design",
    "Estimates",
    "Reason",
    "Suppressed",
    "WeightingError",
    "choices",
    "collapse_small_groups",
    "compare",
    "groups",
    "indicators",
    "means",
    "post_stratify",
    "proportions",
    "protect_table",
    "rake",
    "suppress",
    "unweighted",
    "weighted",
]
