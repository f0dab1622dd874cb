"""Disclosure control under attack, and what it costs: the attacker of barometer/tests/disclosure_attack.py on the
demo round and on rounds generated like it, and the time suppression itself takes on a round of the analysis
benchmark's size.

    python -m bench.disclosure                          # demo rounds + 1 generated seed, 1 breakdown (~2 min)
    python -m bench.disclosure --seeds 4                # more generated rounds
    python -m bench.disclosure --test-variables         # the 5 breakdowns the test attacks (minutes)
    python -m bench.disclosure --all-variables          # every breakdown the API publishes (long)
    python -m bench.disclosure --respondents 20000      # suppression timing on a smaller round

1. The attack. A SQLite database of its own (/tmp/innoverkko-bench/bench-disclosure.sqlite3), made anew:
   migrations, the reference data, and the synthetic rounds of `demo.barometer` (2018: 120 respondents,
   2022: 182) with the demo seed, then with --seeds other seeds (each set loaded in a transaction that is rolled
   back after its attack). The attacker reads the public API in-process (Django's test client; what anyone can
   read), writes every published figure as a linear equation in the counts it does not see and bounds each
   unseen count by linear programming. Reported per round: hidden counts attacked, counts and whole blocks
   recovered exactly (0 expected), and the attack's wall time. The attacker always reads every question's
   result among everyone; the breakdowns it reads are, by default, the one by the first yes/no question (the
   shape of the issue's example), with --test-variables those the test attacks (kind, size class and three
   yes/no questions), with --all-variables all of them.
2. Suppression at scale, without a database: the analysis benchmark's round (bench.barometer_analysis, 100,000
   respondents, 150 variables, breakdowns into 37 groups) is estimated once; then timed, median of --repeats:
   `disclosure.suppress` over all the estimates, and `disclosure.protect_table` over every (question, breakdown)
   table, beside the estimates themselves (same run, so the ratio holds whatever the machine's load).

Results: /tmp/innoverkko-bench/disclosure.json.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench.barometer_analysis: one BLAS thread on 2 shared cores

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.common import BENCH_DIR, django_setup, log, measured, write_json

SCALE = "disclosure"  # bench.common names its SQLite file bench-disclosure.sqlite3
RESULTS = BENCH_DIR / "disclosure.json"
API = "/api/v1/barometer"
# The breakdowns barometer/tests/test_disclosure_attack.py attacks on the demo round (the example: by
# yes / no / don't know questions; and two strata); the default run takes the first yes/no question alone.
TEST_VARIABLES = ["kind", "size_class", "q:q_established", "q:q_supports", "q:q_coordination"]
VARIABLES = ["q:q_established"]
REPEATS = 5


# --- 1. the attack --------------------------------------------------------------------------------------------------


def attack_round(slug: str, only: list[str] | None) -> dict[str, Any]:
    from django.test import Client

    from barometer.models import QuestionnaireVersion, Round
    from barometer.results import analysis
    from barometer.tests.disclosure_attack import Attack, truth
    from barometer.vocabulary import VersionStatus

    round_ = Round.objects.get(slug=slug)
    QuestionnaireVersion.objects.filter(pk=round_.questionnaire_version_id).update(status=VersionStatus.FROZEN)
    client = Client()
    requests = 0

    def get(path: str) -> Any:
        nonlocal requests
        requests += 1
        response = client.get(API + path, headers={"accept-language": "en"})
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:200]!r}")
        return json.loads(response.content)

    started = time.perf_counter()
    respondents = round_.responses.filter(submitted_at__isnull=False).count()
    try:
        outcome = Attack(get, slug, only=only).run(truth(analysis.round_data(round_)))
    except AssertionError as inconsistent:
        # The attacker checks that the true counts satisfy its own system; when they do not, either it models a
        # published figure wrongly or a figure does not match the answers. Reported, not hidden (docs/probe-2026-12.md).
        return {
            "slug": slug,
            "respondents": respondents,
            "attacker_inconsistent": str(inconsistent),
            "api_requests": requests,
            "seconds": time.perf_counter() - started,
        }
    seconds = time.perf_counter() - started
    return {
        "slug": slug,
        "respondents": respondents,
        "hidden_counts_attacked": len(outcome.hidden),
        "recovered_counts": len(outcome.recovered),
        "recovered_blocks": len(outcome.recovered_blocks()),
        "api_requests": requests,
        "seconds": seconds,
    }


def attack_rounds(seed: int, only: list[str] | None) -> list[dict[str, Any]]:
    """The demo rounds made with `seed`, attacked, then rolled back."""
    from django.db import transaction

    from demo.barometer import ROUNDS, demo_rounds_load

    rows = []
    with transaction.atomic():
        started = time.perf_counter()
        demo_rounds_load(seed=seed)
        log(f"  seed {seed}: rounds made in {time.perf_counter() - started:.0f} s")
        for plan in ROUNDS:
            row = attack_round(plan.slug, only)
            row["seed"] = seed
            rows.append(row)
            if "attacker_inconsistent" in row:
                log(f"  seed {seed}, {plan.slug}: the attacker's system does not hold: {row['attacker_inconsistent']}")
                continue
            log(
                f"  seed {seed}, {plan.slug}: {row['respondents']} respondents, {row['hidden_counts_attacked']} "
                f"hidden counts attacked, {row['recovered_counts']} recovered, {row['recovered_blocks']} blocks, "
                f"{row['seconds']:.1f} s ({row['api_requests']} API reads)"
            )
        transaction.set_rollback(True)
    return rows


def attack_part(seeds: int, only: list[str] | None) -> list[dict[str, Any]]:
    from bench.loadtest import prepare_database

    log("Making the database (migrations, reference data) …")
    prepare_database("sqlite", SCALE)
    django_setup("sqlite", SCALE)
    from django.conf import settings

    from demo.barometer import DEFAULT_SEED
    from organisations.models import Organisation, OrganisationKind

    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host; nothing else is served
    Organisation.objects.create(kind=OrganisationKind.OTHER, name_fi="Suomen Kuntaliitto", is_synthetic=True)
    rows = []
    for seed in [DEFAULT_SEED, *range(1, seeds + 1)]:
        rows += attack_rounds(seed, only)
    return rows


# --- 2. suppression at the analysis benchmark's size ----------------------------------------------------------------


def tables_of(data: Any) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Every (question, breakdown) table as protect_table takes it: counts per answer and group, how many
    answered, how many are in the percentages, which answers count ("don't know" does not)."""
    from bench.barometer_analysis import BREAKDOWNS

    tables = []
    for name, groups in BREAKDOWNS.items():
        if name == "everyone":
            continue
        group_of = data.background[name]
        for question in data.questions:
            if question.kind == "multiple":
                asked = question.asked
                counts = np.stack(
                    [np.bincount(group_of[asked & question.answers[:, j]], minlength=groups) for j in range(10)]
                )
                answered = np.bincount(group_of[asked], minlength=groups)
                tables.append((counts, answered, answered, np.ones(10, dtype=bool)))
                continue
            codes = question.answers
            given = codes >= 0
            counts = np.zeros((question.categories + 1, groups), dtype=np.int64)
            np.add.at(counts, (codes[given], group_of[given]), 1)
            counted = np.r_[np.ones(question.categories, dtype=bool), False]
            tables.append((counts, counts.sum(axis=0), counts[counted].sum(axis=0), counted))
    return tables


