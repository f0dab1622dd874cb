"""Berry & Berry's event-history model: the risk table on hand cases, coefficients recovered from a diffusion
simulated with known effects, and the logit checked against maximum likelihood written out here with scipy."""

import math
import random
from collections import Counter
from typing import NamedTuple

import numpy as np
import pytest
from scipy import optimize

from diffusion.maths.event_history import RiskRow, event_history_table, fit_event_history


class Event(NamedTuple):
    organisation: str
    innovation: str
    year: int


def test_risk_table_by_hand() -> None:
    # A adopts x in 2001, B in 2003, C and D never (censored at 2004). E is outside the population.
    events = [Event("A", "x", 2001), Event("B", "x", 2003), Event("E", "x", 2000), Event("B", "x", 2004)]
    rows = event_history_table(
        events,
        ["A", "B", "C", "D"],
        partners_of={"A": ["C"], "C": ["A", "E"]},  # E is not in the population: not a partner that counts
        region_of={"A": "R1", "B": "R1", "C": "R2", "D": "R2"},
        size_class_of={"A": "s", "B": "s", "C": "s"},
        size_of={"A": 1.0, "B": 2.0},
        end_year=2004,
    )
    by_key = {(r.organisation, r.year): r for r in rows}
    # Risk begins with the first adoption in the population (A, 2001; E's 2000 does not count).
    assert sorted(by_key) == [
        ("A", 2001),
        ("B", 2001),
        ("B", 2002),
        ("B", 2003),
        ("C", 2001),
        ("C", 2002),
        ("C", 2003),
        ("C", 2004),
        ("D", 2001),
        ("D", 2002),
        ("D", 2003),
        ("D", 2004),
    ]
    assert [(r.organisation, r.year) for r in rows if r.event] == [("A", 2001), ("B", 2003)]
    # Shares count adoptions up to the previous year among the others: A's own year explains nothing.
    assert by_key["A", 2001].region_share == 0.0
    assert by_key["B", 2001].region_share == 0.0
    assert by_key["B", 2002].region_share == 1.0  # A (the only other in R1) adopted in 2001
    assert by_key["B", 2002].size_class_share == 0.5  # of A and C
    assert by_key["C", 2001].partners_share == 0.0
    assert by_key["C", 2002].partners_share == 1.0  # A; E is outside the population
    assert by_key["C", 2004].size_class_share == 1.0  # A and B by 2003
    assert by_key["D", 2003].region_share == 0.0  # C never adopted
    assert by_key["D", 2003].partners_share == 0.0  # no partners: nobody to learn from
    assert by_key["D", 2003].size_class_share is None  # size class unknown
    assert by_key["B", 2003].size == 2.0
    assert by_key["C", 2003].size is None
    assert by_key["C", 2004].duration == 3
    # An explicit window: risk from 2002; A adopted before it and is never at risk.
    window = event_history_table(events, ["A", "B", "C", "D"], start_year=2002, end_year=2003)
    assert sorted({r.organisation for r in window}) == ["B", "C", "D"]
    assert len(window) == 6
    assert event_history_table([], ["A"]) == []


TRUE = {"intercept": -4.0, "partners_share": 1.5, "region_share": 2.0, "size_class_share": 0.0, "size": 0.4}


