"""Adoption histories for the demo registry: a seeded, discrete-time diffusion process (plain Python, no Django).

Public interface
----------------
- ``Member(key, kind, region=None, population=None, groups=frozenset(), first_year=FIRST_YEAR, last_year=LAST_YEAR)``:
  an organisation that may adopt; ``groups`` are the networks it belongs to (its region is a group of its own).
- ``Root(key, originator, kinds, earliest=FIRST_YEAR)``: an original innovation that may spread: its owner, the
  organisation kinds that may adopt it, and the first year its family may start (e.g. 2022 for the counties).
- ``FamilySpec``: one family's process (pattern, start year, p, q, m, event year, …), made by ``design_families``.
- ``Adopter(organisation, year, source, wave)``: ``source`` is the organisation learnt from (the originator or an
  earlier adopter), or None when nobody recorded it.
- ``History(spec, adopters)`` with ``per_year(first, last)``.
- ``partner_ties(rng, members, neighbours, per_member=2) -> set[frozenset[str]]``: sub-regional co-operation.
- ``design_families(rng, roots, members, budget, *, last_year) -> list[FamilySpec]``
- ``simulate_family(spec, members, ties, rng, *, last_year) -> History``

The process
-----------
Years are periods. A family starts when its originator takes the innovation into use (``start_year``); from the
next year on, each year every potential adopter that has not adopted yet adopts with the hazard

    h_i(t) = min(0.95, p_i + q · e_i(t−1)),

where ``p_i = p · s_i`` is external influence (media, national programmes, suppliers; ``s_i`` grows slowly with the
organisation's population, so big cities tend to be early) and ``e_i`` is imitation: the weighted share of adopters,
at the end of the previous year, among the organisation's peers in the same wave of potential adopters — the whole
country (weight 0.35), its region (0.35), its networks (0.15) and its partners (0.15); a component with no peers
drops out and the others are re-weighted. The ``m`` potential adopters are drawn once, among the organisations of
the allowed kinds, bigger ones more likely; the rest never adopt. With the country as the only component this is
the discrete Bass model with the population known (h_t = p + q·Y_{t−1}/m), which the tests check.

Patterns, by design:
- ``s_curve``: one wave, started early enough that the Bass peak t* = ln(q/p)/(p+q) falls well inside the window;
- ``emerging``: started recently, still before its inflection point;
- ``burst``: a law or a national programme in ``event_year`` — that year the hazard is at least 0.9, afterwards at
  least 0.35 (laggards), so most adoptions fall in one year;
- ``two_waves``: a first wave among some of the potential adopters, then a second generation from ``event_year``
  spreading afresh among the others (its imitation counts only the second wave's adopters);
- ``failed``: little external influence, weak imitation, few potential adopters: it never takes off.

Each adopter learns from the originator or an earlier adopter, chosen with weights that favour the originator and
the adopter's own region, networks and partners (so lineage has depth); with probability ``1 − recorded`` the
adoption is recorded without its source ("lineage nobody recorded"). Organisations exist from ``first_year`` to
``last_year`` (the wellbeing services counties from 2023) and adopt only then. Everything is drawn from the
``random.Random`` passed in, so a seed gives the same histories.
"""

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FIRST_YEAR = 2008
LAST_YEAR = 2026
PATTERNS = ("s_curve", "emerging", "burst", "two_waves", "failed")

# Weights of the imitation components (country, region, networks, partners).
NATIONAL, REGIONAL, NETWORKED, PARTNERED = 0.35, 0.35, 0.15, 0.15
BURST_HAZARD, LAGGARD_HAZARD, MAX_HAZARD = 0.9, 0.35, 0.95
# Share of the potential adopters a pattern reaches by the last year, roughly: budgets become m by these.
COMPLETION = {"s_curve": 0.9, "emerging": 0.45, "burst": 0.97, "two_waves": 0.85, "failed": 0.1}


@dataclass(frozen=True)
class Member:
    key: str
    kind: str
    region: str | None = None
    population: int | None = None
    groups: frozenset[str] = frozenset()
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR


