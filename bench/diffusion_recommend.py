"""`python -m bench.diffusion_recommend`: "what to adopt next" evaluated against popularity, on SPID, on the demo
registry and on a synthetic registry at the bench's size, with the time it takes.

    python -m bench.diffusion_recommend                      # SPID (4 cutoffs), the demo and the synthetic registry
    python -m bench.diffusion_recommend --demo               # the demo registry alone (about 15 s)
    python -m bench.diffusion_recommend --tune               # also rerun the hyperparameter search (SPID, before 1990)
    python -m bench.diffusion_recommend --organisations 1000 --innovations 500   # a quick synthetic run
    python -m bench.diffusion_recommend --blocks             # every organisation's top 10: blocks vs one at a time
    python -m bench.diffusion_recommend --families           # every family's likely next adopters: the same

SPID (Boehmke et al. 2020, `reference_data/spid/`): the 50 states are the organisations, the 728 policies the
innovations, the US census region the region feature (`diffusion/tests/us_census_regions.py`). The settings were
chosen by recall at 10 on the tuning split only — fit before 1975, predict 1975–1989 — so nothing from 1990 on, the
period of every reported split, was looked at (`--tune` reruns that search and prints its best settings).

The demo registry: the adoption histories `manage.py load_demo_data` writes (`demo.registry.demo_plan`, made by
`demo/diffusion.py`), planned without writing a record; the innovation is the family (its original), the
features region, size class and the Innokaupungit network. Time splits at 2018, 2021 and 2023 for the demo's own
seed and four more (the demo is small: 44 families, about 1,900 adoptions; one seed is noisy).

The synthetic registry (made in memory, seeded): 10,000 organisations in 19 regions of uneven size, 5 size classes
and 40 networks; 6,500 innovation families introduced 2008–2024, each with a home region and a favoured size class;
adoptions year by year 2008–2026 with the hazard p·(home region ×4)·(favoured size class ×2) + q·(share of the
organisation's region that adopted by last year) + q/2·(the same in its networks): imitation through regions and
networks, so there is signal to find. About 500,000 adoptions. Timed: fitting on every adoption, and one
organisation's recommendations with their reasons (median over 100 organisations), the same for "likely next" and
"also adopted"; then the time split at 2022 and 2024, with settings chosen on the split at 2019 (to 2021) from a
small grid, and with the defaults chosen on SPID.

BLAS runs on one thread (OPENBLAS_NUM_THREADS=1 unless set): the machine's two cores are shared.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported; see above

import argparse
import csv
import itertools
import statistics
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from bench.common import BENCH_DIR, ROOT, log, measured, read_json, write_json
from diffusion.maths.event_history import event_history_table, fit_event_history
from diffusion.maths.recommend import (
    OrganisationFeatures,
    RecommenderSettings,
    evaluate_time_split,
    fit_recommender,
)
from diffusion.tests.us_census_regions import DIVISION_OF_STATE, REGION_OF_STATE

RESULTS = BENCH_DIR / "diffusion_recommend.json"
SPID = ROOT / "reference_data" / "spid" / "spid_v1_policies.csv"
SPID_CUTOFFS = (1990, 2000, 2005, 2010)
TUNING = {"cutoff": 1975, "until": 1989}


class Event(NamedTuple):
    organisation: str
    innovation: str
    year: int


def spid_events() -> list[Event]:
    with SPID.open(newline="", encoding="utf-8") as handle:
        return [Event(r["statenam"], r["policy"], int(r["adopt_year"])) for r in csv.DictReader(handle)]


def tune(events: list[Event], features: OrganisationFeatures) -> list[dict[str, Any]]:
    """The grid searched on the tuning split; best first by recall at 10 (hit rate breaks ties)."""
    grid = itertools.product(
        ("cosine", "conditional"),
        (None, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0),
        (0.0, 0.1, 0.25, 0.5, 0.75, 1.0),
        (5, 10, 20, 50, None),
        (0.0, 1.0, 3.0),
    )
    found = []
    for similarity, half_life, blend, neighbours, weight_region in grid:
        settings = RecommenderSettings(
            similarity=similarity,  # type: ignore[arg-type]
            half_life_years=half_life,
            blend=blend,
            neighbours=neighbours,
            weight_region=weight_region,
        )
        result = evaluate_time_split(
            events, TUNING["cutoff"], features=features, settings=settings, until_year=TUNING["until"]
        )
        found.append({"settings": settings.__dict__, **result.as_dict()})
    found.sort(key=lambda r: (r["recall_at_k"], r["hit_rate"]), reverse=True)
    return found


def spid(run_tuning: bool) -> dict[str, Any]:
    events = spid_events()
    features = OrganisationFeatures(region_of=REGION_OF_STATE)
    out: dict[str, Any] = {"adoptions": len(events), "settings": RecommenderSettings().__dict__}
    if run_tuning:
        started = time.monotonic()
        ranked = tune(events, features)
        out["tuning_best"] = ranked[:5]
        out["tuning_configurations"] = len(ranked)
        log(f"tuning: {len(ranked)} settings in {time.monotonic() - started:.0f} s; best: {ranked[0]}")
    splits = [evaluate_time_split(events, TUNING["cutoff"], features=features, until_year=TUNING["until"]).as_dict()]
    for cutoff in SPID_CUTOFFS:
        splits.append(evaluate_time_split(events, cutoff, features=features).as_dict())
        splits.append(evaluate_time_split(events, cutoff, features=features, until_year=cutoff + 4).as_dict())
    out["splits"] = splits
    # What each part adds: item-based CF alone (blend 0) and "organisations like you" alone (blend 1), same splits.
    parts = []
    for blend in (0.0, 1.0):
        settings = RecommenderSettings(blend=blend)
        for cutoff in SPID_CUTOFFS:
            result = evaluate_time_split(events, cutoff, features=features, settings=settings).as_dict()
            parts.append({"blend": blend, **result})
            log(
                f"SPID cutoff {cutoff}, blend {blend}: hit@10 {result['hit_rate']:.3f}, "
                f"recall@10 {result['recall_at_k']:.4f}"
            )
    out["parts"] = parts
    for split in splits:
        log(
            f"SPID cutoff {split['cutoff_year']} to {split['until_year'] or 'end'}: "
            f"hit@10 {split['hit_rate']:.3f} vs {split['baseline_hit_rate']:.3f}, "
            f"recall@10 {split['recall_at_k']:.4f} vs {split['baseline_recall']:.4f} "
            f"(recency-weighted popularity: {split['recent_baseline_hit_rate']:.3f}, "
            f"{split['recent_baseline_recall']:.4f}) ({split['organisations']} states, {split['targets']} targets, {split['cold_adoptions']} cold)"
        )
    return out


def spid_event_history() -> list[dict[str, Any]]:
    """Does the neighbourhood explain adoption on SPID? Berry & Berry's logit pooled over a theme (SPID's major
    topic) for policies first adopted in 1990 or later, with the share of the state's census division (9 divisions:
    a neighbourhood proxy) that had adopted by the year before, the baseline hazard a cubic in years since the
    policy's first adoption, plus a fixed effect per policy."""
    events = spid_events()
    with (ROOT / "reference_data" / "spid" / "spid_v1_metadata.csv").open(newline="", encoding="utf-8") as handle:
        metadata = list(csv.DictReader(handle))
    states = sorted(REGION_OF_STATE)
    out = []
    for topic in ("Health", "Law and Crime", "Education"):
        theme = {m["policy"] for m in metadata if m["majortopic"] == topic and int(m["first_year"]) >= 1990}
        started = time.perf_counter()
        rows = event_history_table(events, states, innovations=theme, region_of=DIVISION_OF_STATE, end_year=2017)
        table = fit_event_history(rows, covariates=("region_share",), duration_baseline=True)
        seconds = time.perf_counter() - started
        effect = next((e for e in table.effects if e.term == "region_share"), None)
        out.append(
            {
                "topic": topic,
                "policies": len(theme),
                "rows": table.n_rows,
                "events": table.n_events,
                "flags": table.flags,
                "seconds": seconds,
                "division_share": effect.__dict__ if effect else None,
            }
        )
        if effect:
            log(
                f"SPID event history, {topic} ({len(theme)} policies since 1990, {table.n_rows:,} state-years, "
                f"{table.n_events} adoptions): odds ratio of the division's share {effect.odds_ratio:.2f} "
                f"({effect.ci_low:.2f}-{effect.ci_high:.2f}), p = {effect.p_value:.3g}, flags {table.flags}"
            )
    return out


