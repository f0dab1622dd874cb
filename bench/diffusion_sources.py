"""`DEBUG=true python -m bench.diffusion_sources`: how often the suggested sources ("you may have learned this
from…") name the true source, on the registry in the database (the demo registry after `load_demo_data`).

Held-out lineage: a seeded share of the recorded adoptions whose record nobody adopted from (leaves, so no family
is cut in two) is turned into records with no recorded source, as the demo's unrecorded ones are (own family,
same title and date); the pipeline the registry recomputation runs (`join_unsourced`, `infer_ties`, the choice
model fitted on the recorded lineage WITHOUT the held-out adoptions, `ranked_sources`; --netinf-only: NetInf's most
likely tree, `suggest_sources`, `suggested_sources`) then suggests up to three sources for each, and we count how often the true
source's organisation is the first suggestion or among them (--timing-only: NetInf without the recomputation's
network restriction of the candidate ties). Baselines on the same joined families: the latest
earlier adopter (timing alone) and the family's original. CPU time of the whole pipeline, median of --repeats.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import argparse
import dataclasses
import random
import statistics
import time


def main() -> None:
    import django

    django.setup()
    from diffusion import selectors, services
    from diffusion.maths.inference import default_rate, infer_ties, suggest_sources
    from diffusion.maths.source_choice import FEATURES
    from diffusion.maths.unrecorded import join_unsourced, ranked_sources, suggested_sources
    from innovations.models import Adoption
    from innovations.vocabulary import Status

    parser = argparse.ArgumentParser()
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--k", type=int, default=None, help="with --timing-only: ties to infer")
    parser.add_argument("--netinf-only", action="store_true", help="NetInf's most likely tree, no choice model")
    parser.add_argument("--timing-only", action="store_true", help="no network restriction of the candidate ties")
    args = parser.parse_args()

    records = selectors.inference_records(selectors.registry_adoptions())
    by_id = {r.id: r for r in records}
    edges = list(
        Adoption.objects.filter(source__status=Status.PUBLISHED, result__status=Status.PUBLISHED).values_list(
            "result_id", "source_id"
        )
    )
    sources = {source for _result, source in edges}
    leaves = sorted(result for result, _source in edges if result not in sources and result in by_id)
    held = random.Random(args.seed).sample(leaves, round(len(leaves) * args.share))  # noqa: S311  # a seeded sample
    truth = {result: by_id[source].organisation for result, source in edges if result in set(held)}
    changed = [
        dataclasses.replace(r, family=r.id, unsourced=True)
        if r.id in truth
        else dataclasses.replace(r, unsourced=False)
        for r in records
    ]
    adoptions = selectors.registry_adoptions()
    # The choice model learns from the recorded lineage WITHOUT the held-out adoptions (no leakage).
    training = {
        a.innovation: a.source_organisation
        for a in adoptions
        if a.source_organisation is not None and a.innovation not in truth
    }
    if set(training) & set(truth):
        raise SystemExit("a held-out adoption is in the training data")
    seconds = []
    fit = None
    for _ in range(args.repeats):
        start = time.process_time()
        joined = join_unsourced(changed)
        slots = sum(len(t) - 1 for t in joined.cascades.values() if len(t) > 1)
        if args.timing_only:  # every earlier adopter may be the source: NetInf on timing alone
            ties = infer_ties(joined.cascades, k=args.k or min(services.SOURCE_TIES, 2 * slots))
        else:
            ties = services.infer_source_ties(joined.cascades, services.Relations.read())
        found: dict[int, list[int]]
        if args.netinf_only:
            tree = suggested_sources(
                changed, joined, suggest_sources(joined.cascades, ties), kept=services.SOURCES_KEPT
            )
            found = {r: [source for source, _s in items] for r, items in tree.items()}
        else:
            relations = services.Relations.read()
            describe = services.source_describe(relations, ties, default_rate(joined.cascades))
            fit = services.fit_source_choice(changed, training, describe)
            ranked = ranked_sources(changed, joined, describe, fit.weights, kept=services.SOURCES_KEPT)
            found = {r: [s.source for s in items] for r, items in ranked.items()}
        seconds.append(time.process_time() - start)
    first = among = latest_hit = original_hit = baseline_three = original_first = 0
    changed_by_id = {r.id: r for r in changed}
    for record_id, organisation in truth.items():
        record = changed_by_id[record_id]
        suggestions = [changed_by_id[s].organisation for s in found.get(record_id, [])]
        first += bool(suggestions) and suggestions[0] == organisation
        among += organisation in suggestions
        families = joined.joined.get(record_id, [])
        if families:
            cascade = joined.cascades[families[0]]
            earlier = {o: t for o, t in cascade.items() if t < record.time}
            if earlier:
                latest_hit += max(earlier, key=lambda o: earlier[o]) == str(organisation)
                original_hit += min(earlier, key=lambda o: earlier[o]) == str(organisation)
                original_first += bool(suggestions) and str(suggestions[0]) == min(earlier, key=lambda o: earlier[o])
                # Three guesses without a model: the original and the two latest earlier adopters.
                by_time = sorted(earlier, key=lambda o: earlier[o])
                baseline_three += str(organisation) in {by_time[0], *by_time[-2:]}
    n = len(truth)
    print(f"records {len(records)}, held-out adoptions {n} of {len(leaves)} leaves (share {args.share})")
    print(f"joined to a family: {sum(r in joined.joined for r in truth) / n:.0%}")
    print(f"with a suggestion: {sum(r in found for r in truth) / n:.0%}")
    print(f"true source first: {first / n:.0%}; among the suggestions (up to {services.SOURCES_KEPT}): {among / n:.0%}")
    print(
        f"baselines in the best-matching family: latest earlier adopter {latest_hit / n:.0%}, original {original_hit / n:.0%}"
    )
    print(f"first suggestion is the best-matching family's original: {original_first / n:.0%}")
    print(f"baseline of three guesses (the original and the two latest earlier adopters): {baseline_three / n:.0%}")
    if fit is not None:
        print(
            f"choice model fitted on {fit.n} recorded choices: log-likelihood {fit.log_likelihood:.1f} (null {fit.null_log_likelihood:.1f})"
        )
        for name, w, se in zip(FEATURES, fit.weights, fit.standard_errors, strict=True):
            print(f"  {name:16s} {w:+.3f} ({se:.3f})")
    print(f"CPU of the pipeline: median {statistics.median(seconds):.2f} s of {args.repeats}")


if __name__ == "__main__":
    main()