@dataclass(frozen=True)
class Root:
    key: str
    originator: str
    kinds: frozenset[str]
    earliest: int = FIRST_YEAR


@dataclass(frozen=True)
class FamilySpec:
    key: str
    pattern: str
    originator: str
    kinds: frozenset[str]
    start_year: int
    p: float
    q: float
    m: int
    event_year: int | None = None  # burst: the law or programme; two_waves: the second generation
    second_share: float = 0.0  # two_waves: share of the potential adopters in the second wave
    recorded: float = 1.0  # probability that an adoption's source is recorded


@dataclass(frozen=True)
class Adopter:
    organisation: str
    year: int
    source: str | None  # the organisation learnt from; None when not recorded
    wave: int = 1


@dataclass(frozen=True)
class History:
    spec: FamilySpec
    adopters: tuple[Adopter, ...] = field(default_factory=tuple)

    def per_year(self, first: int, last: int) -> list[int]:
        """Adopters per year from ``first`` to ``last`` (both included)."""
        counts = [0] * (last - first + 1)
        for adopter in self.adopters:
            if first <= adopter.year <= last:
                counts[adopter.year - first] += 1
        return counts


def _size_factor(member: Member) -> float:
    """External influence grows slowly with size: 0.5× for the smallest, up to 2.5× for the biggest cities."""
    if not member.population:
        return 1.0
    grown: float = (member.population / 20_000) ** 0.3  # typeshed types a float's power as Any (it may be complex)
    return min(2.5, max(0.5, grown))


def partner_ties(
    rng: random.Random, members: Sequence[Member], neighbours: Mapping[str, Sequence[str]], per_member: int = 2
) -> set[frozenset[str]]:
    """Co-operation ties (shared services, joint projects): each member gets up to ``per_member`` partners, mostly
    in its own region, sometimes in a neighbouring one."""
    by_region: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        if member.region:
            by_region[member.region].append(member)
    ties: set[frozenset[str]] = set()
    for member in members:
        if not member.region:
            continue
        for _ in range(rng.randint(1, per_member)):
            region = member.region
            near = neighbours.get(region, ())
            if near and rng.random() < 0.25:
                region = rng.choice(list(near))
            pool = [other for other in by_region.get(region, ()) if other.key != member.key]
            if pool:
                ties.add(frozenset((member.key, rng.choice(pool).key)))
    return ties


def _eligible(root: Root, members: Sequence[Member]) -> list[Member]:
    return [m for m in members if m.kind in root.kinds and m.key != root.originator]


def _peak_years(p: float, q: float) -> float:
    return math.log(q / p) / (p + q)


