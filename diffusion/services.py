"""Computing the stored diffusion figures: never on a page request, always after writes (`diffusion.staleness`
schedules `recompute_soon` after the response) or from `recompute_diffusion` (cron; the task queue of issue 17
will call the same functions). Each function reads the published registry through `diffusion.selectors`, hands
plain numbers to `diffusion.maths`, and stores JSON.

A family's figures are cheap (one family, one fit) and are recomputed after the response that changed them. The
registry-wide figures (the network of who learns from whom, region flows, trends) read every published record, so
after a response they are recomputed at most once per `REGISTRY_MIN_INTERVAL`, and only while the registry is small
(`REGISTRY_AFTER_RESPONSE_LIMIT`); cron catches the rest (and, later, the task queue). The
event-history models are refitted by cron only: refitting them all takes seconds.
"""

import datetime
import hashlib
import itertools
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Actor, person_of
from core.permissions import require
from diffusion import selectors
from diffusion.maths.adoption_table import AdoptionEvent
from diffusion.maths.bass import BassFit, adopters_per_year, fit_bass
from diffusion.maths.categories import (
    bass_boundaries,
    ranks_within,
    rogers_categories,
    walker_scores_by_year,
)
from diffusion.maths.event_history import EffectsTable, event_history_table, fit_event_history
from diffusion.maths.inference import default_rate, infer_ties
from diffusion.maths.network import (
    build_network,
    flow_matrix,
    load_region_adjacency,
    organisation_metrics,
    peer_comparisons,
    region_flows,
    travel_distances,
)
from diffusion.maths.recommend import OrganisationFeatures, Reason, fit_recommender
from diffusion.maths.source_choice import FEATURES, ChoiceError, candidate_features, fit_conditional_logit
from diffusion.maths.survival import kaplan_meier, summarise
from diffusion.maths.unrecorded import (
    join_unsourced,
    network_candidates,
    ranked_sources,
    recorded_choices,
)
from diffusion.models import (
    EventHistoryFigures,
    FamilyFigures,
    FamilySuggestions,
    OrganisationFigures,
    OrganisationRecommendations,
    RegistryFigures,
    SourceSuggestion,
    SuggestionState,
)
from innovations.models import Classification, Innovation, Partnership
from innovations.vocabulary import Dimension, Novelty, Status
from organisations.models import NetworkMembership, Organisation, Region

logger = logging.getLogger(__name__)

# Families recomputed after one response: a write touches one or two; the rest waits for cron.
FAMILIES_PER_RESPONSE = 20
REGISTRY_MIN_INTERVAL = datetime.timedelta(minutes=5)
REGISTRY_AFTER_RESPONSE_LIMIT = 20_000  # published records; above it only recompute_diffusion recomputes the registry
BETWEENNESS_EXACT_UP_TO = 2000
BETWEENNESS_SAMPLE = 500
TIES_SHOWN = 10  # the strongest learning ties kept per organisation, for its page
REGIONS_TOPOLOGY = Path(settings.BASE_DIR) / "reference_data" / "finland-regions-2020.topo.json"
RECOMMENDATIONS_KEPT = 10  # what to adopt next, per organisation
ALSO_ADOPTED_KEPT = 5
LIKELY_NEXT_KEPT = 10
SOURCES_KEPT = 3  # suggested sources per record with no recorded source
SOURCE_TIES = 5000  # at most this many ties inferred (NetInf's k) over the whole registry
SMALL_GROUP = 5  # families: a type or theme with fewer is marked, its figures are a few cases, not a pattern
DAYS_PER_YEAR = 365.25
# Does the network explain adoption (Berry & Berry's logit, diffusion.maths.event_history)? A family is fitted alone
# once EventHistoryFigures.FAMILY_MIN_ADOPTERS organisations have adopted it (why twenty: there).
# A theme pools its families (a fixed effect each) that at least two organisations adopted: a family nobody took
# up has every share at zero and only feeds its own intercept.
EVENT_HISTORY_THEME_FAMILY_MIN_ADOPTERS = 2
# Bounds on the work, which grows as organisations × years × families (about 40 µs an organisation-year on the
# shared machine, docs/benchmarks.md): a theme pools its most adopted families until this many organisation-years
# (the rest named in a flag); the most adopted families are fitted alone, at most this many and until the second
# budget is spent. The demo registry stays far below all three (505,665 organisation-years in all; its largest
# theme about 66,000). At the bench registry's size (10,000 organisations) a family alone is ~190,000 rows, so the
# budgets, not the thresholds, decide what is fitted there.
EVENT_HISTORY_MAX_ROWS = 250_000
EVENT_HISTORY_MAX_FAMILIES = 100
EVENT_HISTORY_MAX_FAMILY_ROWS = 1_000_000
EVENT_HISTORY_COVARIATES = ("partners_share", "region_share", "size_class_share", "size")
# Newton's method fits a logit in 8–15 iterations (the demo's fits); one that needs more is running off (separation)
# and is flagged no_convergence either way: 35 (statsmodels' default) rather than 100 saves most of its time.
EVENT_HISTORY_MAX_ITERATIONS = 35
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
        # For the maps (drawn from these stored figures alone): where and when, by municipality and region code.
        "places": dict(zip(("municipalities", "regions"), family.place_years(), strict=True)),
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