def simulate(
    seed: int,
) -> tuple[list[Event], list[str], dict[str, list[str]], dict[str, str], dict[str, str], dict[str, float]]:
    """Six innovations spreading among 400 organisations over 2000–2019 with the hazard
    logit⁻¹(−4 + 1.5·partners + 2·region + 0·size class + 0.4·size), the shares computed here independently."""
    rng = random.Random(seed)
    orgs = [f"o{n:03d}" for n in range(400)]
    region = {o: f"r{n % 8}" for n, o in enumerate(orgs)}
    size = {o: rng.gauss(0.0, 1.0) for o in orgs}
    size_class = {o: f"s{min(int((size[o] + 2) // 1), 3)}" for o in orgs}
    partners: dict[str, set[str]] = {o: set() for o in orgs}
    for o in orgs:
        for p in rng.sample(orgs, 3):
            if p != o:
                partners[o].add(p)
                partners[p].add(o)
    region_members = Counter(region.values())
    size_members = Counter(size_class.values())
    events: list[Event] = []
    for innovation in [f"i{n}" for n in range(6)]:
        adopted: dict[str, int] = {}
        for year in range(2000, 2020):
            before = {o for o, y in adopted.items() if y <= year - 1}
            # Adopters by t − 1 per region and size class; the organisation at risk is never among them.
            region_count = Counter(region[o] for o in before)
            size_count = Counter(size_class[o] for o in before)
            for o in orgs:
                if o in adopted:
                    continue
                share_p = sum(p in before for p in partners[o]) / len(partners[o]) if partners[o] else 0.0
                share_r = region_count[region[o]] / (region_members[region[o]] - 1)
                share_s = size_count[size_class[o]] / (size_members[size_class[o]] - 1)
                eta = (
                    TRUE["intercept"]
                    + TRUE["partners_share"] * share_p
                    + TRUE["region_share"] * share_r
                    + TRUE["size_class_share"] * share_s
                    + TRUE["size"] * size[o]
                )
                if rng.random() < 1 / (1 + math.exp(-eta)):
                    adopted[o] = year
        events.extend(Event(o, innovation, y) for o, y in adopted.items())
    return events, orgs, {o: sorted(p) for o, p in partners.items()}, region, size_class, size


@pytest.fixture(scope="module")
def simulated_rows() -> list[RiskRow]:
    events, orgs, partners, region, size_class, size = simulate(seed=13)
    return event_history_table(
        events,
        orgs,
        partners_of=partners,
        region_of=region,
        size_class_of=size_class,
        size_of=size,
        start_year=2000,
        end_year=2019,
    )


def test_known_coefficients_recovered(simulated_rows: list[RiskRow]) -> None:
    table = fit_event_history(simulated_rows, innovation_effects=True)
    assert table.converged
    assert table.flags == ()
    assert table.n_innovations == 6
    assert table.fixed_effects == 5
    assert table.n_events == sum(r.event for r in simulated_rows) > 500
    assert table.n_rows == len(simulated_rows)
    for effect in table.effects:
        # Each true odds ratio inside its 95 % interval (the intercept is the first innovation's).
        assert effect.ci_low <= math.exp(TRUE[effect.term]) <= effect.ci_high, effect
        assert effect.odds_ratio == pytest.approx(math.exp(effect.coefficient))
    by_term = {e.term: e for e in table.effects}
    assert by_term["region_share"].p_value < 0.001  # a real effect of 2.0 on the logit scale is found
    assert by_term["size_class_share"].p_value > 0.01  # and the null one is not


def test_against_maximum_likelihood_by_hand(simulated_rows: list[RiskRow]) -> None:
    """The same logit by scipy's BFGS on the log-likelihood written out, and its standard errors from the
    information matrix X'WX: an implementation that shares nothing with statsmodels."""
    table = fit_event_history(simulated_rows, innovation_effects=True)
    innovations = sorted({r.innovation for r in simulated_rows})
    x = np.asarray(
        [
            [1.0, r.partners_share, r.region_share, r.size_class_share, r.size]
            + [float(r.innovation == i) for i in innovations[1:]]
            for r in simulated_rows
        ],
        dtype=float,
    )
    y = np.asarray([r.event for r in simulated_rows], dtype=float)

    def negative_log_likelihood(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = x @ beta
        value = float(np.sum(np.logaddexp(0.0, eta) - y * eta))
        gradient = x.T @ (1 / (1 + np.exp(-eta)) - y)
        return value, gradient

    def information(beta: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-(x @ beta)))
        return np.asarray(x.T @ (x * (p * (1 - p))[:, None]))

    found = optimize.minimize(
        negative_log_likelihood, np.zeros(x.shape[1]), jac=True, hess=information, method="trust-exact"
    )
    assert found.success
    assert np.max(np.abs(found.jac)) < 1e-6
    errors = np.sqrt(np.diag(np.linalg.inv(information(found.x))))
    for n, effect in enumerate(table.effects):
        assert effect.coefficient == pytest.approx(found.x[n], abs=1e-4), effect.term
        assert effect.std_error == pytest.approx(errors[n], rel=1e-3), effect.term
    assert table.log_likelihood == pytest.approx(-found.fun, abs=1e-6)
    # McFadden's R² against the constant-only model, that model fitted here by the same optimiser.
    ones = x[:, :1]
    null = optimize.minimize(
        lambda b: float(np.sum(np.logaddexp(0.0, ones @ b) - y * (ones @ b))), np.zeros(1), method="BFGS"
    )
    assert table.pseudo_r2 == pytest.approx(1 - found.fun / null.fun, rel=1e-6)