def design_families(
    rng: random.Random, roots: Sequence[Root], members: Sequence[Member], budget: int, *, last_year: int = LAST_YEAR
) -> list[FamilySpec]:
    """A pattern and parameters for each root. Roots that may start only recently (``earliest`` within four years of
    the end) burst or emerge; of the others the first spreads in a burst, the second (and, with 25 or more roots,
    the tenth) in two waves when the budget allows (300 adoptions), about one in seven fails and one in seven is emerging; the rest are S-curves. The
    ``budget`` of adoptions is shared out in a heavy tail (a few families large, most small), the larger shares to
    the roots earlier in the list."""
    patterns: list[str] = []
    long_ones = 0
    for root in roots:
        if root.earliest > last_year - 5:
            patterns.append("burst" if rng.random() < 0.6 else "emerging")
            continue
        long_ones += 1
        if long_ones == 1:
            patterns.append("burst")
        elif budget >= 300 and (long_ones == 2 or (long_ones == 10 and len(roots) >= 25)):
            patterns.append("two_waves")
        elif long_ones % 7 == 3:
            patterns.append("failed")
        elif long_ones % 7 == 5:
            patterns.append("emerging")
        else:
            patterns.append("s_curve")
    # Bursts and second waves reach many by design; the rest of the budget goes in a heavy tail to the others.
    eligible = [len(_eligible(root, members)) for root in roots]
    fixed: dict[int, int] = {}
    for i, pattern in enumerate(patterns):
        if pattern == "burst":  # a law or a programme reaches nearly everyone (when the budget allows)
            fixed[i] = min(round(eligible[i] * rng.uniform(0.8, 0.95)), max(5, round(budget * 0.3)))
        elif pattern == "two_waves":  # two waves need enough adopters to be told apart
            fixed[i] = min(round(eligible[i] * rng.uniform(0.55, 0.7)), max(40, round(budget * 0.15)))
        elif pattern == "failed":
            fixed[i] = min(eligible[i], 12)
    rest = max(0, budget - sum(round(m * COMPLETION[patterns[i]]) for i, m in fixed.items()))
    order = [i for i in range(len(roots)) if i not in fixed]  # earlier roots get more
    weights = {i: 1 / (rank + 1) ** 0.8 for rank, i in enumerate(order)}
    total = sum(weights.values()) or 1.0
    specs: list[FamilySpec] = []
    for i, (root, pattern) in enumerate(zip(roots, patterns, strict=True)):
        m = fixed.get(i) or round(rest * weights.get(i, 0.0) / total / COMPLETION[pattern])
        m = max(1, min(eligible[i], m))
        event_year, second_share, recorded = None, 0.0, 1.0 if rng.random() < 0.7 else rng.uniform(0.85, 0.98)
        if pattern == "s_curve":
            p, q = rng.uniform(0.008, 0.03), rng.uniform(0.4, 0.8)
            # Imitation through regions and networks is slower than across the whole country: room for that.
            latest = last_year - math.ceil(1.4 * _peak_years(p, q)) - 3
            start = rng.randint(root.earliest, max(root.earliest, latest))
        elif pattern == "emerging":
            p, q = rng.uniform(0.01, 0.03), rng.uniform(0.3, 0.6)
            start = max(root.earliest, rng.randint(last_year - 6, last_year - 3))
        elif pattern == "burst":
            p, q = rng.uniform(0.005, 0.015), rng.uniform(0.1, 0.3)
            start = max(root.earliest, rng.randint(FIRST_YEAR, last_year - 8))
            event_year = min(last_year - 1, start + rng.randint(2, 5))
        elif pattern == "two_waves":
            # A fast first wave, done before the second generation comes out ten years later.
            p, q = rng.uniform(0.03, 0.05), rng.uniform(0.9, 1.1)
            start = max(root.earliest, rng.randint(FIRST_YEAR, FIRST_YEAR + 1))
            event_year = start + 10
            second_share = rng.uniform(0.5, 0.6)
        else:  # failed
            p, q = rng.uniform(0.001, 0.002), rng.uniform(0.01, 0.04)
            start = rng.randint(root.earliest, max(root.earliest, last_year - 8))
        if 0.4 <= rng.random() < 0.55 and pattern in ("s_curve", "emerging"):
            recorded = rng.uniform(0.3, 0.5)  # a family whose lineage was mostly never recorded
        specs.append(
            FamilySpec(
                key=root.key,
                pattern=pattern,
                originator=root.originator,
                kinds=root.kinds,
                start_year=start,
                p=p,
                q=q,
                m=m,
                event_year=event_year,
                second_share=second_share,
                recorded=recorded,
            )
        )
    return specs


def _potential(rng: random.Random, eligible: Sequence[Member], m: int) -> list[Member]:
    """m of the eligible, drawn without replacement with weights growing with size (Efraimidis–Spirakis keys)."""
    keyed = sorted(eligible, key=lambda member: -(rng.random() ** (1 / (0.5 + _size_factor(member)))))
    return keyed[:m]