DEMO_CUTOFFS = (2018, 2021, 2023)
DEMO_SEEDS = (2022, 2023, 2024, 2025, 2026)  # the first is the demo's own (demo.registry.DEFAULT_SEED)


class Registry(NamedTuple):
    events: list[Event]
    features: OrganisationFeatures
    families: int


def demo_registries(seeds: Sequence[int]) -> list[Registry]:
    """The demo registry as `manage.py load_demo_data` plans it (`demo.registry.demo_plan`, 2,000 innovations),
    one per seed, without writing a record (see `demo_events`). The planner reads the reference data
    (municipalities, regions, counties, public organisations) from the database, so it runs in a throw-away test
    database (Django's test-database machinery: in-memory SQLite, migrated, then `load_reference_data`), never the
    project's own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from demo.registry import LAST_DAY, demo_plan
    from organisations.reference_data import load_reference_data

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load_reference_data()
        # `today` pinned to the plan's last day: the demo loaded on another day differs only in adoption days.
        return [demo_events(*demo_plan(seed=seed, today=LAST_DAY)) for seed in seeds]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def demo_events(plan: Any, _specs: Any, refs: Sequence[Any]) -> Registry:
    """One event per organisation and family (innovation = the family's original): the originator at the family's
    start year, every adopter (source recorded or not) at its adoption year; and the recommender's features:
    region, size class (`organisations.size_classes`) and membership of the Innokaupungit network."""
    from demo.registry import INNOKAUPUNGIT, NETWORK_SLUG
    from organisations.models import OrganisationKind
    from organisations.size_classes import size_class

    first: dict[tuple[str, str], int] = {}

    def add(organisation: str, family: str, year: int) -> None:
        first[(organisation, family)] = min(year, first.get((organisation, family), year))

    originals = {p.key: p for p in plan.originals}
    for spec in plan.families:
        add(spec.originator, spec.key, spec.start_year)
    for record in [*plan.adoptions, *plan.unrecorded]:
        # Records of the diffusion process carry their family; the few the planner adds so that every region
        # shows (`Planner._cover`) adopt an original directly.
        family = record.family or record.source or ""
        if family not in originals or record.adopted_on is None:
            continue
        if not record.family:
            root = originals[family]
            add(root.owner, family, (root.introduced_on or record.adopted_on).year)
        add(record.owner, family, record.adopted_on.year)
    network = {ref.key for ref in refs if ref.kind == OrganisationKind.MUNICIPALITY and ref.names[0] in INNOKAUPUNGIT}
    features = OrganisationFeatures(
        region_of={ref.key: ref.region for ref in refs if ref.region},
        size_class_of={ref.key: size_class(ref.population) for ref in refs if ref.population is not None},
        networks_of={ref.key: [NETWORK_SLUG] for ref in refs if ref.key in network},
    )
    events = [Event(org, family, year) for (org, family), year in sorted(first.items())]
    return Registry(events, features, len(plan.families))


def demo_run() -> dict[str, Any]:
    started = time.monotonic()
    registries = demo_registries(DEMO_SEEDS)
    log(f"demo: {len(registries)} registries planned in {time.monotonic() - started:.0f} s")
    out: list[dict[str, Any]] = []
    for seed, registry in zip(DEMO_SEEDS, registries, strict=True):
        events, features = registry.events, registry.features
        log(
            f"demo seed {seed}: {len(events):,} adoptions of {registry.families} families by "
            f"{len({e.organisation for e in events})} organisations"
        )
        splits = []
        blends = (0.5, 0.0, 1.0) if seed == DEMO_SEEDS[0] else (0.5,)  # the defaults; each part alone on the demo's
        for cutoff in DEMO_CUTOFFS:
            for blend in blends:
                result = evaluate_time_split(
                    events, cutoff, features=features, settings=RecommenderSettings(blend=blend)
                )
                splits.append({"blend": blend, **result.as_dict()})
                log(
                    f"demo seed {seed} cutoff {cutoff}, blend {blend}: hit@10 {result.hit_rate:.3f} vs "
                    f"{result.baseline_hit_rate:.3f} (recency-weighted {result.recent_baseline_hit_rate:.3f}), "
                    f"recall@10 {result.recall_at_k:.4f} vs {result.baseline_recall:.4f} (recency-weighted "
                    f"{result.recent_baseline_recall:.4f}) ({result.organisations} organisations, "
                    f"{result.targets} targets, {result.cold_adoptions} cold)"
                )
        out.append(
            {
                "seed": seed,
                "families": registry.families,
                "adoptions": len(events),
                "organisations": len({e.organisation for e in events}),
                "splits": splits,
            }
        )
    for cutoff in DEMO_CUTOFFS:
        rows = [s for r in out for s in r["splits"] if s["cutoff_year"] == cutoff and s["blend"] == 0.5]
        means = {
            f: statistics.mean(s[f] for s in rows) for f in ("recall_at_k", "baseline_recall", "recent_baseline_recall")
        }
        wins = sum(s["recall_at_k"] > s["recent_baseline_recall"] for s in rows)
        log(
            f"demo cutoff {cutoff}, mean over {len(rows)} seeds: recall@10 {means['recall_at_k']:.4f} vs "
            f"{means['baseline_recall']:.4f} (recency-weighted {means['recent_baseline_recall']:.4f}); beats "
            f"recency-weighted popularity on {wins} of {len(rows)}"
        )
    return {"seeds": out}


class Synthetic(NamedTuple):
    events: list[Event]
    features: OrganisationFeatures


def synthetic(organisations: int, innovations: int, seed: int = 13) -> Synthetic:
    """The registry described in the module docstring, vectorised over organisations × innovations per year."""
    rng = np.random.default_rng(seed)
    regions = 19
    region_weight = rng.dirichlet(np.full(regions, 2.0))
    region = rng.choice(regions, size=organisations, p=region_weight)
    size = rng.choice(5, size=organisations, p=[0.4, 0.25, 0.15, 0.12, 0.08])
    networks = 40
    membership = rng.random((organisations, networks)) < 0.02  # about 0.8 networks an organisation
    intro = rng.integers(2008, 2025, size=innovations)
    home = rng.integers(0, regions, size=innovations)
    favoured = rng.integers(0, 5, size=innovations)
    p = np.exp(rng.normal(np.log(0.0001), 0.9, size=innovations)).astype(np.float32)
    q = np.exp(rng.normal(np.log(0.10), 0.5, size=innovations)).astype(np.float32)
    # Themes: an organisation cares about a few (Dirichlet-concentrated interests, mean 1), and adopts innovations
    # of those themes more readily: the item-to-item structure collaborative filtering can find.
    themes = 12
    theme = rng.integers(0, themes, size=innovations)
    interest = (rng.dirichlet(np.full(themes, 0.3), size=organisations) * themes).astype(np.float32)
    adopted = np.zeros((organisations, innovations), dtype=bool)
    year_of = np.zeros((organisations, innovations), dtype=np.int16)
    region_size = np.bincount(region, minlength=regions).astype(np.float32)
    network_size = np.maximum(membership.sum(axis=0), 1).astype(np.float32)
    in_networks = np.maximum(membership.sum(axis=1), 1).astype(np.float32)
    membership_f = membership.astype(np.float32)
    chunk = 500  # innovations at a time: keeps each organisations × innovations float array near 20 MB
    for year in range(2008, 2027):
        # Shares by the end of last year, from the adoption matrix as it stood then.
        region_share = np.stack([adopted[region == r].sum(axis=0) for r in range(regions)]).astype(np.float32)
        region_share /= np.maximum(region_size, 1)[:, np.newaxis]
        network_share = (membership_f.T @ adopted.astype(np.float32)) / network_size[:, np.newaxis]
        for start in range(0, innovations, chunk):
            cols = slice(start, start + chunk)
            hazard = p[np.newaxis, cols] * np.where(region[:, np.newaxis] == home[np.newaxis, cols], 4.0, 1.0)
            hazard *= np.where(size[:, np.newaxis] == favoured[np.newaxis, cols], 2.0, 1.0)
            hazard += q[cols] * region_share[region, cols]
            hazard += 0.5 * q[cols] * (membership_f @ network_share[:, cols]) / in_networks[:, np.newaxis]
            hazard *= interest[:, theme[cols]]
            hazard[:, intro[cols] > year] = 0.0
            new = (rng.random(hazard.shape, dtype=np.float32) < hazard) & ~adopted[:, cols]
            adopted[:, cols] |= new
            year_of[:, cols][new] = year
    rows, columns = np.nonzero(adopted)
    org_keys = [f"org{n:05d}" for n in range(organisations)]
    item_keys = [f"inn{n:05d}" for n in range(innovations)]
    events = [Event(org_keys[o], item_keys[i], int(year_of[o, i])) for o, i in zip(rows, columns, strict=True)]
    features = OrganisationFeatures(
        region_of={org_keys[n]: f"region{region[n]}" for n in range(organisations)},
        size_class_of={org_keys[n]: f"size{size[n]}" for n in range(organisations)},
        networks_of={
            org_keys[n]: [f"net{m}" for m in np.nonzero(membership[n])[0]]
            for n in range(organisations)
            if membership[n].any()
        },
    )
    return Synthetic(events, features)


def median_ms(call: Any, arguments: Sequence[Any]) -> tuple[float, float]:
    """Median and 95th percentile in ms over the arguments."""
    times = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def synthetic_run(organisations: int, innovations: int) -> dict[str, Any]:
    started = time.monotonic()
    data = synthetic(organisations, innovations)
    generated = time.monotonic() - started
    log(f"synthetic: {len(data.events):,} adoptions generated in {generated:.0f} s")
    model = fit_recommender(data.events, features=data.features)  # a warm-up, and the model queried below
    fit_times = []
    for _ in range(3):
        started = time.perf_counter()
        fit_recommender(data.events, features=data.features)
        fit_times.append(time.perf_counter() - started)
    rng = np.random.default_rng(1)
    orgs = [model.organisations[n] for n in rng.choice(len(model.organisations), 100, replace=False)]
    items = [model.innovations[n] for n in rng.choice(len(model.innovations), 100, replace=False)]
    recommend = median_ms(lambda org: model.for_organisation(org, 10), orgs)
    likely = median_ms(lambda item: model.likely_next(item, 10), items)
    also = median_ms(lambda item: model.also_adopted(item, 10), items)
    # Tuned honestly as on SPID: a small grid on the split before the reported ones (fit before 2019, predict
    # 2019-2021), then the reported splits with the settings it chose and with the defaults (chosen on SPID).
    tuning: list[dict[str, Any]] = []
    started = time.perf_counter()
    for similarity, blend in itertools.product(("cosine", "conditional"), (0.25, 0.5, 0.75, 0.9, 1.0)):
        settings = RecommenderSettings(similarity=similarity, blend=blend)  # type: ignore[arg-type]
        found = evaluate_time_split(data.events, 2019, features=data.features, settings=settings, until_year=2021)
        tuning.append({"settings": settings.__dict__, **found.as_dict()})
    tuning.sort(key=lambda r: (r["recall_at_k"], r["hit_rate"]), reverse=True)
    chosen = RecommenderSettings(**tuning[0]["settings"])
    log(f"synthetic tuning ({len(tuning)} settings, {time.perf_counter() - started:.0f} s): chose {chosen}")
    splits: list[dict[str, Any]] = []
    for label, settings in (("tuned", chosen), ("defaults", RecommenderSettings())):
        for cutoff in (2022, 2024):
            started = time.perf_counter()
            result: dict[str, Any] = evaluate_time_split(
                data.events, cutoff, features=data.features, settings=settings
            ).as_dict()
            result["seconds"] = time.perf_counter() - started
            result["settings"] = label
            splits.append(result)
            log(
                f"synthetic cutoff {cutoff} ({label}): hit@10 {result['hit_rate']:.3f} vs "
                f"{result['baseline_hit_rate']:.3f}, recall@10 {result['recall_at_k']:.4f} vs "
                f"{result['baseline_recall']:.4f} (recency-weighted popularity: "
                f"{result['recent_baseline_hit_rate']:.3f}, {result['recent_baseline_recall']:.4f}) "
                f"({result['organisations']:,} organisations, "
                f"{result['targets']:,} targets, {result['seconds']:.1f} s)"
            )
    out = {
        "organisations": organisations,
        "innovations": innovations,
        "adoptions": len(data.events),
        "generate_seconds": generated,
        "fit_seconds": fit_times,
        "fit_seconds_median": statistics.median(fit_times),
        "for_organisation_ms": recommend,
        "likely_next_ms": likely,
        "also_adopted_ms": also,
        "tuning": tuning,
        "splits": splits,
    }
    log(
        f"synthetic: fit {statistics.median(fit_times):.2f} s (median of 3), one organisation's recommendations "
        f"{recommend[0]:.1f} ms median ({recommend[1]:.1f} ms p95), likely next {likely[0]:.1f} ms, "
        f"also adopted {also[0]:.1f} ms"
    )
    return out


def blocks_run(organisations: int, innovations: int, sample: int = 200) -> dict[str, Any]:
    """Every organisation's top 10 as the registry recompute stores them: one at a time (`for_organisation`, timed
    on a sample and multiplied out) against blocks of organisations (`for_organisations`, timed on all of them),
    with the sample's answers compared (they must be identical)."""
    data = synthetic(organisations, innovations)
    model = fit_recommender(data.events, features=data.features)
    everyone = list(model.organisations)
    rng = np.random.default_rng(2)
    chosen = [everyone[n] for n in rng.choice(len(everyone), min(sample, len(everyone)), replace=False)]
    started = time.perf_counter()
    one_at_a_time = [model.for_organisation(org, 10) for org in chosen]
    per_organisation_s = (time.perf_counter() - started) / len(chosen)
    started = time.perf_counter()
    blocks = model.for_organisations(everyone, 10)
    blocks_s = time.perf_counter() - started
    position = {org: n for n, org in enumerate(everyone)}
    identical = all(blocks[position[org]] == answer for org, answer in zip(chosen, one_at_a_time, strict=True))
    out = {
        "organisations": len(everyone),
        "innovations": len(model.innovations),
        "adoptions": len(data.events),
        "one_at_a_time_ms_each": per_organisation_s * 1000,
        "one_at_a_time_all_s_estimated": per_organisation_s * len(everyone),
        "blocks_all_s": blocks_s,
        "speed_up": per_organisation_s * len(everyone) / blocks_s if blocks_s else None,
        "sample_identical": identical,
        "sample": len(chosen),
    }
    log(
        f"blocks: all {len(everyone):,} organisations in {blocks_s:.1f} s; one at a time "
        f"{per_organisation_s * 1000:.1f} ms each (sample of {len(chosen)}) = {out['one_at_a_time_all_s_estimated']:.0f} s; "
        f"x{out['speed_up']:.1f}; sample identical: {identical}"
    )
    if not identical:
        raise SystemExit("block answers differ from one-at-a-time answers")
    return out


