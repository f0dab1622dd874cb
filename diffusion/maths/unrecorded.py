"""Where records with no recorded source likely came from: the cascades NetInf (`inference.py`) runs on, with the
records nobody recorded the source of joined to the families of similar earlier records. Plain Python.

Public interface
----------------
    Record(id, organisation, time, family, types, title, unsourced)
    join_unsourced(records, *, minimum_similarity=..., families_per_record=...) -> Joined
        cascades: family -> {organisation: earliest time}; each unsourced record joined to the families of the most
        similar earlier records of other organisations (same type when both have one, title similarity by
        `ideas.similarity`): `joined[record id] = [family, …]`.
    network_candidates(cascades, related) -> set[(source organisation, target organisation)]
        the ties NetInf may choose: u before v in some cascade, and u that cascade's first adopter or `related(u, v)`
        (same region, a shared network, partners).
    suggested_sources(records, joined, suggestions, *, kept) -> {record id: [(source record id, SuggestedSource)]}
        the suggestions of `inference.suggest_sources` put back on records: per unsourced record and family it
        joined, the source organisation's earliest earlier record of that family; best tie score first, at most
        `kept` (NetInf's most likely tree alone: the bench's --netinf-only).
    family_cascades(records) -> family -> {organisation: earliest time}, the recorded families alone
    recorded_choices(records, source_organisation, describe) -> (choice sets, chosen indices)
        the choice model's training data (`source_choice`): each record with a recorded source, a choice among its
        family's earlier adopters.
    ranked_sources(records, joined, describe, weights, *, kept, family_sharpness=...) -> {record id: [RankedSource]}
        what the product suggests: the earlier adopters of the families each unsourced record joined, ranked by
        P(family) x the choice model's P(source | family).

An unsourced record is one that says it was adapted or copied but has no recorded lineage source. It does not join a
family its organisation already has a record of (then it is not that family's adoption). Times are in years
(fractions allowed), as `inference` wants one unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from diffusion.maths.inference import SuggestedSource
from diffusion.maths.source_choice import ChoiceSet, choice_sets, probabilities
from ideas.similarity import Index

MINIMUM_SIMILARITY = 0.35  # title cosine (TF-IDF of stems and 4-grams) for "a record of the same concept"
FAMILIES_PER_RECORD = 3
SIMILAR_LOOKED_AT = 30
FAMILY_SHARPNESS = 25.0  # P(family) ∝ similarity ** this (ranked_sources)


@dataclass(frozen=True)
class Record:
    id: int
    organisation: int
    time: float  # when it was taken into use, in years
    family: int  # its published family (the root's id; its own id when it has no recorded source)
    types: frozenset[str]
    title: str
    unsourced: bool  # says adapted or copied, no recorded source


@dataclass
class Joined:
    cascades: dict[str, dict[str, float]]
    joined: dict[int, list[str]] = field(default_factory=dict)  # unsourced record -> families it joined
    similarity: dict[tuple[int, str], float] = field(default_factory=dict)  # (record, family) -> best similarity


def _add(cascade: dict[str, float], organisation: str, time: float) -> None:
    if organisation not in cascade or time < cascade[organisation]:
        cascade[organisation] = time


def join_unsourced(
    records: Iterable[Record],
    *,
    minimum_similarity: float = MINIMUM_SIMILARITY,
    families_per_record: int = FAMILIES_PER_RECORD,
) -> Joined:
    records = sorted(records, key=lambda r: r.id)
    cascades: dict[str, dict[str, float]] = {}
    for record in records:
        _add(cascades.setdefault(str(record.family), {}), str(record.organisation), record.time)
    by_id = {record.id: record for record in records}
    index = Index.build((record.id, record.title) for record in records)
    result = Joined(cascades)
    additions: list[tuple[str, str, float]] = []
    for record in records:
        if not record.unsourced:
            continue
        families: list[str] = []
        for other_id, score in index.rank(record.title, limit=SIMILAR_LOOKED_AT, minimum=minimum_similarity):
            other = by_id[int(str(other_id))]
            family = str(other.family)
            if (
                other.organisation == record.organisation
                or other.time >= record.time
                or (record.types and other.types and not record.types & other.types)
                or family == str(record.family)
                or family in families
                or str(record.organisation) in cascades[family]  # the organisation already has this family
            ):
                continue
            families.append(family)
            result.similarity[(record.id, family)] = score
            additions.append((family, str(record.organisation), record.time))
            if len(families) == families_per_record:
                break
        if families:
            result.joined[record.id] = families
    # Added after all are matched, so that the order of the records never changes which family one joins.
    for family, organisation, time in additions:
        _add(cascades[family], organisation, time)
    return result


def network_candidates(
    cascades: Mapping[str, Mapping[str, float]], related: Callable[[str, str], bool]
) -> set[tuple[str, str]]:
    """Timing alone ranks the nearest earlier adopter first; people learn from those they know, and from the
    original's owner, whom everybody sees. On the demo registry's held-out lineage this restriction takes the true
    source from 1 % to 8 % first and from 2 % to 13 % among three (docs/benchmarks.md)."""
    pairs: set[tuple[str, str]] = set()
    for times in cascades.values():
        if len(times) < 2:
            continue
        first = min(times.values())
        for v, tv in times.items():
            for u, tu in times.items():
                if tu < tv and (tu == first or related(u, v)):
                    pairs.add((u, v))
    return pairs


def suggested_sources(
    records: Iterable[Record],
    joined: Joined,
    suggestions: Mapping[str, Mapping[str, SuggestedSource]],
    *,
    kept: int,
) -> dict[int, list[tuple[int, SuggestedSource]]]:
    records = list(records)
    by_id = {record.id: record for record in records}
    # Each organisation's earliest record in each family: the record a suggested source organisation stands for.
    earliest: dict[tuple[str, str], Record] = {}
    for record in records:
        key = (str(record.family), str(record.organisation))
        if key not in earliest or (record.time, record.id) < (earliest[key].time, earliest[key].id):
            earliest[key] = record
    out: dict[int, list[tuple[int, SuggestedSource]]] = {}
    for record_id, families in joined.joined.items():
        record = by_id[record_id]
        found: dict[int, SuggestedSource] = {}
        for family in families:
            suggestion = suggestions.get(family, {}).get(str(record.organisation))
            if suggestion is None:
                continue
            source = earliest.get((family, suggestion.source))
            if source is None or source.time >= record.time or source.id in found:
                continue
            found[source.id] = suggestion
        ranked = sorted(found.items(), key=lambda item: (-item[1].tie_score, item[1].delay, item[0]))[:kept]
        if ranked:
            out[record_id] = ranked
    return out


def family_cascades(records: Iterable[Record]) -> dict[str, dict[str, float]]:
    """family -> {organisation: earliest time}: the recorded families alone, no unsourced record joined."""
    cascades: dict[str, dict[str, float]] = {}
    for record in records:
        _add(cascades.setdefault(str(record.family), {}), str(record.organisation), record.time)
    return cascades


def recorded_choices(
    records: Iterable[Record],
    source_organisation: Mapping[int, int],
    describe: Callable[[str, str, str, float, bool], Sequence[float]],
) -> tuple[list[ChoiceSet], list[int]]:
    """The choice model's training data: each record with a recorded source (`source_organisation[record id]`, the
    source record's owner) is a choice among its family's earlier adopters. Leave out what must not be learnt from
    (the bench's held-out records)."""
    records = list(records)
    cascades = family_cascades(records)
    adopters = [
        (str(r.family), str(r.organisation), r.time)
        for r in sorted(records, key=lambda r: r.id)
        if r.id in source_organisation
    ]
    wanted = [
        str(source_organisation[r.id]) for r in sorted(records, key=lambda r: r.id) if r.id in source_organisation
    ]
    sets, chosen = [], []
    by_key = {(s.family, s.adopter, s.time): s for s in choice_sets(cascades, adopters, describe)}
    for key, source in zip(adopters, wanted, strict=True):
        found = by_key.get(key)
        if found is not None and source in found.sources:
            sets.append(found)
            chosen.append(found.sources.index(source))
    return sets, chosen


@dataclass(frozen=True)
class RankedSource:
    source: int  # the source organisation's earliest record of the family
    family: str
    probability: float  # P(the record adopted this family) x the choice model's P(this source | that family)
    delay: float
    features: tuple[float, ...]


def ranked_sources(
    records: Iterable[Record],
    joined: Joined,
    describe: Callable[[str, str, str, float, bool], Sequence[float]],
    weights: npt.NDArray[np.float64],
    *,
    kept: int,
    family_sharpness: float = FAMILY_SHARPNESS,
) -> dict[int, list[RankedSource]]:
    """Per unsourced record: the earlier adopters of the families it joined, ranked by P(family) x P(source | family),
    the latter the choice model's. P(family) is proportional to title similarity ** family_sharpness: the most similar
    family nearly always comes first. On the demo registry's held-out lineage the true source is in the most similar
    family far more often than the similarity share says: sharpness 1 put the true source first 13 % of the time,
    4: 26 %, 10: 43 %, 25 and the best family alone: 44 % (docs/benchmarks.md)."""
    records = list(records)
    by_id = {record.id: record for record in records}
    cascades = family_cascades(records)
    earliest: dict[tuple[str, str], Record] = {}
    for record in records:
        key = (str(record.family), str(record.organisation))
        if key not in earliest or (record.time, record.id) < (earliest[key].time, earliest[key].id):
            earliest[key] = record
    out: dict[int, list[RankedSource]] = {}
    for record_id, families in joined.joined.items():
        record = by_id[record_id]
        shares = [max(joined.similarity.get((record_id, f), 0.0), 1e-9) ** family_sharpness for f in families]
        total = sum(shares)
        found: dict[int, RankedSource] = {}
        sets = choice_sets(cascades, [(f, str(record.organisation), record.time) for f in families], describe)
        for choice in sets:
            share = shares[families.index(choice.family)] / total
            p = share * probabilities(choice.features, weights)
            for j, organisation in enumerate(choice.sources):
                source = earliest.get((choice.family, organisation))
                if source is None or source.time >= record.time or source.id in found:
                    continue
                found[source.id] = RankedSource(
                    source.id, choice.family, float(p[j]), choice.delays[j], tuple(choice.features[j])
                )
        ranked = sorted(found.values(), key=lambda s: (-s.probability, s.delay, s.source))[:kept]
        if ranked:
            out[record_id] = ranked
    return out
