"""Computing the stored diffusion figures: never on a page request, always after writes (`diffusion.staleness`
schedules `recompute_soon` after the response) or from `recompute_diffusion` (cron; the task queue of issue 17
will call the same functions). Each function reads the published registry through `diffusion.selectors`, hands
plain numbers to `diffusion.maths`, and stores JSON.

A family's figures are cheap (one family, one fit) and are recomputed after the response that changed them. The
registry-wide figures (the network of who learns from whom, region flows, trends) read every published record, so
after a response they are recomputed at most once per `REGISTRY_MIN_INTERVAL`; cron catches the rest.
"""

import datetime
import logging
import math
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from diffusion import selectors
from diffusion.maths.bass import BassFit, adopters_per_year, fit_bass
from diffusion.maths.categories import bass_boundaries, rogers_categories
from diffusion.models import FamilyFigures, RegistryFigures
from innovations.models import Innovation
from innovations.vocabulary import Status

logger = logging.getLogger(__name__)

# Families recomputed after one response: a write touches one or two; the rest waits for cron.
FAMILIES_PER_RESPONSE = 20
REGISTRY_MIN_INTERVAL = datetime.timedelta(minutes=5)
CATEGORY_CODES = ("innovator", "early_adopter", "early_majority", "late_majority", "laggard", "non_adopter")


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: a figure the maths could not give is stored as null."""
    return None if value is None or not math.isfinite(value) else float(value)


def fit_data(fit: BassFit) -> dict[str, Any]:
    return {
        "method": fit.method,
        "p": _finite(fit.p),
        "q": _finite(fit.q),
        "m": _finite(fit.m),
        "se_p": _finite(fit.se_p),
        "se_q": _finite(fit.se_q),
        "se_m": _finite(fit.se_m),
        "periods": list(fit.periods),
        "fitted": [_finite(v) for v in fit.fitted],
        "cumulative_low": [_finite(v) for v in fit.cumulative_low],
        "cumulative_high": [_finite(v) for v in fit.cumulative_high],
        "peak_year": _finite(fit.peak_year),  # a calendar year with its fraction
        "past_inflection": fit.past_inflection,
        "converged": fit.converged,
    }


def family_data(family: selectors.Family) -> dict[str, Any]:
    """The stored figures of one family: curve, fit, flags, categories (plain JSON)."""
    first_years = family.first_years()
    kinds = {member.organisation.kind for member in family.members}
    population = max(selectors.population(kinds), len(first_years))
    years, counts = adopters_per_year(first_years.values(), last=max(first_years.values()))
    cumulative = []
    total = 0
    for count in counts:
        total += count
        cumulative.append(total)
    fit = fit_bass(list(first_years.values()), population=population, first=years[0], last=years[-1])
    times: dict[str, float | None] = {str(org): float(year) for org, year in first_years.items()}
    categories = rogers_categories(times)
    counted = Counter(categories.values())
    counted["non_adopter"] = population - len(first_years)
    boundaries = {name: _finite(year) for name, year in bass_boundaries(fit).items()}
    return {
        "population": population,
        "kinds": sorted(kinds),
        "curve": {"years": list(years), "adopters": list(counts), "cumulative": cumulative},
        "fit": fit_data(fit),
        "flags": list(fit.flags),
        "categories": categories,
        "category_counts": {code: counted.get(code, 0) for code in CATEGORY_CODES},
        "boundaries": boundaries,
    }


def recompute_family(root_id: int) -> bool:
    """Recomputes one family's figures; True when they were stored (False: changed meanwhile, or not a root)."""
    row = FamilyFigures.objects.filter(root_id=root_id).values_list("generation", flat=True).first()
    if row is None:
        return False
    generation = row
    version = selectors.state_version()
    family = selectors.family(root_id)
    if family is None or family.root_id != root_id:
        # No longer the original of a published family (unpublished, or now adopted from a published record).
        FamilyFigures.objects.filter(root_id=root_id, generation=generation).delete()
        return False
    data = family_data(family)
    updated = FamilyFigures.objects.filter(root_id=root_id, generation=generation).update(
        stale=False,
        computed_generation=generation,
        registry_version=version,
        computed_at=timezone.now(),
        members=len(family.members),
        adopters=len(family.first_years()),
        data=data,
    )
    return bool(updated)


def recompute_stale(limit: int | None = None) -> int:
    """Recomputes stale families, oldest marks first; returns how many were stored."""
    roots = FamilyFigures.objects.filter(stale=True).order_by("root_id").values_list("root_id", flat=True)
    done = 0
    for root_id in list(roots[:limit] if limit else roots):
        if recompute_family(root_id):
            done += 1
    return done


def ensure_families() -> int:
    """Stale rows for every published original that has none (after a bulk load that went around the services,
    such as the demo data); returns how many were added."""
    originals = (
        Innovation.objects.filter(status=Status.PUBLISHED, family_figures__isnull=True)
        .exclude(adopted_from__source__status=Status.PUBLISHED)
        .values_list("pk", flat=True)
    )
    made = FamilyFigures.objects.bulk_create(
        [FamilyFigures(root_id=pk) for pk in originals.iterator(chunk_size=5000)],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(made)


def trends(adoptions: list[selectors.RegistryAdoption]) -> dict[str, Any]:
    """Published records per year by how they came about: new, adapted, copied."""
    by_year: dict[int, Counter[str]] = {}
    for adoption in adoptions:
        by_year.setdefault(adoption.year, Counter())[adoption.novelty] += 1
    years = sorted(by_year)
    return {
        "years": years,
        "new": [by_year[y]["new"] for y in years],
        "adapted": [by_year[y]["adapted"] for y in years],
        "copied": [by_year[y]["copied"] for y in years],
    }


def registry_data() -> dict[str, Any]:
    adoptions = selectors.registry_adoptions()
    return {"trends": trends(adoptions), "records": len(adoptions)}


def registry_is_stale() -> bool:
    figures = selectors.registry_figures()
    return figures is None or figures.registry_version < selectors.state_version()


def recompute_registry() -> None:
    """The registry-wide figures anew, from the version read before reading the registry (a write meanwhile
    leaves them stale)."""
    version = selectors.state_version()
    data = registry_data()
    with transaction.atomic():
        RegistryFigures.objects.update_or_create(
            pk=1, defaults={"registry_version": version, "computed_at": timezone.now(), "data": data}
        )


def recompute_soon() -> None:
    """After a response that changed something: its families, and the registry-wide figures when they were not
    computed in the last few minutes."""
    recompute_stale(limit=FAMILIES_PER_RESPONSE)
    figures = selectors.registry_figures()
    recent = figures is not None and timezone.now() - figures.computed_at < REGISTRY_MIN_INTERVAL
    if registry_is_stale() and not recent:
        recompute_registry()


def mark_all_stale() -> None:
    FamilyFigures.objects.update(stale=True, generation=F("generation") + 1)
