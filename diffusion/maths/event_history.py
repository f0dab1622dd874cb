"""Does the network explain adoption? Berry & Berry's (1990) discrete-time event-history model: the hazard that an
organisation adopts an innovation in a year, explained by how many of its network partners, its region and its size
class had already adopted, and by its size; a logit fitted with statsmodels, shown as a table of odds ratios.

Public interface
----------------
```python
Adoption (adoption_table.Adoption): organisation: str; innovation: str; year: int    # AdoptionEvent fits

@dataclass(frozen=True)
class RiskRow:              # one organisation-year at risk of adopting one innovation
    organisation: str; innovation: str; year: int
    event: int              # 1 in the year it adopts (its last row), else 0
    duration: int           # years since the risk began (the innovation's first adoption): 0, 1, …
    partners_share: float   # share of its network partners that had adopted by the end of the previous year
                            # (0 when it has no partners: nobody to learn from)
    region_share: float | None       # the same among the other organisations of its region (None: region unknown
    size_class_share: float | None   # or it is alone in it); the same for its size class
    size: float | None      # as given (e.g. log population); None when unknown

event_history_table(events, organisations, *, innovations=None, partners_of={}, region_of={}, size_class_of={},
                    size_of={}, start_year=None, end_year=None) -> list[RiskRow]
fit_event_history(rows, *, covariates=DEFAULT_COVARIATES, innovation_effects=None, duration_baseline=False,
                  include_year=False, min_events=10, max_iterations=100) -> EffectsTable

@dataclass(frozen=True)
class Effect: term: str; coefficient: float; std_error: float; odds_ratio: float; ci_low: float; ci_high: float;
              p_value: float          # ci_* are the odds ratio's 95 % Wald interval
@dataclass(frozen=True)
class EffectsTable: effects: tuple[Effect, ...]; n_rows: int; n_events: int; n_organisations: int;
                    n_innovations: int; n_dropped: int; fixed_effects: int; converged: bool;
                    log_likelihood: float | None; pseudo_r2: float | None; flags: tuple[str, ...]
```

The risk set (exactly): for each innovation, every organisation of `organisations` is at risk from `start_year`
(default: the year of the innovation's first adoption by any of them) until the year it adopts (that row has
event = 1; no rows after it) or, if it never adopts, until `end_year` (default: the last year of any adoption of the
selected innovations by the population; pass the last observed year, e.g. the current one, for registry data;
censored there). Adoptions by organisations outside `organisations` are ignored; an organisation's repeated adoption
of one innovation counts at its first. The shares use adoptions up to the end of the previous year (t − 1), so an
organisation's own year cannot explain itself; the organisation itself is never in its own region's or size class's
denominator.

Pooled over several innovations (a theme), `innovation_effects` (default: on when there is more than one
innovation) adds an intercept per innovation (fixed effects, not shown in the table; counted in `fixed_effects`);
`duration_baseline` adds a cubic in years since the risk began (Carter & Signorino 2010), a smooth baseline hazard.

Terms: intercept, the covariates, `year` (a linear trend from the first year, with include_year), `duration^1..3`
(scaled to [0, 1] before the powers). Flags (codes for the UI): no_events / no_non_events (nothing to fit),
too_few_events (fewer than min_events events), few_events_per_term (fewer than 10 events per estimated term, fixed
effects included: Peduzzi et al. 1996), separation (a covariate predicts adoption
perfectly or nearly: estimates and intervals are not to be trusted), no_convergence, singular (collinear terms),
dropped:<term> (a covariate without variation or missing for every row, left out).
"""

from __future__ import annotations

import bisect
import math
import operator
import warnings
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools import sm_exceptions

from diffusion.maths.adoption_table import Adoption

FloatArray = npt.NDArray[np.float64]

DEFAULT_COVARIATES: tuple[str, ...] = ("partners_share", "region_share", "size_class_share", "size")
KNOWN_COVARIATES = frozenset({*DEFAULT_COVARIATES, "year"})
# Above this the fitted probabilities are 0 or 1 to machine precision for some rows: quasi-separation.
_SEPARATION_COEFFICIENT = 15.0


@dataclass(frozen=True)
class RiskRow:
    organisation: str
    innovation: str
    year: int
    event: int
    duration: int
    partners_share: float
    region_share: float | None
    size_class_share: float | None
    size: float | None


@dataclass(frozen=True)
class Effect:
    term: str
    coefficient: float
    std_error: float
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class EffectsTable:
    effects: tuple[Effect, ...]
    n_rows: int
    n_events: int
    n_organisations: int
    n_innovations: int
    n_dropped: int  # rows left out because a covariate in the model was unknown
    fixed_effects: int  # innovation intercepts in the model, not shown
    converged: bool
    log_likelihood: float | None
    pseudo_r2: float | None  # McFadden's
    flags: tuple[str, ...]