def families_run(organisations: int, innovations: int, sample: int = 200) -> dict[str, Any]:
    """Every family's likely next adopters (top 10) as the registry recompute stores them: one at a time
    (`likely_next`, timed on a sample and multiplied out) against blocks of families (`likely_next_many`, timed
    on all of them), with the sample's answers compared (they must be identical); and every family's "also
    adopted" (one at a time, unchanged) for the rest of the per-family part."""
    data = synthetic(organisations, innovations)
    model = fit_recommender(data.events, features=data.features)
    families = list(model.innovations)
    rng = np.random.default_rng(3)
    chosen = [families[n] for n in rng.choice(len(families), min(sample, len(families)), replace=False)]
    started = time.perf_counter()
    one_at_a_time = [model.likely_next(family, 10) for family in chosen]
    per_family_s = (time.perf_counter() - started) / len(chosen)
    started = time.perf_counter()
    blocks = model.likely_next_many(families, 10)
    blocks_s = time.perf_counter() - started
    started = time.perf_counter()
    for family in families:
        model.also_adopted(family, 5)
    also_s = time.perf_counter() - started
    position = {family: n for n, family in enumerate(families)}
    identical = all(blocks[position[f]] == answer for f, answer in zip(chosen, one_at_a_time, strict=True))
    out = {
        "organisations": len(model.organisations),
        "families": len(families),
        "adoptions": len(data.events),
        "one_at_a_time_ms_each": per_family_s * 1000,
        "one_at_a_time_all_s_estimated": per_family_s * len(families),
        "blocks_all_s": blocks_s,
        "speed_up": per_family_s * len(families) / blocks_s if blocks_s else None,
        "also_adopted_all_s": also_s,
        "sample_identical": identical,
        "sample": len(chosen),
    }
    log(
        f"likely next: all {len(families):,} families in {blocks_s:.1f} s; one at a time "
        f"{per_family_s * 1000:.1f} ms each (sample of {len(chosen)}) = {out['one_at_a_time_all_s_estimated']:.0f} s; "
        f"x{out['speed_up']:.1f}; sample identical: {identical}; also adopted (all, one at a time) {also_s:.1f} s"
    )
    if not identical:
        raise SystemExit("block answers differ from one-at-a-time answers")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="rerun the hyperparameter search on SPID before 1990")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--innovations", type=int, default=6_500)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--demo", action="store_true", help="only the demo registry (keeps the other results)")
    parser.add_argument(
        "--blocks", action="store_true", help="only every organisation's top 10, in blocks vs one at a time"
    )
    parser.add_argument(
        "--families", action="store_true", help="only every family's likely next adopters, in blocks vs one at a time"
    )
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    if args.families:  # keeps the other results of an earlier run
        kept_families: dict[str, Any] = read_json(RESULTS) or {}
        found = families_run(args.organisations, args.innovations)
        kept_families["families"] = {**found, "measured": measured(load_before=load_before)}
        write_json(RESULTS, kept_families)
        log(f"results in {RESULTS}")
        return
    if args.blocks:  # keeps the other results of an earlier run
        kept_results: dict[str, Any] = read_json(RESULTS) or {}
        blocks = blocks_run(args.organisations, args.innovations)
        kept_results["blocks"] = {**blocks, "measured": measured(load_before=load_before)}
        write_json(RESULTS, kept_results)
        log(f"results in {RESULTS}")
        return
    if args.demo:  # the demo alone, keeping the other results of an earlier run
        kept: dict[str, Any] = read_json(RESULTS) or {}
        kept["demo"] = {**demo_run(), "measured": measured(load_before=load_before)}
        write_json(RESULTS, kept)
        log(f"results in {RESULTS}")
        return
    results: dict[str, Any] = {"spid": spid(args.tune), "spid_event_history": spid_event_history()}
    results["demo"] = demo_run()
    if not args.skip_synthetic:
        results["synthetic"] = synthetic_run(args.organisations, args.innovations)
    else:  # keep the synthetic figures of an earlier run
        results["synthetic"] = (read_json(RESULTS) or {}).get("synthetic")
    results["measured"] = measured(load_before=load_before)
    write_json(RESULTS, results)
    log(f"results in {RESULTS}")


if __name__ == "__main__":
    main()
