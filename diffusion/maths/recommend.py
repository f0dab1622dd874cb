"""What to adopt next: item-based collaborative filtering over who adopted what, blended with "organisations like
you", each recommendation with its reason as data; and its offline evaluation on a time split.

Public interface
----------------
```python
Adoption (adoption_table.Adoption)   # diffusion.maths.adoption_table.AdoptionEvent fits; so does any NamedTuple
    organisation: str; innovation: str; year: int

@dataclass(frozen=True)
class OrganisationFeatures:          # every mapping optional; organisations missing from one just lack that feature
    region_of: Mapping[str, str]
    size_class_of: Mapping[str, str]
    networks_of: Mapping[str, Collection[str]]   # network keys an organisation belongs to

@dataclass(frozen=True)
class RecommenderSettings:           # defaults chosen on SPID's tuning split (before 1990), docs/benchmarks.md
    similarity: "cosine" | "conditional"; half_life_years: float | None; blend: float; neighbours: int | None
    weight_region, weight_size_class, weight_region_and_size_class, weight_network, weight_everyone: float

fit_recommender(events, *, features=None, settings=None, now_year=None) -> Recommender
Recommender.for_organisation(organisation, k=10) -> list[Recommendation]       # what to adopt next
Recommender.also_adopted(innovation, k=10) -> list[AlsoAdopted]                # adopters of this also adopted …
Recommender.likely_next(innovation, k=10) -> list[LikelyAdopter]               # who is likely to adopt it next
Recommender.popular_for(organisation, k=10) -> list[str]                       # the popularity baseline
recommend_for_organisation(events, organisation, *, features=None, k=10, settings=None) -> list[Recommendation]
evaluate_time_split(events, cutoff_year, k=10, *, features=None, settings=None, until_year=None) -> TimeSplitResult
```
`Recommendation.reason` / `LikelyAdopter.reason` is a `Reason`: counts of adopters in the organisation's region,
size class, both, and its networks; an example adopter with its year and relation; the innovation the
organisation already adopted that this one is most similar to. The UI puts it in words in fi/sv/en.

The method
----------
Adoptions form a binary organisation × innovation matrix B. Each adoption is weighted by its recency,
r = 2^(−(now − year)/half_life), giving R: what spreads now counts more than what spread decades ago (time-decayed
collaborative filtering, Ding & Li 2005).

- Item-based CF (Sarwar et al. 2001; Deshpande & Karypis 2004): the similarity of innovations i and j is either
  the cosine of their recency-weighted adopter vectors, R_i·R_j / (|R_i| |R_j|), or the conditional probability
  that an adopter of i adopted j, Σ_u B_ui R_uj / n_i. Each innovation keeps its `neighbours` most similar ones.
  The organisation's CF score of j is the average similarity of j to what it adopted, weighted by the recency of
  its own adoptions: Σ_i r_oi s(i, j) / Σ_i r_oi (in [0, 1]).
- Organisations like you: the recency-weighted share of adopters of j in the organisation's region, size class,
  region × size class, each of its networks and among everyone, mixed with the weights in the settings (weights of
  features an organisation lacks are spread over the others). Also in [0, 1].
- Score = (1 − blend) · CF/mean(CF) + blend · like-you/mean(like-you): each part divided by its average over all
  organisation-innovation pairs, so that blend weighs the parts, not their units. Innovations the organisation
  already adopted are never recommended. An organisation never seen gets the recency-weighted share of adopters
  among everyone (score = that share).

Popularity baseline: the innovations with most adopters (in the fitted data) that the organisation has not adopted.

Evaluation (`evaluate_time_split`), exactly: fit on adoptions with year < cutoff_year; the targets of an
organisation are its adoptions with cutoff_year ≤ year (≤ until_year when given) of innovations that somebody
adopted before the cutoff (an innovation first adopted after the cutoff cannot be recommended by any method fitted
before it; those adoptions are counted apart as `cold_adoptions`). An organisation is evaluated when it has at
least one adoption before the cutoff and at least one target. Hit rate at k: the share of evaluated organisations
with at least one target in their top k. Recall at k: the mean over evaluated organisations of
|top k ∩ targets| / |targets| (macro average). The same for the popularity baseline, and for popularity counted
with the method's recency weights (`recent_baseline_*`: the stronger baseline, which shows how much of the gain is
recency alone).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from diffusion.maths.adoption_table import Adoption

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Organisations scored together in one evaluation step: bounds the dense block (chunk × innovations) in memory.
_CHUNK = 512
# At most this many cells (organisations × innovations) in a dense block of scores: 2 M floats, 16 MB a part.
_BLOCK_CELLS = 2_000_000


@dataclass(frozen=True)
class OrganisationFeatures:
    region_of: Mapping[str, str] = field(default_factory=dict)
    size_class_of: Mapping[str, str] = field(default_factory=dict)
    networks_of: Mapping[str, Collection[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RecommenderSettings:
    # The defaults were chosen on SPID's tuning split only (fit before 1975, predict 1975-1989: nothing from the
    # reported splits of 1990 and later), by recall at 10 over a grid: `python -m bench.diffusion_recommend --tune`.
    similarity: Literal["cosine", "conditional"] = "conditional"
    half_life_years: float | None = 3.0  # None: every adoption counts the same, however old
    blend: float = 0.5  # weight of "organisations like you" (each part in units of its average); 0 = pure CF
    neighbours: int | None = 20  # similar innovations kept per innovation; None keeps all
    weight_region: float = 3.0
    weight_size_class: float = 1.0
    weight_region_and_size_class: float = 1.0
    weight_network: float = 1.0
    weight_everyone: float = 1.0

    def __post_init__(self) -> None:
        if self.similarity not in ("cosine", "conditional"):
            raise ValueError(f"unknown similarity {self.similarity!r}")
        if not 0.0 <= self.blend <= 1.0:
            raise ValueError("blend must be in [0, 1]")
        if self.half_life_years is not None and self.half_life_years <= 0:
            raise ValueError("half_life_years must be positive")
        if self.neighbours is not None and self.neighbours < 1:
            raise ValueError("neighbours must be at least 1")


Relation = Literal["same_region_and_size_class", "same_region", "network_partner", "same_size_class", "other"]


@dataclass(frozen=True)
class Reason:
    """Why an innovation is suggested to an organisation: data for the UI to put in words."""

    adopters: int  # organisations that adopted the innovation (in the fitted data)
    adopters_same_region: int | None  # None when the organisation's region is not known
    adopters_same_size_class: int | None
    adopters_same_region_and_size_class: int | None
    adopters_in_shared_networks: int | None  # adopters sharing a network with the organisation
    example_adopter: str | None  # the closest adopter (relation first, then the most recent)
    example_year: int | None
    example_relation: Relation | None
    because_of: str | None  # the innovation the organisation adopted that is most similar to this one
    because_similarity: float | None
    because_co_adopters: int | None  # organisations that adopted both


@dataclass(frozen=True)
class Recommendation:
    innovation: str
    score: float
    item_based: float  # the CF part
    like_you: float  # the "organisations like you" part
    reason: Reason


@dataclass(frozen=True)
class AlsoAdopted:
    innovation: str
    similarity: float
    co_adopters: int  # organisations that adopted both
    share: float  # co_adopters / adopters of the given innovation


@dataclass(frozen=True)
class LikelyAdopter:
    organisation: str
    score: float
    item_based: float
    like_you: float
    reason: Reason


@dataclass(frozen=True)
class TimeSplitResult:
    cutoff_year: int
    until_year: int | None
    k: int
    organisations: int  # evaluated: at least one adoption before the cutoff and one target after
    targets: int  # target adoptions summed over evaluated organisations
    cold_adoptions: int  # adoptions after the cutoff of innovations nobody adopted before it (not targets)
    hit_rate: float
    recall_at_k: float
    baseline_hit_rate: float
    baseline_recall: float
    # The stronger baseline: popularity counted with the same recency weights as the method (adopters weighted by
    # 2^(−age/half_life)); with half_life_years=None it equals plain popularity.
    recent_baseline_hit_rate: float
    recent_baseline_recall: float

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _recency(years: FloatArray, now_year: float, half_life: float | None) -> FloatArray:
    if half_life is None:
        return np.ones_like(years)
    # Adoptions after now_year (not expected) count as of now.
    age = np.maximum(now_year - years, 0.0)
    return np.asarray(np.exp2(-age / half_life), dtype=np.float64)


def _prune_rows(matrix: sparse.csr_matrix, keep: int | None) -> sparse.csr_matrix:
    """Keep each row's `keep` largest entries (the innovation's nearest neighbours)."""
    matrix.eliminate_zeros()
    if keep is None:
        return matrix
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for row in range(matrix.shape[0]):
        start, end = int(indptr[row]), int(indptr[row + 1])
        if end - start > keep:
            part = np.argpartition(-data[start:end], keep - 1)[:keep] + start
        else:
            part = np.arange(start, end)
        rows.append(np.full(part.size, row, dtype=np.int64))
        cols.append(indices[part].astype(np.int64))
        vals.append(data[part].astype(np.float64))
    return sparse.csr_matrix(
        (
            np.concatenate(vals or [np.zeros(0)]),
            (np.concatenate(rows or [np.zeros(0, np.int64)]), np.concatenate(cols or [np.zeros(0, np.int64)])),
        ),
        shape=matrix.shape,
    )


class Recommender:
    """A fitted recommender; build it with `fit_recommender`."""

    def __init__(
        self,
        events: Iterable[Adoption],
        features: OrganisationFeatures,
        settings: RecommenderSettings,
        now_year: int | None,
    ) -> None:
        self.settings = settings
        self.features = features
        first_year: dict[tuple[str, str], int] = {}
        for event in events:
            key = (event.organisation, event.innovation)
            year = int(event.year)
            if key not in first_year or year < first_year[key]:
                first_year[key] = year  # an organisation adopts an innovation once: its first adoption counts
        organisations = {o for o, _ in first_year}
        organisations.update(features.region_of, features.size_class_of, features.networks_of)
        self.organisations: list[str] = sorted(organisations)
        self.innovations: list[str] = sorted({i for _, i in first_year})
        self.org_index = {o: n for n, o in enumerate(self.organisations)}
        self.item_index = {i: n for n, i in enumerate(self.innovations)}
        self.now_year = now_year if now_year is not None else max(first_year.values(), default=0)
        n_orgs, n_items = len(self.organisations), len(self.innovations)

        rows = np.fromiter((self.org_index[o] for o, _ in first_year), dtype=np.int64, count=len(first_year))
        cols = np.fromiter((self.item_index[i] for _, i in first_year), dtype=np.int64, count=len(first_year))
        years = np.fromiter(first_year.values(), dtype=np.float64, count=len(first_year))
        weights = _recency(years, float(self.now_year), settings.half_life_years)
        shape = (n_orgs, n_items)
        self.binary = sparse.csr_matrix((np.ones_like(weights), (rows, cols)), shape=shape)
        self.recent = sparse.csr_matrix((weights, (rows, cols)), shape=shape)
        self.years = sparse.csr_matrix((years, (rows, cols)), shape=shape)
        self.binary_csc = sparse.csc_matrix(self.binary)
        self.binary_csc.sort_indices()
        self.years_csc = sparse.csc_matrix(self.years)
        self.years_csc.sort_indices()  # the same pattern as binary_csc, so its values line up with the adopters
        self.recent_csr = sparse.csr_matrix(self.recent)
        self.recent_csr.sort_indices()
        self.region_code = self._codes(features.region_of)
        self.size_code = self._codes(features.size_class_of)
        networks = sorted({n for nets in features.networks_of.values() for n in nets})
        network_index = {n: i for i, n in enumerate(networks)}
        pairs = [(self.org_index[o], network_index[n]) for o, nets in features.networks_of.items() for n in set(nets)]
        self.network_membership = sparse.csr_matrix(
            (np.ones(len(pairs)), ([p[0] for p in pairs], [p[1] for p in pairs])),
            shape=(n_orgs, len(networks)),
        )
        self.network_membership.sort_indices()
        self.network_members = sparse.csc_matrix(self.network_membership)  # a column: a network's members
        self.network_members.sort_indices()
        self.adopters_count: FloatArray = np.asarray(self.binary.sum(axis=0), dtype=np.float64).ravel()
        self.recent_count: FloatArray = np.asarray(self.recent.sum(axis=0), dtype=np.float64).ravel()

        self._tables: dict[str, _GroupTable] | None = None  # made on the first for_organisations
        self._both_code: IntArray = np.zeros(0, dtype=np.int64)
        self.similarity = self._item_similarity()
        self.similarity_csc = sparse.csc_matrix(self.similarity)
        self.similarity_csc.sort_indices()
        # Each organisation's profile: its adoptions weighted by recency, summing to 1.
        totals = np.asarray(self.recent.sum(axis=1), dtype=np.float64).ravel()
        inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
        self.profile = sparse.csr_matrix(sparse.diags(inverse) @ self.recent)
        self.mixing, self.group_rates = self._group_model()
        self.group_rates_csc = sparse.csc_matrix(self.group_rates)
        # The averages of both parts over all pairs, cheaply: mean(P @ S) = (column sums of P) · (row sums of S) / n.
        n_pairs = max(n_orgs * n_items, 1)
        mean_item_based = (
            float(np.asarray(self.profile.sum(axis=0)).ravel() @ np.asarray(self.similarity.sum(axis=1)).ravel())
            / n_pairs
        )
        mean_like_you = (
            float(np.asarray(self.mixing.sum(axis=0)).ravel() @ np.asarray(self.group_rates.sum(axis=1)).ravel())
            / n_pairs
        )
        self.item_based_unit = 1.0 / mean_item_based if mean_item_based > 0 else 0.0
        self.like_you_unit = 1.0 / mean_like_you if mean_like_you > 0 else 0.0

    # --- fitting -------------------------------------------------------------------------------------------
    def _codes(self, of: Mapping[str, str]) -> IntArray:
        """Each organisation's group as an integer code (−1 when not known)."""
        index: dict[str, int] = {}
        return np.asarray(
            [index.setdefault(of[o], len(index)) if o in of else -1 for o in self.organisations], dtype=np.int64
        )

    def _item_similarity(self) -> sparse.csr_matrix:
        """Rows i, columns j: how much adopting i points to j. Computed in blocks of rows, each pruned at once, so
        the dense co-adoption counts of all pairs are never held in memory."""
        settings = self.settings
        recent_t = sparse.csr_matrix(self.recent.T)
        n_items = len(self.innovations)
        norms = np.sqrt(np.asarray(self.recent.multiply(self.recent).sum(axis=0), dtype=np.float64).ravel())
        blocks: list[sparse.csr_matrix] = []
        left = recent_t if settings.similarity == "cosine" else sparse.csr_matrix(self.binary.T)
        block = 256
        for start in range(0, n_items, block):
            stop = min(start + block, n_items)
            coo = sparse.csr_matrix(left[start:stop] @ self.recent).tocoo()
            off_diagonal = coo.row + start != coo.col  # an innovation is not its own neighbour
            row_i, col_j, value = coo.row[off_diagonal], coo.col[off_diagonal], coo.data[off_diagonal]
            if settings.similarity == "cosine":
                denominator = norms[start:stop][row_i] * norms[col_j]
                data = np.divide(value, denominator, out=np.zeros_like(value), where=denominator > 0)
            else:
                data = value / self.adopters_count[start:stop][row_i]
            product = sparse.csr_matrix((data, (row_i, col_j)), shape=(stop - start, n_items))
            blocks.append(_prune_rows(product, settings.neighbours))
        if not blocks:
            return sparse.csr_matrix((0, 0))
        return sparse.csr_matrix(sparse.vstack(blocks))

    def _group_model(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """The "organisations like you" part as two matrices: mixing (organisations × groups: how much each group
        counts for an organisation, rows summing to 1) and group_rates (groups × innovations: the recency-weighted
        share of a group's organisations that adopted an innovation). Score = mixing @ group_rates."""
        s, f = self.settings, self.features
        members: dict[tuple[str, str], list[int]] = defaultdict(list)
        mix_rows: list[int] = []
        mix_cols: list[tuple[str, str]] = []
        mix_vals: list[float] = []
        for n, org in enumerate(self.organisations):
            parts: list[tuple[float, list[tuple[str, str]]]] = []
            region, size = f.region_of.get(org), f.size_class_of.get(org)
            if region is not None:
                parts.append((s.weight_region, [("region", region)]))
            if size is not None:
                parts.append((s.weight_size_class, [("size", size)]))
            if region is not None and size is not None:
                parts.append((s.weight_region_and_size_class, [("region_size", f"{region}\x1f{size}")]))
            networks = sorted(set(f.networks_of.get(org, ())))
            if networks:
                parts.append((s.weight_network, [("network", net) for net in networks]))
            parts.append((s.weight_everyone, [("everyone", "")]))
            total = sum(weight for weight, _ in parts)
            for weight, groups in parts:
                for group in groups:
                    members[group].append(n)
                    if total > 0 and weight > 0:
                        mix_rows.append(n)
                        mix_cols.append(group)
                        mix_vals.append(weight / total / len(groups))
        group_keys = sorted(members)
        group_index = {g: n for n, g in enumerate(group_keys)}
        rows: list[int] = []
        cols: list[int] = []
        for group, orgs in members.items():
            rows.extend([group_index[group]] * len(orgs))
            cols.extend(orgs)
        membership = sparse.csr_matrix(
            (np.ones(len(rows)), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(group_keys), len(self.organisations)),
        )
        sizes = np.asarray(membership.sum(axis=1), dtype=np.float64).ravel()
        rates = sparse.csr_matrix(sparse.diags(1.0 / np.maximum(sizes, 1.0)) @ (membership @ self.recent))
        mixing = sparse.csr_matrix(
            (
                np.asarray(mix_vals),
                (np.asarray(mix_rows, dtype=np.int64), np.asarray([group_index[g] for g in mix_cols], dtype=np.int64)),
            ),
            shape=(len(self.organisations), len(group_keys)),
        )
        return mixing, rates

    # --- scoring -------------------------------------------------------------------------------------------
    def _parts(self, org_rows: IntArray) -> tuple[FloatArray, FloatArray]:
        """CF and like-you scores (organisations × innovations, dense) for some organisations."""
        item_based = np.asarray((self.profile[org_rows] @ self.similarity).toarray(), dtype=np.float64)
        like_you = np.asarray((self.mixing[org_rows] @ self.group_rates).toarray(), dtype=np.float64)
        return item_based, like_you

    def _combine(self, item_based: FloatArray, like_you: FloatArray) -> FloatArray:
        """The blend of the two parts, each in units of its own average over all organisation-innovation pairs:
        their raw scales differ (similarities vs adoption shares), and blend should weigh them, not their units."""
        blend = self.settings.blend
        return np.asarray((1.0 - blend) * item_based * self.item_based_unit + blend * like_you * self.like_you_unit)

    def _scores(self, org_rows: IntArray) -> FloatArray:
        scores = self._combine(*self._parts(org_rows))
        adopted = self.binary[org_rows].tocoo()
        scores[adopted.row, adopted.col] = -np.inf  # never recommend what the organisation already adopted
        return scores

    def _popularity(self, org_rows: IntArray, recent: bool = False) -> FloatArray:
        counts = self.recent_count if recent else self.adopters_count
        scores = np.tile(counts, (org_rows.size, 1))
        adopted = self.binary[org_rows].tocoo()
        scores[adopted.row, adopted.col] = -np.inf
        return scores

    @staticmethod
    def _top(scores: FloatArray, k: int) -> list[IntArray]:
        """Each row's top k columns, best first; ties go to the earlier innovation key (stable sort)."""
        result: list[IntArray] = []
        for row in scores:
            order = np.argsort(-row, kind="stable")
            finite = order[np.isfinite(row[order])]
            result.append(finite[:k].astype(np.int64))
        return result

    def top_indices(self, org_rows: IntArray, k: int) -> list[IntArray]:
        return self._top(self._scores(org_rows), k)

    def popular_indices(self, org_rows: IntArray, k: int, recent: bool = False) -> list[IntArray]:
        return self._top(self._popularity(org_rows, recent), k)

    # --- public queries ------------------------------------------------------------------------------------
    def for_organisation(self, organisation: str, k: int = 10) -> list[Recommendation]:
        """What the organisation might adopt next, best first. Unknown organisations get the like-you part only
        through "everyone" (no features known): effectively recency-weighted popularity."""
        row = self.org_index.get(organisation)
        if row is None:
            everyone = self._everyone_rates()
            order = self._top(everyone[np.newaxis, :], k)[0]
            return [
                Recommendation(
                    self.innovations[j], float(everyone[j]), 0.0, float(everyone[j]), self._reason(None, int(j))
                )
                for j in order
            ]
        rows = np.asarray([row], dtype=np.int64)
        item_based, like_you = self._parts(rows)
        scores = self._scores(rows)
        order = self._top(scores, k)[0]
        return [
            Recommendation(
                innovation=self.innovations[j],
                score=float(scores[0, j]),
                item_based=float(item_based[0, j]),
                like_you=float(like_you[0, j]),
                reason=self._reason(row, int(j)),
            )
            for j in order
        ]

    def for_organisations(
        self, organisations: Sequence[str], k: int = 10, block: int | None = None
    ) -> list[list[Recommendation]]:
        """`for_organisation` for each of the organisations, the same answers, computed a block of organisations
        at a time: the scores of a block as two sparse matrix products, the top k of every row from one partition
        of the block, and each organisation's network fellows found once for its k reasons (not once a reason).
        `block` bounds the dense block (organisations × innovations) in memory."""
        if block is None:
            block = max(1, min(_CHUNK, _BLOCK_CELLS // max(len(self.innovations), 1)))
        answers: list[list[Recommendation] | None] = [None] * len(organisations)
        known: list[tuple[int, int]] = []  # (position in the answer, row)
        unknown: list[Recommendation] | None = None
        for position, organisation in enumerate(organisations):
            row = self.org_index.get(organisation)
            if row is None:
                unknown = unknown if unknown is not None else self.for_organisation(organisation, k)
                answers[position] = list(unknown)
            else:
                known.append((position, row))
        for start in range(0, len(known), block):
            chunk = known[start : start + block]
            rows = np.asarray([row for _, row in chunk], dtype=np.int64)
            item_based, like_you = self._parts(rows)
            scores = self._combine(item_based, like_you)
            adopted = self.binary[rows].tocoo()
            scores[adopted.row, adopted.col] = -np.inf
            for n, ((position, row), order) in enumerate(zip(chunk, self._top_block(scores, k), strict=True)):
                fellows = self._fellows(row)
                # How many adopters of each innovation share a network with the organisation: one sum over the
                # rows of its fellows (a few hundred), not a scan of every innovation's adopters.
                fellow_counts = (
                    np.asarray(self.binary[np.flatnonzero(fellows)].sum(axis=0), dtype=np.float64).ravel()
                    if fellows is not None
                    else None
                )
                answers[position] = [
                    Recommendation(
                        innovation=self.innovations[j],
                        score=float(scores[n, j]),
                        item_based=float(item_based[n, j]),
                        like_you=float(like_you[n, j]),
                        reason=self._group_reason(row, int(j), fellows, fellow_counts),
                    )
                    for j in order
                ]
        return [answer if answer is not None else [] for answer in answers]

    @staticmethod
    def _top_block(scores: FloatArray, k: int) -> list[IntArray]:
        """`_top` for a block of rows, the same answers (ties to the earlier innovation): the k-th largest score of
        every row from one partition, then only the scores at least that large are sorted."""
        n_rows, n_items = scores.shape
        if k <= 0 or n_items == 0:
            return [np.zeros(0, dtype=np.int64) for _ in range(n_rows)]
        kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1] if k < n_items else np.full(n_rows, -np.inf)
        result: list[IntArray] = []
        for row, floor in zip(scores, kth, strict=True):
            candidates = np.flatnonzero(row >= floor)
            candidates = candidates[np.isfinite(row[candidates])]
            order = np.lexsort((candidates, -row[candidates]))
            result.append(candidates[order][:k].astype(np.int64))
        return result

    def _fellows(self, org_row: int) -> BoolArray | None:
        """Which organisations share a network with this one (a mask over all organisations); None without any."""
        own_networks = _column(self.network_membership, org_row)[0]
        if own_networks.size == 0:
            return None
        mask = np.zeros(len(self.organisations), dtype=bool)
        for network in own_networks:
            mask[_column(self.network_members, int(network))[0]] = True
        return mask

    def popular_for(self, organisation: str, k: int = 10) -> list[str]:
        """The popularity baseline: most adopters first, among innovations the organisation has not adopted."""
        row = self.org_index.get(organisation)
        if row is None:
            scores = self.adopters_count.copy()[np.newaxis, :]
        else:
            scores = self._popularity(np.asarray([row], dtype=np.int64))
        return [self.innovations[j] for j in self._top(scores, k)[0]]

    def also_adopted(self, innovation: str, k: int = 10) -> list[AlsoAdopted]:
        """Organisations that adopted this also adopted …: the most similar innovations, with co-adoption counts."""
        item = self.item_index.get(innovation)
        if item is None:
            return []
        similarity = np.asarray(self.similarity[item].toarray(), dtype=np.float64).ravel()
        adopters = self.binary_csc[:, item].nonzero()[0]
        co_adopters = np.asarray(self.binary[adopters].sum(axis=0), dtype=np.float64).ravel()
        similarity[item] = -np.inf
        similarity[co_adopters == 0] = -np.inf
        order = self._top(similarity[np.newaxis, :], k)[0]
        n = max(int(adopters.size), 1)
        return [
            AlsoAdopted(self.innovations[j], float(similarity[j]), int(co_adopters[j]), float(co_adopters[j] / n))
            for j in order
        ]

    def likely_next(self, innovation: str, k: int = 10) -> list[LikelyAdopter]:
        """Which organisations that have not adopted the innovation are most likely to adopt it next."""
        item = self.item_index.get(innovation)
        if item is None:
            return []
        item_based = np.asarray((self.profile @ self.similarity_csc[:, item]).toarray(), dtype=np.float64).ravel()
        like_you = np.asarray((self.mixing @ self.group_rates_csc[:, item]).toarray(), dtype=np.float64).ravel()
        scores = self._combine(item_based, like_you)
        scores[self.binary_csc[:, item].nonzero()[0]] = -np.inf
        order = self._top(scores[np.newaxis, :], k)[0]
        return [
            LikelyAdopter(
                organisation=self.organisations[o],
                score=float(scores[o]),
                item_based=float(item_based[o]),
                like_you=float(like_you[o]),
                reason=self._reason(int(o), item),
            )
            for o in order
        ]

    def _everyone_rates(self) -> FloatArray:
        n = max(len(self.organisations), 1)
        return np.asarray(self.recent.sum(axis=0), dtype=np.float64).ravel() / n

    def _group_tables(self) -> dict[str, _GroupTable]:
        """For every innovation and group (region, size class, both, everyone): how many adopted it and the adopter
        an example names (the most recent, then the first key), made once from all adoptions."""
        if self._tables is None:
            sizes = int(self.size_code.max()) + 1 if self.size_code.size else 1
            both = np.where(
                (self.region_code >= 0) & (self.size_code >= 0), self.region_code * sizes + self.size_code, -1
            )
            self._tables = {
                "region": _GroupTable.build(self.binary_csc, self.years_csc, self.region_code),
                "size": _GroupTable.build(self.binary_csc, self.years_csc, self.size_code),
                "both": _GroupTable.build(self.binary_csc, self.years_csc, both),
                "everyone": _GroupTable.build(self.binary_csc, self.years_csc, np.zeros_like(self.region_code)),
            }
            self._both_code = both
        return self._tables

    def _group_reason(
        self, org_row: int, item: int, fellows: BoolArray | None, fellow_counts: FloatArray | None
    ) -> Reason:
        """`_reason` for an innovation the organisation has not adopted, the same data, from the group tables:
        counts and example adopters looked up, not counted over the innovation's adopters (thousands for a popular
        one). Only adopters in its networks are looked at when they decide the example."""
        tables = self._group_tables()
        region, size = int(self.region_code[org_row]), int(self.size_code[org_row])
        both_code = int(self._both_code[org_row])
        same_region = tables["region"].lookup(item, region) if region >= 0 else None
        same_size = tables["size"].lookup(item, size) if size >= 0 else None
        both = tables["both"].lookup(item, both_code) if both_code >= 0 else None
        partners = int(fellow_counts[item]) if fellow_counts is not None else None
        everyone = tables["everyone"].lookup(item, 0)
        # The closest relation first (as `_reason`'s ranks): a group's own most recent adopter.
        found: tuple[int, int, int] | None = None
        if both is not None and both[0]:
            found = (0, both[1], both[2])
        elif same_region is not None and same_region[0]:
            found = (1, same_region[1], same_region[2])
        elif fellows is not None and partners:
            adopters, years = _column(self.binary_csc, item)[0], _column(self.years_csc, item)[1]
            among = fellows[adopters]
            best = int(np.lexsort((adopters[among], -years[among]))[0])
            found = (2, int(adopters[among][best]), int(years[among][best]))
        elif same_size is not None and same_size[0]:
            found = (3, same_size[1], same_size[2])
        elif everyone[0]:
            found = (4, everyone[1], everyone[2])
        because, because_similarity, because_co = self._because(org_row, item)
        return Reason(
            adopters=everyone[0],
            adopters_same_region=same_region[0] if same_region is not None else None,
            adopters_same_size_class=same_size[0] if same_size is not None else None,
            adopters_same_region_and_size_class=both[0] if both is not None else None,
            adopters_in_shared_networks=partners,
            example_adopter=self.organisations[found[1]] if found else None,
            example_year=found[2] if found else None,
            example_relation=_RELATIONS[found[0]] if found else None,
            because_of=because,
            because_similarity=because_similarity,
            because_co_adopters=because_co,
        )

    def _because(self, org_row: int, item: int) -> tuple[str | None, float | None, int | None]:
        """What the organisation adopted that this innovation is most similar to (weighted by recency), with the
        number of organisations that adopted both."""
        adopted, weights = _column(self.recent_csr, org_row)  # a CSR row: the organisation's adoptions
        sources, similarities = _column(self.similarity_csc, item)  # innovations pointing to this one
        common, in_adopted, in_sources = np.intersect1d(adopted, sources, assume_unique=True, return_indices=True)
        if common.size:
            contributions = weights[in_adopted] * similarities[in_sources]
            best_n = int(np.argmax(contributions))
            if contributions[best_n] > 0:
                source = int(common[best_n])
                co = np.intersect1d(
                    _column(self.binary_csc, source)[0], _column(self.binary_csc, item)[0], assume_unique=True
                )
                return self.innovations[source], float(similarities[in_sources[best_n]]), int(co.size)
        return None, None, None

    def _reason(self, org_row: int | None, item: int, fellows: BoolArray | Literal[False] | None = False) -> Reason:
        """The reason data, vectorised over the innovation's adopters (a popular one has thousands). `fellows`:
        the organisation's network fellows from `_fellows`, when the caller asks about many innovations."""
        adopters, years = _column(self.binary_csc, item)[0], _column(self.years_csc, item)[1]
        region = int(self.region_code[org_row]) if org_row is not None else -1
        size = int(self.size_code[org_row]) if org_row is not None else -1
        same_region = (self.region_code[adopters] == region) if region >= 0 else np.zeros(adopters.size, bool)
        same_size = (self.size_code[adopters] == size) if size >= 0 else np.zeros(adopters.size, bool)
        if fellows is False:
            fellows = self._fellows(org_row) if org_row is not None else None
        has_networks = fellows is not None
        partners = fellows[adopters] if fellows is not None else np.zeros(adopters.size, dtype=bool)
        both = same_region & same_size
        # The closest relation first, then the most recent adoption, then the first key (stable output).
        relation_rank = np.select([both, same_region, partners, same_size], [0, 1, 2, 3], default=4)
        example = example_year = None
        example_relation: Relation | None = None
        if adopters.size:
            best = int(np.lexsort((adopters, -years, relation_rank))[0])
            example, example_year = self.organisations[int(adopters[best])], int(years[best])
            example_relation = _RELATIONS[int(relation_rank[best])]

        because, because_similarity, because_co = (
            self._because(org_row, item) if org_row is not None else (None, None, None)
        )
        return Reason(
            adopters=int(adopters.size),
            adopters_same_region=int(same_region.sum()) if region >= 0 else None,
            adopters_same_size_class=int(same_size.sum()) if size >= 0 else None,
            adopters_same_region_and_size_class=int(both.sum()) if region >= 0 and size >= 0 else None,
            adopters_in_shared_networks=int(partners.sum()) if has_networks else None,
            example_adopter=example,
            example_year=example_year,
            example_relation=example_relation,
            because_of=because,
            because_similarity=because_similarity,
            because_co_adopters=because_co,
        )


@dataclass(frozen=True)
class _GroupTable:
    """Per (innovation, group): the number of adopters in the group and its example adopter (the most recent
    adoption, then the first organisation), as sorted keys innovation × groups + group for a binary search."""

    groups: int
    keys: IntArray
    counts: IntArray
    best: IntArray
    best_year: IntArray

    @classmethod
    def build(cls, binary_csc: sparse.csc_matrix, years_csc: sparse.csc_matrix, code: IntArray) -> _GroupTable:
        groups = int(code.max()) + 1 if code.size else 1
        items = np.repeat(np.arange(binary_csc.shape[1], dtype=np.int64), np.diff(binary_csc.indptr))
        orgs = np.asarray(binary_csc.indices, dtype=np.int64)
        years = np.asarray(years_csc.data, dtype=np.int64)  # the same pattern as binary_csc (both sorted)
        known = code[orgs] >= 0
        items, orgs, years = items[known], orgs[known], years[known]
        keys = items * groups + code[orgs]
        order = np.lexsort((orgs, -years, keys))
        keys, orgs, years = keys[order], orgs[order], years[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, np.int64)
        counts = np.diff(np.r_[starts, keys.size])
        return cls(groups, keys[starts], counts.astype(np.int64), orgs[starts], years[starts])

    def lookup(self, item: int, group: int) -> tuple[int, int, int]:
        """(adopters in the group, its example adopter's row, that adoption's year); (0, -1, 0) when none."""
        key = item * self.groups + group
        at = int(np.searchsorted(self.keys, key))
        if at < self.keys.size and self.keys[at] == key:
            return int(self.counts[at]), int(self.best[at]), int(self.best_year[at])
        return 0, -1, 0


_RELATIONS: tuple[Relation, ...] = (
    "same_region_and_size_class",
    "same_region",
    "network_partner",
    "same_size_class",
    "other",
)


def _column(matrix: sparse.csc_matrix | sparse.csr_matrix, n: int) -> tuple[IntArray, FloatArray]:
    """Row indices and values of a CSC matrix's column n (or column indices and values of a CSR matrix's row n),
    read straight from its arrays: scipy's indexing costs far more than the work for one column."""
    start, stop = int(matrix.indptr[n]), int(matrix.indptr[n + 1])
    return (
        np.asarray(matrix.indices[start:stop], dtype=np.int64),
        np.asarray(matrix.data[start:stop], dtype=np.float64),
    )


def fit_recommender(
    events: Iterable[Adoption],
    *,
    features: OrganisationFeatures | None = None,
    settings: RecommenderSettings | None = None,
    now_year: int | None = None,
) -> Recommender:
    """Fit on every adoption given; `now_year` (default: the latest adoption's year) anchors the recency weights."""
    return Recommender(events, features or OrganisationFeatures(), settings or RecommenderSettings(), now_year)


def recommend_for_organisation(
    events: Iterable[Adoption],
    organisation: str,
    *,
    features: OrganisationFeatures | None = None,
    k: int = 10,
    settings: RecommenderSettings | None = None,
) -> list[Recommendation]:
    """Fit and ask once (the agreed one-call interface); keep a `Recommender` to ask many times."""
    return fit_recommender(events, features=features, settings=settings).for_organisation(organisation, k)


def evaluate_time_split(
    events: Iterable[Adoption],
    cutoff_year: int,
    k: int = 10,
    *,
    features: OrganisationFeatures | None = None,
    settings: RecommenderSettings | None = None,
    until_year: int | None = None,
) -> TimeSplitResult:
    """Fit on adoptions before `cutoff_year`, predict those from it on (to `until_year`); see the module docstring
    for exactly what counts."""
    if k < 1:
        raise ValueError("k must be at least 1")
    events = list(events)
    train = [e for e in events if e.year < cutoff_year]
    model = fit_recommender(train, features=features, settings=settings, now_year=cutoff_year - 1)
    trained_orgs = {e.organisation for e in train}
    targets: dict[int, set[int]] = defaultdict(set)
    cold = 0
    for e in events:
        if e.year < cutoff_year or (until_year is not None and e.year > until_year):
            continue
        item = model.item_index.get(e.innovation)
        if item is None:
            cold += 1
            continue
        if e.organisation not in trained_orgs:
            continue
        row = model.org_index[e.organisation]
        if model.binary[row, item]:
            continue  # adopted again after an adoption before the cutoff: not a new adoption
        targets[row].add(item)
    rows = np.asarray(sorted(targets), dtype=np.int64)
    # found[method] = (hits, recall sum) over evaluated organisations
    found = {"method": [0.0, 0.0], "popular": [0.0, 0.0], "recent": [0.0, 0.0]}
    for start in range(0, rows.size, _CHUNK):
        chunk = rows[start : start + _CHUNK]
        rankings = {
            "method": model.top_indices(chunk, k),
            "popular": model.popular_indices(chunk, k),
            "recent": model.popular_indices(chunk, k, recent=True),
        }
        for name, tops in rankings.items():
            for row, top in zip(chunk, tops, strict=True):
                wanted = targets[int(row)]
                right = len(wanted.intersection(top.tolist()))
                found[name][0] += right > 0
                found[name][1] += right / len(wanted)
    n = rows.size
    return TimeSplitResult(
        cutoff_year=cutoff_year,
        until_year=until_year,
        k=k,
        organisations=int(n),
        targets=sum(len(t) for t in targets.values()),
        cold_adoptions=cold,
        hit_rate=found["method"][0] / n if n else math.nan,
        recall_at_k=found["method"][1] / n if n else math.nan,
        baseline_hit_rate=found["popular"][0] / n if n else math.nan,
        baseline_recall=found["popular"][1] / n if n else math.nan,
        recent_baseline_hit_rate=found["recent"][0] / n if n else math.nan,
        recent_baseline_recall=found["recent"][1] / n if n else math.nan,
    )


__all__: Sequence[str] = (
    "Adoption",
    "AlsoAdopted",
    "LikelyAdopter",
    "OrganisationFeatures",
    "Reason",
    "Recommendation",
    "Recommender",
    "RecommenderSettings",
    "TimeSplitResult",
    "evaluate_time_split",
    "fit_recommender",
    "recommend_for_organisation",
)