def simulate_family(
    spec: FamilySpec,
    members: Sequence[Member],
    ties: Iterable[frozenset[str]],
    rng: random.Random,
    *,
    last_year: int = LAST_YEAR,
) -> History:
    """Runs one family's process from ``spec.start_year + 1`` to ``last_year``."""
    by_key = {member.key: member for member in members}
    eligible = [m for m in members if m.kind in spec.kinds and m.key != spec.originator]
    potential = _potential(rng, eligible, min(spec.m, len(eligible)))
    second = round(len(potential) * spec.second_share) if spec.pattern == "two_waves" else 0
    wave = {member.key: 1 for member in potential[: len(potential) - second]}
    wave.update({member.key: 2 for member in potential[len(potential) - second :]})
    originator = by_key.get(spec.originator)
    if originator is not None:
        wave[originator.key] = 1  # the originator is a peer of the first wave
    partners: dict[str, set[str]] = defaultdict(set)
    for tie in ties:
        a, b = tuple(tie)
        partners[a].add(b)
        partners[b].add(a)

    def groups(member: Member) -> tuple[str, ...]:
        return (*((f"region:{member.region}",) if member.region else ()), *sorted(member.groups))

    # Peers are counted per wave: how many there are in each group, and how many of them have adopted.
    size: dict[tuple[int, str], int] = defaultdict(int)
    for key, w in wave.items():
        size[(w, "")] += 1
        for group in groups(by_key[key]):
            size[(w, group)] += 1
    adopted: dict[str, int] = {}
    count: dict[tuple[int, str], int] = defaultdict(int)

    def adopt(member: Member, year: int) -> None:
        adopted[member.key] = year
        w = wave[member.key]
        count[(w, "")] += 1
        for group in groups(member):
            count[(w, group)] += 1

    def exposure(member: Member) -> float:
        """The weighted share of adopters among the member's peers in its wave (it has not adopted itself)."""
        w = wave[member.key]
        parts: list[tuple[float, float]] = []
        if size[(w, "")] > 1:
            parts.append((NATIONAL, count[(w, "")] / (size[(w, "")] - 1)))
        own = groups(member)
        for weight, chosen in (
            (REGIONAL, [g for g in own if g.startswith("region:")]),
            (NETWORKED, [g for g in own if not g.startswith("region:")]),
        ):
            shares = [count[(w, g)] / (size[(w, g)] - 1) for g in chosen if size[(w, g)] > 1]
            if shares:
                parts.append((weight, sum(shares) / len(shares)))
        peers = [key for key in partners.get(member.key, ()) if wave.get(key) == w]
        if peers:
            parts.append((PARTNERED, sum(key in adopted for key in peers) / len(peers)))
        total = sum(weight for weight, _share in parts)
        return sum(weight * share for weight, share in parts) / total if total else 0.0

    if originator is not None:
        adopt(originator, spec.start_year)
    else:
        adopted[spec.originator] = spec.start_year
    result: list[Adopter] = []
    for year in range(spec.start_year + 1, last_year + 1):
        new: list[Member] = []
        for member in potential:
            if member.key in adopted or not member.first_year <= year <= member.last_year:
                continue
            if wave[member.key] == 2 and (spec.event_year is None or year < spec.event_year):
                continue
            hazard = spec.p * _size_factor(member) + spec.q * exposure(member)
            if spec.pattern == "burst" and spec.event_year is not None and year >= spec.event_year:
                hazard = max(hazard, BURST_HAZARD if year == spec.event_year else LAGGARD_HAZARD)
            if rng.random() < min(MAX_HAZARD, hazard):
                new.append(member)
        # Sources are chosen among those who adopted before this year; this year's adopters count from next year.
        earlier = [key for key, y in adopted.items() if y < year]
        for member in new:
            source = _source(rng, member, earlier, spec.originator, by_key, partners)
            recorded = rng.random() < spec.recorded
            result.append(Adopter(member.key, year, source if recorded else None, wave[member.key]))
        for member in new:
            adopt(member, year)
    return History(spec, tuple(result))


def _source(
    rng: random.Random,
    member: Member,
    earlier: Sequence[str],
    originator: str,
    by_key: Mapping[str, Member],
    partners: Mapping[str, set[str]],
) -> str:
    """Whom the adopter learnt from: the originator is the most visible; an earlier adopter in the same region, the
    same network or a partner is often nearer."""
    weights: list[float] = []
    for key in earlier:
        other = by_key.get(key)
        weight = 3.0 if key == originator else 0.1
        if other is not None and key != originator:
            if other.region and other.region == member.region:
                weight += 1.0
            if other.groups & member.groups:
                weight += 1.0
        if key in partners.get(member.key, ()):
            weight += 2.0
        weights.append(weight)
    return rng.choices(list(earlier), weights)[0]