def suppression_part(respondents: int, variables: int, repeats: int) -> dict[str, Any]:
    from barometer.statistics.disclosure import protect_table, suppress
    from bench.barometer_analysis import analyse, make_round

    log(f"Suppression on a round of {respondents:,} respondents and {variables} variables …")
    data = make_round(respondents, variables)
    estimates, _stages = analyse(data)
    tables = tables_of(data)
    estimate_s, suppress_s, protect_s, hidden = [], [], [], 0
    for _ in range(repeats):
        _estimates, stages = analyse(data)
        estimate_s.append(stages["estimates"])
        started = time.perf_counter()
        suppress(estimates)
        suppress_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        hidden = sum(int(protect_table(*table).sum()) for table in tables)
        protect_s.append(time.perf_counter() - started)
    row = {
        "respondents": respondents,
        "variables": data.variables,
        "figures": int(estimates.estimate.size),
        "tables": len(tables),
        "groups_hidden": hidden,
        "estimates_median_s": statistics.median(estimate_s),
        "suppress_median_s": statistics.median(suppress_s),
        "protect_tables_median_s": statistics.median(protect_s),
    }
    row["suppression_share_of_estimates"] = (row["suppress_median_s"] + row["protect_tables_median_s"]) / row[
        "estimates_median_s"
    ]
    log(
        f"  estimates {row['estimates_median_s']:.2f} s; suppress {row['suppress_median_s'] * 1000:.1f} ms over "
        f"{row['figures']:,} figures; protect_table {row['protect_tables_median_s'] * 1000:.1f} ms over "
        f"{row['tables']} tables ({hidden} groups hidden); suppression = "
        f"{row['suppression_share_of_estimates']:.1%} of the estimates' time"
    )
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.disclosure", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1, help="generated rounds' seeds besides the demo's")
    parser.add_argument("--all-variables", action="store_true", help="every breakdown the API publishes")
    parser.add_argument("--test-variables", action="store_true", help="the breakdowns the test attacks")
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--variables", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    suppression = suppression_part(args.respondents, args.variables, args.repeats)
    only = None if args.all_variables else TEST_VARIABLES if args.test_variables else VARIABLES
    attacks = attack_part(args.seeds, only)
    results = {
        "attacks": attacks,
        "breakdowns": "all" if only is None else only,
        "recovered_counts_total": sum(row.get("recovered_counts", 0) for row in attacks),
        "recovered_blocks_total": sum(row.get("recovered_blocks", 0) for row in attacks),
        "attacker_inconsistent": sum("attacker_inconsistent" in row for row in attacks),
        "suppression": suppression,
        "repeats": args.repeats,
        "measured": measured(load_before=load_before),
    }
    write_json(RESULTS, results)
    log(
        f"{len(attacks)} rounds attacked: {results['recovered_counts_total']} hidden counts and "
        f"{results['recovered_blocks_total']} blocks recovered, {results['attacker_inconsistent']} where the "
        f"attacker's system did not hold; results: {RESULTS}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