@dataclass(frozen=True)
class FamilyTiming:
    """One published family as a time to an event: from the original's introduction to the first adoption by
    another organisation, or censored at its present age when nobody has adopted it yet."""

    root: int
    introduced: datetime.date
    years: float  # to the first adoption, or (censored) to today
    adopted: bool
    adopters: int  # distinct organisations other than the original's owner


def family_timings(adoptions: list[selectors.RegistryAdoption], today: datetime.date) -> list[FamilyTiming]:
    """Every published family's time to its first adoption by another organisation. An adoption dated before the
    original's introduction (a record entered late) counts as at once: time 0."""
    originals = {a.family: a for a in adoptions if a.innovation == a.family}
    first: dict[int, datetime.date] = {}
    adopters: dict[int, set[int]] = {}
    for a in adoptions:
        original = originals.get(a.family)
        if original is None or a.innovation == a.family or a.organisation == original.organisation or a.date is None:
            continue
        adopters.setdefault(a.family, set()).add(a.organisation)
        if a.family not in first or a.date < first[a.family]:
            first[a.family] = a.date
    out = []
    for root, original in sorted(originals.items()):
        introduced = original.date or datetime.date(original.year, 1, 1)
        end = first.get(root, today)
        out.append(
            FamilyTiming(
                root,
                introduced,
                max(0, (end - introduced).days) / DAYS_PER_YEAR,
                root in first,
                len(adopters.get(root, ())),
            )
        )
    return out


def _summary(timings: list[FamilyTiming]) -> dict[str, Any]:
    found = summarise([t.years for t in timings], [t.adopted for t in timings])
    return {
        "families": found.total,
        "adopted": found.observed,
        "q1": _finite(found.q1),
        "median": _finite(found.median),
        "q3": _finite(found.q3),
        "unadopted_share": _finite(found.unobserved_share),
        "remaining": _finite(found.remaining),
    }


def time_to_adoption(timings: list[FamilyTiming]) -> dict[str, Any]:
    """Kaplan–Meier's time to the first adoption, overall (with its curve: the share not yet adopted by each time)
    and by year of introduction."""
    fit = kaplan_meier([t.years for t in timings], [t.adopted for t in timings])
    by_year: dict[int, list[FamilyTiming]] = {}
    for timing in timings:
        by_year.setdefault(timing.introduced.year, []).append(timing)
    return {
        "overall": {
            **_summary(timings),
            "curve": {"years": [round(t, 3) for t in fit.times], "unadopted": [_finite(s) for s in fit.survival]},
        },
        "by_year": [{"year": year, **_summary(group)} for year, group in sorted(by_year.items())],
    }