def _share(adopted_before: int, others: int) -> float | None:
    return adopted_before / others if others > 0 else None


def event_history_table(
    events: Iterable[Adoption],
    organisations: Sequence[str],
    *,
    innovations: Collection[str] | None = None,
    partners_of: Mapping[str, Collection[str]] | None = None,
    region_of: Mapping[str, str] | None = None,
    size_class_of: Mapping[str, str] | None = None,
    size_of: Mapping[str, float] | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
) -> list[RiskRow]:
    """One row per organisation-year at risk; see the module docstring for exactly who is at risk when."""
    partners_of = partners_of or {}
    region_of = region_of or {}
    size_class_of = size_class_of or {}
    size_of = size_of or {}
    population = list(dict.fromkeys(organisations))
    members = set(population)
    adopted: dict[str, dict[str, int]] = defaultdict(dict)  # innovation -> organisation -> first year
    last_year: int | None = None
    for event in events:
        if event.organisation not in members or (innovations is not None and event.innovation not in innovations):
            continue
        year = int(event.year)
        last_year = year if last_year is None else max(last_year, year)
        years = adopted[event.innovation]
        if event.organisation not in years or year < years[event.organisation]:
            years[event.organisation] = year
    end = end_year if end_year is not None else last_year
    if end is None:
        return []

    def group_members(of: Mapping[str, str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for org in population:
            if org in of:
                groups[of[org]].append(org)
        return groups

    regions, size_classes = group_members(region_of), group_members(size_class_of)
    partners = {org: sorted(set(partners_of.get(org, ())) & members - {org}) for org in population}
    rows: list[RiskRow] = []
    for innovation in sorted(adopted):
        years = adopted[innovation]
        start = start_year if start_year is not None else min(years.values())

        # Adoption years of each region's and size class's members, sorted: the count adopted by t − 1 is one
        # bisection. The organisation at risk has not adopted by t − 1, so it never needs taking out.
        region_years = {g: sorted(years[o] for o in orgs if o in years) for g, orgs in regions.items()}
        size_years = {g: sorted(years[o] for o in orgs if o in years) for g, orgs in size_classes.items()}

        for org in population:
            adoption = years.get(org)
            if adoption is not None and adoption < start:
                continue  # adopted before the observed risk began: never at risk in the window
            stop = min(adoption, end) if adoption is not None else end
            region, size_class = region_of.get(org), size_class_of.get(org)
            # The same for its partners: their adoption years sorted once, a bisection per year.
            partner_years = sorted(years[p] for p in partners[org] if p in years)
            size = size_of.get(org)
            for year in range(start, stop + 1):
                region_share = size_share = None
                if region is not None:
                    before = bisect.bisect_right(region_years[region], year - 1)
                    region_share = _share(before, len(regions[region]) - 1)
                if size_class is not None:
                    before = bisect.bisect_right(size_years[size_class], year - 1)
                    size_share = _share(before, len(size_classes[size_class]) - 1)
                rows.append(
                    RiskRow(
                        organisation=org,
                        innovation=innovation,
                        year=year,
                        event=int(adoption == year),
                        duration=year - start,
                        partners_share=_share(bisect.bisect_right(partner_years, year - 1), len(partners[org])) or 0.0,
                        region_share=region_share,
                        size_class_share=size_share,
                        size=size,
                    )
                )
    return rows


def fit_event_history(
    rows: Sequence[RiskRow],
    *,
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    innovation_effects: bool | None = None,
    duration_baseline: bool = False,
    include_year: bool = False,
    min_events: int = 10,
    max_iterations: int = 100,
) -> EffectsTable:
    """The logit of the adoption hazard on the covariates; honest flags rather than a misleading table."""
    unknown = set(covariates) - KNOWN_COVARIATES
    if unknown:
        raise ValueError(f"unknown covariates: {sorted(unknown)}")
    terms = [c for c in covariates if c != "year"] + (["year"] if include_year or "year" in covariates else [])
    if not rows:
        return EffectsTable((), 0, 0, 0, 0, 0, 0, False, None, None, ("no_events",))
    flags: list[str] = []
    # Covariates missing for every row (no regions given, say) are left out rather than emptying the table.
    for term in list(terms):
        if all(getattr(row, term) is None for row in rows):
            terms.remove(term)
            flags.append(f"dropped:{term}")
    # Each row's covariates read once (a large risk set has hundreds of thousands of rows).
    read = operator.attrgetter(*terms) if len(terms) > 1 else (lambda row: (getattr(row, terms[0]),))
    values_of = [read(row) for row in rows] if terms else [() for _row in rows]
    kept = [n for n, values in enumerate(values_of) if None not in values]
    usable = [rows[n] for n in kept]
    n_dropped = len(rows) - len(usable)
    n_events = sum(row.event for row in usable)
    innovations = sorted({row.innovation for row in usable})
    organisations = {row.organisation for row in usable}

    def table(
        effects: tuple[Effect, ...] = (),
        converged: bool = False,
        llf: float | None = None,
        r2: float | None = None,
        fixed: int = 0,
    ) -> EffectsTable:
        return EffectsTable(effects, len(usable), n_events, len(organisations), len(innovations), n_dropped,
                            fixed, converged, llf, r2, tuple(flags))  # fmt: skip

    if n_events == 0 or n_events == len(usable):
        flags.append("no_events" if n_events == 0 else "no_non_events")
        return table()
    if n_events < min_events:
        flags.append("too_few_events")

    columns: dict[str, FloatArray] = {}
    matrix = np.asarray([values_of[n] for n in kept], dtype=np.float64).reshape(len(kept), len(terms))
    for index, term in enumerate(terms):
        values = matrix[:, index].copy()
        if term == "year":
            values = values - values.min()  # a linear trend per year from the first; keeps the intercept readable
        if np.ptp(values) == 0:
            flags.append(f"dropped:{term}")  # no variation: its effect cannot be estimated
            continue
        columns[term] = values
    if duration_baseline:
        duration = np.asarray([row.duration for row in usable], dtype=np.float64)
        # Scaled to keep t, t², t³ of similar size (conditioning), as Carter & Signorino suggest.
        scale = max(float(duration.max()), 1.0)
        for power in (1, 2, 3):
            columns[f"duration^{power}"] = (duration / scale) ** power
    design = [np.ones(len(usable)), *columns.values()]
    names = ["intercept", *columns]
    use_effects = len(innovations) > 1 if innovation_effects is None else innovation_effects
    fixed = 0
    if use_effects and len(innovations) > 1:
        which = np.asarray([row.innovation for row in usable])
        for innovation in innovations[1:]:  # the first innovation is the reference level
            design.append((which == innovation).astype(np.float64))
            names.append(f"innovation:{innovation}")
            fixed += 1
    x = np.column_stack(design)
    y = np.asarray([row.event for row in usable], dtype=np.float64)
    if n_events < 10 * (x.shape[1] - 1):
        flags.append("few_events_per_term")
    # The rank of X'X (a few dozen columns square) rather than of X (its SVD costs as much as the fit itself).
    if np.linalg.matrix_rank(x.T @ x) < x.shape[1]:
        flags.append("singular")
        return table(fixed=fixed)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(y, x).fit(method="newton", maxiter=max_iterations, disp=False)
        except (np.linalg.LinAlgError, sm_exceptions.PerfectSeparationError):
            flags.append("separation")
            return table(fixed=fixed)
    kinds = {type(w.message) for w in caught}
    # The constant-only model McFadden's R² compares with has a closed form (the share of events); statsmodels would
    # fit it again by Nelder-Mead, a third of the whole fit's time on a large risk set.
    share = n_events / len(usable)
    result.set_null_options(llnull=len(usable) * (share * math.log(share) + (1 - share) * math.log(1 - share)))
    converged = bool(result.mle_retvals.get("converged", False))
    params = np.asarray(result.params, dtype=np.float64)
    errors = np.asarray(result.bse, dtype=np.float64)
    fitted = np.asarray(result.predict(), dtype=np.float64)
    if (
        sm_exceptions.PerfectSeparationWarning in kinds
        # Only the covariates: a cubic baseline's terms are large by nature, and an innovation's intercept that runs
        # off shows up in the fitted probabilities below.
        or any(
            abs(params[n]) > _SEPARATION_COEFFICIENT
            for n, name in enumerate(names)
            if name in columns and not name.startswith("duration^")
        )
        or np.any((fitted < 1e-10) | (fitted > 1 - 1e-10))
        or not np.all(np.isfinite(errors))
    ):
        flags.append("separation")
    if not converged or sm_exceptions.ConvergenceWarning in kinds:
        flags.append("no_convergence")
    z = stats.norm.ppf(0.975)
    effects: list[Effect] = []
    for n, name in enumerate(names):
        if name.startswith("innovation:"):
            continue
        coefficient, error = float(params[n]), float(errors[n])
        p_value = float(2 * stats.norm.sf(abs(coefficient / error))) if error > 0 else math.nan
        effects.append(
            Effect(
                term=name,
                coefficient=coefficient,
                std_error=error,
                odds_ratio=_exp(coefficient),
                ci_low=_exp(coefficient - z * error),
                ci_high=_exp(coefficient + z * error),
                p_value=p_value,
            )
        )
    return table(tuple(effects), converged, float(result.llf), float(result.prsquared), fixed)


def _exp(value: float) -> float:
    return math.exp(value) if value < 700 else math.inf


__all__: Sequence[str] = (
    "DEFAULT_COVARIATES",
    "Adoption",
    "Effect",
    "EffectsTable",
    "RiskRow",
    "event_history_table",
    "fit_event_history",
)
