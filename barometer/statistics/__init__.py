"""The barometer's statistics: weighting a round to its sampling frame, design-based estimates with confidence
intervals for every question and breakdown, comparison of rounds, and disclosure control.

Plain numpy, no Django, no I/O: the analysis (barometer/results/analysis.py) turns stored answers into arrays
(`coding`) and calls the other modules. Every figure is checked against samplics in `tests/`.

- `coding` — answers to indicator columns, groups to domains
- `weighting` — the design: `post_stratify`, `rake`, `weighted`, `unweighted`
- `estimation` — `proportions` and `means` with their intervals
- `comparison` — `compare`: b − a, z test at 5 %
- `disclosure` — `suppress` (fewer than 5 respondents: not shown), `protect_table`, `collapse_small_groups`

    design = weighting.post_stratify([kind, size, region], frame_counts)
    domains = np.hstack([np.ones((n, 1), bool), coding.groups(kind)])     # everyone, then each kind
    est = estimation.proportions(coding.indicators(answers, [0, 1, 2, 3]), design, domains)
    public = disclosure.suppress(est)
    change = comparison.compare(last_round, est)
"""