def spread_rows(timings: list[FamilyTiming], classified: Iterable[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Per (dimension, code) of the originals — `classified` gives (dimension, code, innovation id) — families,
    adopters per family and the median time to the first adoption; fastest first (a median nobody reached last),
    groups under SMALL_GROUP families marked."""
    roots = {t.root: t for t in timings}
    groups: dict[tuple[str, str], list[FamilyTiming]] = {}
    for dimension, code, pk in classified:
        if pk in roots:
            groups.setdefault((dimension, code), []).append(roots[pk])
    rows = []
    for (dimension, code), group in groups.items():
        summary = _summary(group)
        rows.append(
            {
                "dimension": dimension,
                "code": code,
                "families": len(group),
                "adopters_per_family": sum(t.adopters for t in group) / len(group),
                "median": summary["median"],
                "unadopted_share": summary["unadopted_share"],
                "small": len(group) < SMALL_GROUP,
            }
        )
    rows.sort(
        key=lambda r: (r["median"] is None, r["median"] or 0.0, -r["adopters_per_family"], r["dimension"], r["code"])
    )
    return rows


def spread_by_group(timings: list[FamilyTiming]) -> list[dict[str, Any]]:
    """Which innovation types and themes spread fastest: `spread_rows` over the published records' types and
    themes (two queries)."""
    types = Classification.objects.filter(dimension=Dimension.TYPE, innovation__status=Status.PUBLISHED)
    themes = Innovation.themes.through.objects.filter(innovation__status=Status.PUBLISHED)
    classified = itertools.chain(
        (("type", code, pk) for pk, code in types.values_list("innovation_id", "code").iterator(chunk_size=5000)),
        (
            ("theme", slug, pk)
            for pk, slug in themes.values_list("innovation_id", "theme__slug").iterator(chunk_size=5000)
        ),
    )
    return spread_rows(timings, classified)


def registry_data(
    adoptions: list[selectors.RegistryAdoption] | None = None,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """The registry-wide figures and every organisation's figures, from the published records."""
    if adoptions is None:
        adoptions = selectors.registry_adoptions()
    organisations = list(Organisation.objects.values_list("pk", "size_class", "region__code"))
    region_of = {str(pk): region for pk, _size, region in organisations if region}
    size_class_of = {str(pk): size for pk, size, _region in organisations if size}
    # Learning ties: the adopter learned from the source record's owner (an organisation re-adopting within its
    # own family is no tie).
    learning = [
        (str(a.source_organisation), str(a.organisation), a.year)
        for a in adoptions
        if a.source_organisation is not None and a.source_organisation != a.organisation
    ]
    partnerships = [
        (str(owner), str(partner))
        for owner, partner in Partnership.objects.filter(innovation__status=Status.PUBLISHED).values_list(
            "innovation__owner_id", "organisation_id"
        )
        if owner != partner
    ]
    active = {a.organisation for a in adoptions}
    network = build_network(
        learning, partnerships, now_year=timezone.localdate().year, organisations=[str(pk) for pk in active]
    )
    # Exact betweenness is cubic-ish: on a large network it is estimated from a seeded sample (D2's estimator).
    sample = BETWEENNESS_SAMPLE if len(network.organisations) > BETWEENNESS_EXACT_UP_TO else None
    metrics = organisation_metrics(network, betweenness_sample=sample)
    peers = peer_comparisons(metrics, size_class_of=size_class_of, region_of=region_of)
    events = [AdoptionEvent(str(a.organisation), str(a.family), a.year) for a in adoptions]
    # Walker's score as it stood at the end of each year; the last year's is the static score (the module's
    # definition), so the adoption table is built once. Turned inside out: organisation -> {year: score}.
    dynamic = walker_scores_by_year(events, [str(pk) for pk in active])
    walker = dynamic[max(dynamic)] if dynamic else {}
    walker_by_year: dict[str, dict[str, float]] = {}
    for year, scores in dynamic.items():
        for key, score in scores.items():
            walker_by_year.setdefault(key, {})[str(year)] = score
    walker_innovations = Counter(org for org, _family in {(e.organisation, e.innovation) for e in events})
    walker_ranks = ranks_within(walker, size_class_of)
    community_sizes = Counter(m.community for m in metrics.values())
    sources: dict[str, list[tuple[float, str]]] = {}
    adopters: dict[str, list[tuple[float, str]]] = {}
    for tie in network.learning:
        sources.setdefault(tie.target, []).append((tie.weight, tie.source))
        adopters.setdefault(tie.source, []).append((tie.weight, tie.target))

    def strongest(ties: list[tuple[float, str]]) -> list[int]:
        return [int(key) for _weight, key in sorted(ties, key=lambda t: (-t[0], int(t[1])))[:TIES_SHOWN]]

    per_organisation = {
        int(key): {
            "learned_from": m.learned_from,
            "taught": m.taught,
            "adoptions_in": m.adoptions_in,
            "adoptions_out": m.adoptions_out,
            "partners": m.partners,
            "betweenness": _finite(m.betweenness),
            "influence": _finite(m.influence),
            "community": m.community,
            "community_size": community_sizes[m.community],
            "role": m.role,
            "walker": _finite(walker.get(key)),
            "walker_by_year": {year: _finite(score) for year, score in walker_by_year.get(key, {}).items()},
            "walker_innovations": walker_innovations.get(key, 0),  # families it took into use, its own included
            "walker_rank": (
                {"rank": walker_ranks[key][0], "of": walker_ranks[key][1], "size_class": size_class_of[key]}
                if key in walker_ranks
                else None
            ),
            "sources": strongest(sources.get(key, [])),
            "adopters": strongest(adopters.get(key, [])),
            "peers": [
                {"group": g.group, "value": g.value, "peers": g.peers, "percentiles": g.percentiles}
                for g in (peers[key].groups if key in peers else ())
            ],
        }
        for key, m in metrics.items()
    }
    flows = region_flows(learning, region_of)
    neighbours = load_region_adjacency(REGIONS_TOPOLOGY)
    regions = sorted(Region.objects.values_list("code", flat=True))
    timings = family_timings(adoptions, timezone.localdate())
    data = {
        "records": len(adoptions),
        "trends": trends(adoptions),
        "region_flows": [[source, target, n] for (source, target), n in sorted(flows.items())],
        # Row: the source's region, column: the adopter's, in the order of `regions` (every region, by code).
        "flow_matrix": {"regions": regions, "adoptions": flow_matrix(flows, regions)},
        "time_to_adoption": time_to_adoption(timings),
        "spread_by_group": spread_by_group(timings),
        "small_group": SMALL_GROUP,
        "travel": travel_distances(learning, region_of, neighbours),
        "organisations": len(metrics),
        "learning_ties": len(network.learning),
        "betweenness_sample": sample,
    }
    return data, per_organisation


def reason_data(reason: Reason) -> dict[str, Any]:
    """A Reason as JSON, its organisation and innovation keys back as ids."""
    return {
        "adopters": reason.adopters,
        "adopters_same_region": reason.adopters_same_region,
        "adopters_same_size_class": reason.adopters_same_size_class,
        "adopters_same_region_and_size_class": reason.adopters_same_region_and_size_class,
        "adopters_in_shared_networks": reason.adopters_in_shared_networks,
        "example_adopter": int(reason.example_adopter) if reason.example_adopter is not None else None,
        "example_year": reason.example_year,
        "example_relation": reason.example_relation,
        "because_of": int(reason.because_of) if reason.because_of is not None else None,
        "because_co_adopters": reason.because_co_adopters,
    }


def recommender_input(
    adoptions: list[selectors.RegistryAdoption],
) -> tuple[list[AdoptionEvent], OrganisationFeatures, list[str]]:
    """The events (organisation, family, year) and features (region, size class, networks) the recommender is
    fitted on, and every organisation to ask for (those without adoptions get "organisations like you")."""
    events = [AdoptionEvent(str(a.organisation), str(a.family), a.year) for a in adoptions]
    organisations = list(Organisation.objects.values_list("pk", "size_class", "region__code"))
    networks_of: dict[str, list[str]] = {}
    for organisation_id, network_id in NetworkMembership.objects.values_list("organisation_id", "network_id"):
        networks_of.setdefault(str(organisation_id), []).append(str(network_id))
    features = OrganisationFeatures(
        region_of={str(pk): region for pk, _size, region in organisations if region},
        size_class_of={str(pk): size for pk, size, _region in organisations if size},
        networks_of=networks_of,
    )
    return events, features, [str(pk) for pk, _size, _region in organisations]


def suggestions_data(
    adoptions: list[selectors.RegistryAdoption],
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, dict[str, list[dict[str, Any]]]]]:
    """What to adopt next for every organisation, and per family what its adopters also adopted and who is likely
    next: the recommender fitted once on the published adoptions, then asked (about 1 ms a question at the demo
    registry's size, see docs/benchmarks.md)."""
    events, features, organisations = recommender_input(adoptions)
    if not events:
        return {}, {}
    model = fit_recommender(events, features=features, now_year=timezone.localdate().year)
    # A block of organisations at a time (the same answers as one at a time, a fraction of the time at 10,000).
    per_organisation = {
        int(org): [
            {"innovation": int(r.innovation), "score": _finite(r.score), "reason": reason_data(r.reason)}
            for r in recommendations
        ]
        for org, recommendations in zip(
            organisations, model.for_organisations(organisations, RECOMMENDATIONS_KEPT), strict=True
        )
    }
    # Likely next adopters a block of families at a time too (the same answers as `likely_next` one by one).
    families = list(model.innovations)
    likely = model.likely_next_many(families, LIKELY_NEXT_KEPT)
    per_family: dict[int, dict[str, list[dict[str, Any]]]] = {
        int(family): {
            "also_adopted": [
                {"innovation": int(a.innovation), "co_adopters": a.co_adopters, "share": _finite(a.share)}
                for a in model.also_adopted(family, ALSO_ADOPTED_KEPT)
            ],
            "likely_next": [
                {"organisation": int(a.organisation), "score": _finite(a.score), "reason": reason_data(a.reason)}
                for a in adopters
            ],
        }
        for family, adopters in zip(families, likely, strict=True)
    }
    return per_organisation, per_family


def store_suggestions(
    per_organisation: dict[int, list[dict[str, Any]]],
    per_family: dict[int, dict[str, list[dict[str, Any]]]],
    version: int,
    now: datetime.datetime,
) -> None:
    """Replaces the stored suggestions whole (call inside the recomputation's transaction)."""
    OrganisationRecommendations.objects.all().delete()
    OrganisationRecommendations.objects.bulk_create(
        [
            OrganisationRecommendations(organisation_id=pk, registry_version=version, computed_at=now, items=items)
            for pk, items in per_organisation.items()
        ],
        batch_size=1000,
    )
    FamilySuggestions.objects.all().delete()
    FamilySuggestions.objects.bulk_create(
        [
            FamilySuggestions(root_id=pk, registry_version=version, computed_at=now, **lists)
            for pk, lists in per_family.items()
        ],
        batch_size=1000,
    )


def source_cascades(adoptions: list[selectors.RegistryAdoption]) -> tuple[list[Any], Any]:
    """The published records and the cascades the inference runs on: every published family, each record with no
    recorded source joined to the families of similar earlier records of other organisations."""
    records = selectors.inference_records(adoptions)
    return records, join_unsourced(records)


def source_ties_k(cascades: dict[str, dict[str, float]]) -> int:
    """NetInf's k: twice the adoptions that have an earlier adopter, at most SOURCE_TIES. Greedy stops by itself
    once no tie raises the likelihood (the demo registry: 2483 ties for 1890 such adoptions, 0.7 s CPU)."""
    slots = sum(len(times) - 1 for times in cascades.values() if len(times) > 1)
    return min(SOURCE_TIES, 2 * slots)


@dataclass(frozen=True)
class Relations:
    """Who knows whom, for the source inference's candidate ties and the suggestions' reasons."""

    region_of: dict[int, int | None]
    networks_of: dict[int, set[int]]
    partners: set[frozenset[int]]

    @classmethod
    def read(cls) -> "Relations":
        networks_of: dict[int, set[int]] = {}
        for organisation_id, network_id in NetworkMembership.objects.values_list("organisation_id", "network_id"):
            networks_of.setdefault(organisation_id, set()).add(network_id)
        partners = {
            frozenset(pair)
            for pair in Partnership.objects.filter(innovation__status=Status.PUBLISHED).values_list(
                "innovation__owner_id", "organisation_id"
            )
        }
        return cls(dict(Organisation.objects.values_list("pk", "region_id")), networks_of, partners)

    def same_region(self, a: int, b: int) -> bool:
        return self.region_of.get(a) is not None and self.region_of.get(a) == self.region_of.get(b)

    def networks(self, a: int, b: int) -> list[int]:
        return sorted(self.networks_of.get(a, set()) & self.networks_of.get(b, set()))

    def related(self, a: str, b: str) -> bool:
        x, y = int(a), int(b)
        return self.same_region(x, y) or bool(self.networks(x, y)) or frozenset((x, y)) in self.partners


def infer_source_ties(cascades: dict[str, dict[str, float]], relations: Relations) -> list[Any]:
    """NetInf over the whole registry's cascades, its ties restricted to those with a network, region or partner
    relation or from a cascade's first adopter (`network_candidates`)."""
    return infer_ties(cascades, k=source_ties_k(cascades), candidates=network_candidates(cascades, relations.related))


def source_describe(
    relations: Relations, ties: Iterable[Any], rate: float
) -> Callable[[str, str, str, float, bool], tuple[float, ...]]:
    """A candidate source's features for the choice model (`source_choice.FEATURES`): the NetInf transmission
    log-density of the delay, first adopter, same region, a shared network, partners, an inferred NetInf tie."""
    tied = {(tie.source, tie.target) for tie in ties}

    def describe(_family: str, source: str, adopter: str, delay: float, first: bool) -> tuple[float, ...]:
        a, b = int(adopter), int(source)
        return candidate_features(
            delay=delay,
            rate=rate,
            first=first,
            same_region=relations.same_region(a, b),
            shared_network=bool(relations.networks(a, b)),
            partners=frozenset((a, b)) in relations.partners,
            tie=(source, adopter) in tied,
        )

    return describe


def fit_source_choice(
    records: list[Any], source_organisation: dict[int, int], describe: Callable[..., tuple[float, ...]]
) -> Any:
    """The choice model's weights by maximum likelihood on the recorded lineage (each recorded adoption a choice
    among its family's earlier adopters); None when the registry has no recorded choice to learn from."""
    sets, chosen = recorded_choices(records, source_organisation, describe)
    try:
        return fit_conditional_logit([s.features for s in sets], chosen)
    except ChoiceError:
        return None


def source_suggestions_data(adoptions: list[selectors.RegistryAdoption]) -> dict[int, list[dict[str, Any]]]:
    """Per published record with no recorded source: its likely sources, best first (not yet cut to
    SOURCES_KEPT: decided ones are left out first), each with its reason as data. The score is the choice model's
    probability (`source_choice`, weights fitted on the recorded lineage; NetInf's inferred ties one of its
    features); with no recorded choice to learn from, the family's original comes first."""
    records, joined = source_cascades(adoptions)
    if not joined.joined:
        return {}
    cascades = joined.cascades
    relations = Relations.read()
    ties = infer_source_ties(cascades, relations)
    describe = source_describe(relations, ties, default_rate(cascades))
    recorded = {a.innovation: a.source_organisation for a in adoptions if a.source_organisation is not None}
    fit = fit_source_choice(records, recorded, describe)
    weights = fit.weights if fit is not None else np.asarray([float(name == "first") for name in FEATURES])
    found = ranked_sources(records, joined, describe, weights, kept=len(cascades))
    support = {(tie.source, tie.target): tie.support for tie in ties}
    by_id = {record.id: record for record in records}
    out: dict[int, list[dict[str, Any]]] = {}
    for record_id, items in found.items():
        record = by_id[record_id]
        rows = []
        for item in items:
            source = by_id[item.source]
            a, b = record.organisation, source.organisation
            rows.append(
                {
                    "source": item.source,
                    "score": _finite(item.probability) or 0.0,
                    "reason": {
                        "delay_days": round(item.delay * 365.25),
                        "source_date": selectors.from_years(source.time).isoformat(),
                        "tie_support": support.get((str(b), str(a)), 0),
                        "similarity": _finite(joined.similarity.get((record_id, item.family))),
                        "same_region": relations.same_region(a, b),
                        "networks": relations.networks(a, b),
                        "partners": frozenset((a, b)) in relations.partners,
                        # The family's original: whom everybody sees.
                        "first": bool(item.features[FEATURES.index("first")]),
                    },
                }
            )
        out[record_id] = rows
    return out


def store_source_suggestions(per_record: dict[int, list[dict[str, Any]]], version: int, now: datetime.datetime) -> None:
    """Replaces the open suggestions (call inside the recomputation's transaction). A pair suggested again keeps its
    row and id (a page or API client holding it can still confirm it); decided ones stay as they are, and a pair
    once decided is never suggested again: a dismissed suggestion does not come back."""
    decided = set(SourceSuggestion.objects.exclude(state=SuggestionState.OPEN).values_list("record_id", "source_id"))
    existing = {
        (row.record_id, row.source_id): row for row in SourceSuggestion.objects.filter(state=SuggestionState.OPEN)
    }
    new: list[SourceSuggestion] = []
    kept: list[SourceSuggestion] = []
    for record_id, items in per_record.items():
        for item in [item for item in items if (record_id, item["source"]) not in decided][:SOURCES_KEPT]:
            row = existing.pop((record_id, item["source"]), None)
            if row is None:
                row = SourceSuggestion(record_id=record_id, source_id=item["source"])
                new.append(row)
            else:
                kept.append(row)
            row.score, row.reason, row.registry_version, row.computed_at = item["score"], item["reason"], version, now
    SourceSuggestion.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    SourceSuggestion.objects.bulk_update(kept, ["score", "reason", "registry_version", "computed_at"], batch_size=1000)
    SourceSuggestion.objects.bulk_create(new, batch_size=1000)


@transaction.atomic
def source_suggestion_confirm(*, actor: Actor, suggestion: SourceSuggestion) -> Any:
    """The record's editor says "yes, we learned this from there": the normal lineage proposal
    (innovations.services.lineage_propose — the source's owner still confirms it; only then is it lineage), and
    the suggestion is marked confirmed. Answers with the proposal."""
    from innovations.services import lineage_propose  # innovations.services imports diffusion (staleness)

    locked = _open_suggestion(suggestion, actor=actor)
    record = locked.record
    mode = record.novelty if record.novelty in (Novelty.ADAPTED, Novelty.COPIED) else Novelty.ADAPTED
    proposal = lineage_propose(actor=actor, result=record, source=locked.source, mode=mode)
    _decide_suggestion(locked, actor=actor, state=SuggestionState.CONFIRMED)
    return proposal


@transaction.atomic
def source_suggestion_dismiss(*, actor: Actor, suggestion: SourceSuggestion) -> SourceSuggestion:
    """Not where we learned it: the suggestion is dismissed for good (recomputations keep it dismissed)."""
    locked = _open_suggestion(suggestion, actor=actor)
    return _decide_suggestion(locked, actor=actor, state=SuggestionState.DISMISSED)


def _open_suggestion(suggestion: SourceSuggestion, *, actor: Actor) -> SourceSuggestion:
    locked = (
        SourceSuggestion.objects.select_for_update()
        .select_related("record__owner", "source__owner")
        .filter(pk=suggestion.pk)
        .first()
    )
    if locked is None:  # replaced by a recomputation meanwhile
        raise ValidationError(_("This suggestion is no longer open."))
    require(actor, "innovations.change_innovation", locked.record)
    if locked.state != SuggestionState.OPEN:
        raise ValidationError(_("This suggestion is no longer open."))
    return locked


def _decide_suggestion(suggestion: SourceSuggestion, *, actor: Actor, state: str) -> SourceSuggestion:
    suggestion.state = state
    suggestion.decided_by = person_of(actor)
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    return suggestion


def registry_is_stale() -> bool:
    figures = selectors.registry_figures()
    return figures is None or figures.registry_version < selectors.state_version()


def effects_data(table: EffectsTable) -> dict[str, Any]:
    """A fitted event-history model as JSON (infinities and NaN as null)."""
    return {
        "effects": [
            {
                "term": e.term,
                "coefficient": _finite(e.coefficient),
                "std_error": _finite(e.std_error),
                "odds_ratio": _finite(e.odds_ratio),
                "ci_low": _finite(e.ci_low),
                "ci_high": _finite(e.ci_high),
                "p_value": _finite(e.p_value),
            }
            for e in table.effects
        ],
        "n_rows": table.n_rows,
        "n_events": table.n_events,
        "n_organisations": table.n_organisations,
        "n_innovations": table.n_innovations,
        "n_dropped": table.n_dropped,
        "fixed_effects": table.fixed_effects,
        "converged": table.converged,
        "log_likelihood": _finite(table.log_likelihood),
        "pseudo_r2": _finite(table.pseudo_r2),
        "flags": list(table.flags),
    }


@dataclass(frozen=True)
class EventHistoryInput:
    """What the event-history model is fitted on, read once for every family and theme."""

    events: dict[str, list[AdoptionEvent]]  # family root -> its (organisation, family, year), published records
    adopters: dict[str, set[str]]  # family -> organisations that adopted it
    first_year: dict[str, int]  # family -> the year of its first adoption
    kind_of: dict[str, str]  # organisation -> its kind
    partners_of: dict[str, set[str]]
    region_of: dict[str, str]
    size_class_of: dict[str, str]
    size_of: dict[str, float]
    themes_of: dict[str, list[str]]  # published family root -> its original's theme slugs
    end_year: int


def event_history_input(adoptions: list[selectors.RegistryAdoption]) -> EventHistoryInput:
    """The adoptions as events and the organisations' features. An organisation's partners are those it developed
    a published innovation with (either side of a partnership) and the fellow members of its networks: who it
    could learn from. They are taken as they are now (the registry keeps no dates for them). Size is the base-2
    logarithm of the population, so that its odds ratio is that of twice the population."""
    events: dict[str, list[AdoptionEvent]] = {}
    for a in adoptions:
        events.setdefault(str(a.family), []).append(AdoptionEvent(str(a.organisation), str(a.family), a.year))
    adopters = {family: {e.organisation for e in found} for family, found in events.items()}
    first_year = {family: min(e.year for e in found) for family, found in events.items()}
    organisations = list(Organisation.objects.values_list("pk", "kind", "size_class", "region__code", "population"))
    partners_of: dict[str, set[str]] = {}

    def tie(a: int, b: int) -> None:
        if a != b:
            partners_of.setdefault(str(a), set()).add(str(b))
            partners_of.setdefault(str(b), set()).add(str(a))

    for owner, partner in Partnership.objects.filter(innovation__status=Status.PUBLISHED).values_list(
        "innovation__owner_id", "organisation_id"
    ):
        tie(owner, partner)
    members: dict[int, list[int]] = {}
    for organisation_id, network_id in NetworkMembership.objects.values_list("organisation_id", "network_id"):
        members.setdefault(network_id, []).append(organisation_id)
    for group in members.values():
        for first in group:
            for second in group:
                tie(first, second)
    themes_of: dict[str, list[str]] = {}
    for innovation_id, slug in Innovation.themes.through.objects.filter(
        innovation__status=Status.PUBLISHED
    ).values_list("innovation_id", "theme__slug"):
        if str(innovation_id) in adopters:  # a family's root: its original's themes are the family's
            themes_of.setdefault(str(innovation_id), []).append(slug)
    last = max((a.year for a in adoptions), default=timezone.localdate().year)
    return EventHistoryInput(
        events=events,
        adopters=adopters,
        first_year=first_year,
        kind_of={str(pk): kind for pk, kind, _s, _r, _p in organisations},
        partners_of=partners_of,
        region_of={str(pk): region for pk, _k, _s, region, _p in organisations if region},
        size_class_of={str(pk): size for pk, _k, size, _r, _p in organisations if size},
        size_of={str(pk): math.log2(population) for pk, _k, _s, _r, population in organisations if population},
        themes_of=themes_of,
        # Censored at the current year (or a later recorded adoption): not adopting is observed until now.
        end_year=max(timezone.localdate().year, last),
    )


def _population(source: EventHistoryInput, families: list[str]) -> list[str]:
    """Those at risk: every organisation of the kinds that adopted these families (e.g. all 309 municipalities when
    only municipalities did)."""
    kinds = {source.kind_of[o] for family in families for o in source.adopters[family] if o in source.kind_of}
    return sorted((o for o, kind in source.kind_of.items() if kind in kinds), key=int)


def _fingerprint(source: EventHistoryInput, families: list[str], population: list[str], extra: Any = None) -> str:
    """A digest of everything one fit reads: the same digest, the same figures, so the fit is not repeated."""
    members = set(population)
    content = repr(
        (
            EVENT_HISTORY_COVARIATES,
            source.end_year,
            [(f, sorted((e.organisation, e.year) for e in source.events[f])) for f in families],
            [
                (
                    o,
                    source.region_of.get(o),
                    source.size_class_of.get(o),
                    source.size_of.get(o),
                    sorted(source.partners_of.get(o, set()) & members),
                )
                for o in population
            ],
            extra,
        )
    )
    return hashlib.sha256(content.encode()).hexdigest()


def fit_families(
    source: EventHistoryInput, families: list[str], previous: dict[str, Any] | None = None, extra: Any = None
) -> dict[str, Any]:
    """One event-history fit over these families (a fixed effect each when there are several), from the year of the
    first adoption until each organisation adopts or until now, with what it was fitted on; `previous` (the stored
    figures) is returned as it is when its input has not changed."""
    population = _population(source, families)
    fingerprint = _fingerprint(source, families, population, extra)
    if previous is not None and previous.get("input") == fingerprint:
        return previous
    rows = event_history_table(
        [e for family in families for e in source.events[family]],
        population,
        partners_of=source.partners_of,
        region_of=source.region_of,
        size_class_of=source.size_class_of,
        size_of=source.size_of,
        end_year=source.end_year,
    )
    table = fit_event_history(
        rows,
        covariates=EVENT_HISTORY_COVARIATES,
        duration_baseline=True,
        max_iterations=EVENT_HISTORY_MAX_ITERATIONS,
    )
    return {
        "input": fingerprint,
        "population": len(population),
        "kinds": sorted({source.kind_of[o] for o in population}),
        "start_year": min(source.first_year[family] for family in families),
        "end_year": source.end_year,
        "families": len(families),
        **effects_data(table),
    }


def _rows_estimate(source: EventHistoryInput, family: str, population: int) -> int:
    return population * (source.end_year - source.first_year[family] + 1)


def event_history_data(
    adoptions: list[selectors.RegistryAdoption], previous: dict[tuple[str, str], dict[str, Any]] | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """Berry & Berry's model per family with enough adopters and per theme, keyed by (kind, key): the most adopted
    families alone, each theme pooled over its families (see the constants above for the bounds). A fit whose
    input is unchanged since `previous` (the stored figures) is not repeated: a write refits its family and
    themes only."""
    previous = previous or {}
    source = event_history_input(adoptions)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    by_size = sorted(source.adopters, key=lambda f: (-len(source.adopters[f]), int(f)))
    population_of_kinds: dict[frozenset[str], int] = {}

    def rows_estimate(family: str) -> int:
        kinds = frozenset(source.kind_of.get(o, "") for o in source.adopters[family])
        if kinds not in population_of_kinds:
            population_of_kinds[kinds] = sum(1 for k in source.kind_of.values() if k in kinds)
        return _rows_estimate(source, family, population_of_kinds[kinds])

    alone = [f for f in by_size if len(source.adopters[f]) >= EventHistoryFigures.FAMILY_MIN_ADOPTERS]
    spent = 0
    for family in alone:  # most adopted first, until the budget is spent
        spent += rows_estimate(family)
        key = (EventHistoryFigures.Kind.FAMILY.value, family)
        if spent > EVENT_HISTORY_MAX_FAMILY_ROWS and out:
            out[key] = {"families": 1, "effects": [], "flags": ["budget"]}  # said on its page, not "being fitted"
            continue
        out[key] = fit_families(source, [family], previous.get(key))
    for slug in sorted({s for slugs in source.themes_of.values() for s in slugs}):
        candidates = [
            f
            for f in by_size
            if slug in source.themes_of.get(f, ())
            and len(source.adopters[f]) >= EVENT_HISTORY_THEME_FAMILY_MIN_ADOPTERS
        ]
        if not candidates:
            continue
        chosen: list[str] = []
        budget = 0
        for family in candidates:  # most adopted first, until the row budget is spent
            budget += rows_estimate(family)
            if chosen and budget > EVENT_HISTORY_MAX_ROWS:
                break
            chosen.append(family)
        key = (EventHistoryFigures.Kind.THEME.value, slug)
        data = fit_families(source, chosen, previous.get(key), extra=len(candidates))
        if data is not previous.get(key):
            data["families_in_theme"] = len(candidates)
            if len(chosen) < len(candidates):
                data["flags"].append("subset")
        out[key] = data
    return out


def store_event_history(figures: dict[tuple[str, str], dict[str, Any]], version: int, now: datetime.datetime) -> None:
    """Replaces the stored event-history figures whole (call inside the recomputation's transaction)."""
    EventHistoryFigures.objects.all().delete()
    EventHistoryFigures.objects.bulk_create(
        [
            EventHistoryFigures(kind=kind, key=key, registry_version=version, computed_at=now, data=data)
            for (kind, key), data in figures.items()
        ],
        batch_size=1000,
    )


def recompute_registry(*, event_history: bool = True) -> None:
    """The registry-wide figures anew, from the version read before reading the registry (a write meanwhile
    leaves them stale). `event_history=False` leaves the event-history models as they are (stale): refitting them
    all takes seconds, too long for a web worker after a response (see recompute_soon)."""
    version = selectors.state_version()
    adoptions = selectors.registry_adoptions()
    data, per_organisation = registry_data(adoptions)
    recommendations, suggestions = suggestions_data(adoptions)
    sources = source_suggestions_data(adoptions)
    models = _event_history_figures(adoptions) if event_history else None
    now = timezone.now()
    with transaction.atomic():
        RegistryFigures.objects.update_or_create(
            pk=1, defaults={"registry_version": version, "computed_at": now, "data": data}
        )
        # Replaced whole: an organisation that lost its last tie loses its row.
        OrganisationFigures.objects.all().delete()
        OrganisationFigures.objects.bulk_create(
            [
                OrganisationFigures(organisation_id=pk, registry_version=version, computed_at=now, data=figures)
                for pk, figures in per_organisation.items()
            ],
            batch_size=1000,
        )
        store_suggestions(recommendations, suggestions, version, now)
        store_source_suggestions(sources, version, now)
        if models is not None:
            store_event_history(models, version, now)


def _event_history_figures(adoptions: list[selectors.RegistryAdoption]) -> dict[tuple[str, str], dict[str, Any]]:
    stored = {(row.kind, row.key): row.data for row in EventHistoryFigures.objects.all()}
    return event_history_data(adoptions, stored)


def event_history_is_stale() -> bool:
    """Whether the event-history models lag behind the registry (all rows share one version: stored whole)."""
    stored = EventHistoryFigures.objects.values_list("registry_version", flat=True).first()
    return stored is None or stored < selectors.state_version()


def recompute_event_history() -> None:
    """The event-history models alone, for cron after the registry-wide figures were recomputed after a response
    without them; an unchanged model is not refitted (event_history_data)."""
    version = selectors.state_version()
    models = _event_history_figures(selectors.registry_adoptions())
    with transaction.atomic():
        store_event_history(models, version, timezone.now())


def recompute_soon() -> None:
    """After a response that changed something: its families, and the registry-wide figures when they were not
    computed in the last few minutes."""
    recompute_stale(limit=FAMILIES_PER_RESPONSE)
    figures = selectors.registry_figures()
    recent = figures is not None and timezone.now() - figures.computed_at < REGISTRY_MIN_INTERVAL
    # A large registry's network takes seconds: a web worker should not spend them, so it is left to cron then.
    large = figures is not None and figures.data.get("records", 0) > REGISTRY_AFTER_RESPONSE_LIMIT
    if registry_is_stale() and not recent and not large:
        recompute_registry(event_history=False)  # the models are left to cron: seconds, not for a web worker


def mark_all_stale() -> None:
    FamilyFigures.objects.update(stale=True, generation=F("generation") + 1)
