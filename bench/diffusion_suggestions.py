"""`python -m bench.diffusion_suggestions`: what storing "what to adopt next" adds to the registry-wide
recomputation, on the database in DATABASE_URL, which must hold the demo registry (`manage.py load_reference_data
&& manage.py load_demo_data`).

    DEBUG=true DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.diffusion_suggestions

Timed once each (wall clock, the shared machine's load average recorded beside): reading the published adoptions,
the network figures (`services.registry_data`), the recommender's input and fit, every organisation's top 10,
every family's also adopted and likely next, and the whole `services.recompute_registry` (which stores them all).
Results in /tmp/innoverkko-bench/diffusion_suggestions.json; docs/benchmarks.md has the figures.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402  # after setup

from bench.common import BENCH_DIR, log, write_json  # noqa: E402
from diffusion import selectors, services  # noqa: E402
from diffusion.maths.recommend import fit_recommender  # noqa: E402


def main() -> None:
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
    for organisation in organisations:
        model.for_organisation(organisation, services.RECOMMENDATIONS_KEPT)
    times["for_organisation_all"] = time.perf_counter() - start
    start = time.perf_counter()
    for family in model.innovations:
        model.also_adopted(family, services.ALSO_ADOPTED_KEPT)
        model.likely_next(family, services.LIKELY_NEXT_KEPT)
    times["family_lists_all"] = time.perf_counter() - start
    start = time.perf_counter()
    services.recompute_registry()
    times["recompute_registry"] = time.perf_counter() - start
    result = {
        "adoptions": len(adoptions),
        "organisations": len(organisations),
        "families": len(model.innovations),
        "seconds": {key: round(value, 3) for key, value in times.items()},
        "load_average": os.getloadavg(),
    }
    log(str(result))
    write_json(BENCH_DIR / "diffusion_suggestions.json", result)


if __name__ == "__main__":
    main()