def test_pooled_with_a_duration_baseline(simulated_rows: list[RiskRow]) -> None:
    table = fit_event_history(simulated_rows, innovation_effects=False, duration_baseline=True)
    assert table.converged
    assert table.flags == ()  # the cubic's large coefficients are no sign of separation
    assert table.fixed_effects == 0
    terms = [e.term for e in table.effects]
    assert terms == [
        "intercept",
        "partners_share",
        "region_share",
        "size_class_share",
        "size",
        "duration^1",
        "duration^2",
        "duration^3",
    ]
    # Year and duration are the same clock when every innovation's risk starts in 2000: collinear, and said so
    # instead of a table of meaningless numbers.
    table = fit_event_history(simulated_rows, innovation_effects=False, duration_baseline=True, include_year=True)
    assert "singular" in table.flags
    assert table.effects == ()
    # A year trend alone is fine.
    table = fit_event_history(simulated_rows, include_year=True)
    assert "year" in [e.term for e in table.effects]
    assert table.converged


def test_honest_flags() -> None:
    assert fit_event_history([]).flags == ("no_events",)
    # Two events among twelve rows (the hand case): too few for anything.
    events = [Event("A", "x", 2001), Event("B", "x", 2003)]
    rows = event_history_table(
        events, ["A", "B", "C", "D"], region_of={"A": "R1", "B": "R1", "C": "R2", "D": "R2"}, end_year=2004
    )
    table = fit_event_history(rows, covariates=("region_share",))
    assert "too_few_events" in table.flags
    assert "few_events_per_term" in table.flags
    # Without sizes or size classes those terms are left out, and said so.
    table = fit_event_history(rows)
    assert {"dropped:size", "dropped:size_class_share", "dropped:partners_share"} <= set(table.flags)
    # Complete separation: every organisation above size 0 adopts at once, none below ever does.
    separated = [
        RiskRow(f"o{n}", "x", 2000, int(n % 2 == 0), 0, 0.0, None, None, 1.0 + n if n % 2 == 0 else -1.0 - n)
        for n in range(40)
    ]
    table = fit_event_history(separated, covariates=("size",), min_events=1)
    assert "separation" in table.flags
    with pytest.raises(ValueError, match="unknown covariates"):
        fit_event_history(rows, covariates=("colour",))


def test_spid_health_policies() -> None:
    """Real data (SPID, docs/benchmarks.md): health policies first adopted since 1990, the census division's share,
    a fixed effect per policy and a cubic baseline. Before the separation check was limited to the covariates, the
    cubic's large coefficients flagged this sound fit as separated."""
    import csv
    from pathlib import Path

    from diffusion.tests.us_census_regions import DIVISION_OF_STATE

    spid = Path(__file__).resolve().parents[2] / "reference_data" / "spid"
    with (spid / "spid_v1_policies.csv").open(newline="", encoding="utf-8") as handle:
        events = [Event(r["statenam"], r["policy"], int(r["adopt_year"])) for r in csv.DictReader(handle)]
    with (spid / "spid_v1_metadata.csv").open(newline="", encoding="utf-8") as handle:
        theme = {
            r["policy"] for r in csv.DictReader(handle) if r["majortopic"] == "Health" and int(r["first_year"]) >= 1990
        }
    rows = event_history_table(
        events, sorted(DIVISION_OF_STATE), innovations=theme, region_of=DIVISION_OF_STATE, end_year=2017
    )
    table = fit_event_history(rows, covariates=("region_share",), duration_baseline=True)
    assert (len(theme), table.n_rows, table.n_events, table.fixed_effects) == (34, 20_750, 774, 33)
    assert table.flags == ()
    effect = next(e for e in table.effects if e.term == "region_share")
    # Measured 1.49 (1.07–2.07): neighbours' adoption raises the hazard; the interval excludes no effect.
    assert effect.ci_low > 1.0
