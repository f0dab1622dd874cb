"""`python -m bench.diffusion_event_history`: what the event-history models (does the network explain adoption?)
add to the registry-wide recomputation, on the database in DATABASE_URL, which must hold the demo registry
(`manage.py migrate && manage.py load_reference_data && manage.py load_demo_data`).

    DEBUG=true DATABASE_URL=sqlite:////tmp/eha.sqlite3 python -m bench.diffusion_event_history

`services.recompute_registry` timed three times each (wall clock; the median reported, the shared machine's load
average beside): without the models (`event_history_data` replaced by nothing), with every model fitted anew (the
stored ones deleted first: after a bulk load or a change to the partners), with nothing changed since the last run
(every fit's input digest matches: nothing refitted), and after one new adoption of the most adopted family (its own
model and its themes' refitted). Results in /tmp/innoverkko-bench/diffusion_event_history.json.
"""

import datetime
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import transaction  # noqa: E402  # after setup

from bench.common import BENCH_DIR, log, write_json  # noqa: E402
from diffusion import selectors, services  # noqa: E402
from diffusion.models import EventHistoryFigures  # noqa: E402
from innovations.models import Adoption, Innovation  # noqa: E402

REPEATS = 3


def timed(before: Callable[[], object] = lambda: None) -> list[float]:
    times = []
    for _ in range(REPEATS):
        before()
        start = time.perf_counter()
        services.recompute_registry()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    services.ensure_families()
    real = services.event_history_data
    results: dict[str, Any] = {"load_average_before": os.getloadavg()}
    services.event_history_data = lambda adoptions, previous=None: {}  # type: ignore[assignment]
    results["without"] = timed()
    services.event_history_data = real
    results["refitted"] = timed(lambda: EventHistoryFigures.objects.all().delete())
    results["unchanged"] = timed()

    # One more adopter of the most adopted family, undone after each run (a savepoint rolled back).
    biggest = max(EventHistoryFigures.objects.filter(kind="family"), key=lambda row: row.data["n_events"], default=None)
    one_adoption = []
    if biggest is not None:
        adopters = set(Innovation.objects.filter(pk=int(biggest.key)).values_list("owner_id", flat=True))
        adopters |= {a.organisation for a in selectors.registry_adoptions() if a.family == int(biggest.key)}
        outsider = Innovation.objects.exclude(owner_id__in=adopters).values_list("owner_id", flat=True).first()
        if outsider is None:
            raise SystemExit("Every organisation has adopted the largest family: no adopter to add.")
        source = Innovation.objects.get(pk=int(biggest.key))
        for _ in range(REPEATS):
            with transaction.atomic():
                copy = Innovation.objects.get(pk=source.pk)
                copy.pk = None
                copy.owner_id = outsider
                copy.save()
                Adoption.objects.create(source=source, result=copy, mode="copied", adopted_on=datetime.date.today())
                start = time.perf_counter()
                services.recompute_registry()
                one_adoption.append(time.perf_counter() - start)
                transaction.set_rollback(True)
            services.recompute_registry()  # back to the stored figures of the unchanged registry
    results["one_adoption"] = one_adoption
    rows = EventHistoryFigures.objects.all()
    results["models"] = {
        "families": sum(1 for r in rows if r.kind == "family"),
        "themes": sum(1 for r in rows if r.kind == "theme"),
        "organisation_years": sum(r.data["n_rows"] + r.data["n_dropped"] for r in rows),
    }
    results["median_seconds"] = {
        key: round(statistics.median(results[key]), 2)
        for key in ("without", "refitted", "unchanged", "one_adoption")
        if results[key]
    }
    results["load_average_after"] = os.getloadavg()
    log(str(results))
    write_json(BENCH_DIR / "diffusion_event_history.json", results)


if __name__ == "__main__":
    main()
