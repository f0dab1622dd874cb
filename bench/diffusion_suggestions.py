"""`python -m bench.diffusion_suggestions`: what storing "what to adopt next" adds to the registry-wide
recomputation, on the database in DATABASE_URL, which must hold the demo registry (`manage.py load_reference_data
&& manage.py load_demo_data`) or the bench registry (`bench.generate`).

    DEBUG=true DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.diffusion_suggestions
    DEBUG=true DATABASE_URL=postgres://…/<bench db> python -m bench.diffusion_suggestions --no-recompute

Timed once each (wall clock, the shared machine's load average recorded beside): reading the published adoptions,
the network figures (`services.registry_data`), the recommender's input and fit, every organisation's top 10 (in
blocks, as the recompute asks), every family's also adopted, every family's likely next adopters in blocks (as the
recompute asks) and one family at a time (`likely_next`, timed on a sample of --sample families and multiplied
out: what the recompute did before; the sample's answers must equal the blocks'), and the whole
`services.recompute_registry` (which stores them all; `--no-recompute` leaves it out).
Results in $BENCH_DIR/diffusion_suggestions.json; docs/benchmarks.md has the figures.
"""

import argparse
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402  # after setup

from bench.common import BENCH_DIR, log, measured, write_json  # noqa: E402
from diffusion import selectors, services  # noqa: E402
from diffusion.maths.recommend import fit_recommender  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200, help="families asked one at a time")
    parser.add_argument("--no-recompute", action="store_true", help="leave out the whole recompute_registry")
    args = parser.parse_args()
    load_before = os.getloadavg()
    services.ensure_families()
    times: dict[str, float] = {}
    start = time.perf_counter()
    adoptions = selectors.registry_adoptions()
    times["read_adoptions"] = time.perf_counter() - start
    start = time.perf_counter()
    services.registry_data(adoptions)
    times["network_figures"] = time.perf_counter() - start
    start = time.perf_counter()
    events, features, organisations = services.recommender_input(adoptions)
    model = fit_recommender(events, features=features, now_year=timezone.localdate().year)
    times["recommender_input_and_fit"] = time.perf_counter() - start
    start = time.perf_counter()
    model.for_organisations(organisations, services.RECOMMENDATIONS_KEPT)
    times["for_organisations_all"] = time.perf_counter() - start
    families = list(model.innovations)
    start = time.perf_counter()
    for family in families:
        model.also_adopted(family, services.ALSO_ADOPTED_KEPT)
    times["also_adopted_all"] = time.perf_counter() - start
    start = time.perf_counter()
    blocks = model.likely_next_many(families, services.LIKELY_NEXT_KEPT)
    times["likely_next_all_in_blocks"] = time.perf_counter() - start
    chosen = sorted(random.Random(13).sample(range(len(families)), min(args.sample, len(families))))  # noqa: S311
    start = time.perf_counter()
    one_at_a_time = [model.likely_next(families[n], services.LIKELY_NEXT_KEPT) for n in chosen]
    per_family = (time.perf_counter() - start) / max(len(chosen), 1)
    times["likely_next_one_at_a_time_each"] = per_family
    times["likely_next_all_one_at_a_time_estimated"] = per_family * len(families)
    if any(blocks[n] != answer for n, answer in zip(chosen, one_at_a_time, strict=True)):
        raise SystemExit("block answers differ from one-at-a-time answers")
    if not args.no_recompute:
        start = time.perf_counter()
        services.recompute_registry()
        times["recompute_registry"] = time.perf_counter() - start
    result = {
        "adoptions": len(adoptions),
        "organisations": len(organisations),
        "families": len(model.innovations),
        "seconds": {key: round(value, 4) for key, value in times.items()},
        "sample": len(chosen),
        "measured": measured(load_before=load_before),
    }
    log(str(result))
    write_json(BENCH_DIR / "diffusion_suggestions.json", result)


if __name__ == "__main__":
    main()
