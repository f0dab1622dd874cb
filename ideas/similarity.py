"""Text similarity of ideas, for suggesting likely duplicates. Plain Python, no Django.

Finnish inflects and compounds heavily: "kirjastoon", "kirjaston" and "kirjastot" are one word, and a
"lähikirjasto" is a kind of "kirjasto". Each text becomes a bag of features:

- word stems (Snowball, Finnish and Swedish): the inflected forms meet in one stem;
- character 4-grams of each stem, padded at both ends: a compound shares most of its grams with its parts
  ("lähikirjasto" and "kirjasto" share "kirj", "irja", "rjas", "jast", "asto", "sto_"), and a typing slip costs a
  few grams instead of the whole word.

The features are weighted by TF-IDF over the candidates (a word every idea uses, like "kaupunki" in one city's
ideas, counts little) and compared by cosine. An `Index` keeps the candidates' weighted vectors and an inverted
list per feature, so a query touches only the ideas that share a feature with it.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core.text_search import stem, words

NGRAM = 4
# A gram says less than a whole stem: the grams of one word together outweigh its stem, so they are scaled down.
NGRAM_WEIGHT = 0.5
# Words that tell a Swedish text from a Finnish one (a short text with none of them is taken as Finnish).
SWEDISH_HINTS = frozenset(
    "och att det som är för på med till av inte har kan om ska skulle borde vi ni de den ett en mer fler".split()  # noqa: SIM905  # a word list reads best as words
)
# Words that carry no topic in Finnish, Swedish or English. IDF would push them down too, but in a small
# challenge with few ideas it cannot: leaving them out keeps "ja" from making two unrelated ideas look alike.
STOP_WORDS = frozenset(
    """
    ja tai sekä että kun jos niin myös mutta vaan vai eli on ole ei en et olla oli ovat olisi voisi voi
    se ne tämä nämä tuo nuo joka jotka mikä mitkä kuin kanssa ilman mukaan vielä jo hyvin paljon enemmän
    minä sinä hän me te he meidän teidän heidän minun sinun hänen sen niiden siitä siihen siinä sitä
    och att det som en ett är den de för på med till av inte har kan om så men eller
    the a an and or of to in on for is are be with that this it as at by from not we our
    """.split()  # noqa: SIM905
)


def _grams(token: str) -> list[str]:
    padded = f"_{token}_"
    if len(padded) <= NGRAM:
        return [padded]
    return [padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)]


@lru_cache(maxsize=100_000)
def _word_features(word: str, lang: str) -> tuple[str, ...]:
    # A language's words repeat from idea to idea: each word is stemmed and cut into grams once per process.
    word_stem = stem(word, lang)
    return ("s:" + word_stem, *("g:" + gram for gram in _grams(word_stem)))


def language(text_words: list[str]) -> str:
    """ "sv" when the words look Swedish, else "fi": stemming a word in the wrong language leaves odd stems that
    meet nothing ("kirjastoon" stays whole in Swedish)."""
    swedish = sum(word in SWEDISH_HINTS or "å" in word for word in text_words)
    return "sv" if swedish * 5 >= len(text_words) and swedish else "fi"


def features(text: str) -> Counter[str]:
    """The feature counts of a text: "s:" stems and "g:" character grams of the stems (see the module)."""
    text_words = words(text or "")
    lang = language(text_words)
    counts: Counter[str] = Counter()
    for word in text_words:
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        counts.update(_word_features(word, lang))
    return counts


def _idf(document_frequency: int, documents: int) -> float:
    # Smoothed, so that a feature every candidate has still counts a little and an unseen one is finite.
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


def _scale(feature: str) -> float:
    return NGRAM_WEIGHT if feature.startswith("g:") else 1.0


@dataclass
class Index:
    """The TF-IDF vectors of candidate texts, and per feature the candidates that have it (positions into `keys`)
    with their weights, as numpy arrays: a query adds up a few arrays instead of looping over candidates."""

    keys: list[Hashable] = field(default_factory=list)
    # Each feature's IDF times its scale (grams count less than stems), ready to multiply term frequencies by.
    factor: dict[str, float] = field(default_factory=dict)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # 1 for a live candidate, 0 for one removed or replaced by `updated` (its postings stay until a rebuild).
    alive: np.ndarray = field(default_factory=lambda: np.ones(0, dtype=np.float32))

    @property
    def documents(self) -> int:
        return len(self.keys)

    @classmethod
    def build(cls, items: Iterable[tuple[Hashable, str]]) -> "Index":
        keys: list[Hashable] = []
        counted: list[Counter[str]] = []
        for key, text in items:
            keys.append(key)
            counted.append(features(text))
        frequency: Counter[str] = Counter()
        for counts in counted:
            frequency.update(counts.keys())
        index = cls(keys=keys)
        index.factor = {feature: _idf(df, len(keys)) * _scale(feature) for feature, df in frequency.items()}
        positions: defaultdict[str, list[int]] = defaultdict(list)
        weights: defaultdict[str, list[float]] = defaultdict(list)
        for position, counts in enumerate(counted):
            for feature, weight in index._weights(counts).items():
                positions[feature].append(position)
                weights[feature].append(weight)
        index.postings = {
            feature: (np.array(positions[feature], dtype=np.int32), np.array(weights[feature], dtype=np.float32))
            for feature in positions
        }
        index.alive = np.ones(len(keys), dtype=np.float32)
        return index

    def updated(self, *, changed: Iterable[tuple[Hashable, str]] = (), removed: Iterable[Hashable] = ()) -> "Index":
        """A new index with some candidates added, replaced or removed, weighted by this index's IDF (a few
        changes barely move it; rebuild after many). This index is left as it was, so readers in other threads
        never see half an update."""
        changed = list(changed)
        gone = set(removed) | {key for key, _text in changed}
        alive = self.alive.copy()
        for position, key in enumerate(self.keys):
            if key in gone:
                alive[position] = 0.0
        keys = [*self.keys, *(key for key, _text in changed)]
        postings = dict(self.postings)
        start = len(self.keys)
        for offset, (_key, text) in enumerate(changed):
            for feature, weight in self._weights(features(text)).items():
                old = postings.get(feature)
                at = np.array([start + offset], dtype=np.int32)
                value = np.array([weight], dtype=np.float32)
                postings[feature] = (
                    (np.concatenate((old[0], at)), np.concatenate((old[1], value))) if old else (at, value)
                )
        alive = np.concatenate((alive, np.ones(len(changed), dtype=np.float32)))
        return Index(keys=keys, factor=self.factor, postings=postings, alive=alive)

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        """Unit-length TF-IDF weights (sublinear term frequency: a word said three times is not three times as
        much about it). A feature no candidate has weighs as the rarest would."""
        unseen = _idf(0, self.documents)
        factor = self.factor
        vector = {
            feature: (1.0 + math.log(count)) * factor.get(feature, unseen * _scale(feature))
            for feature, count in counts.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        return {feature: weight / norm for feature, weight in vector.items()} if norm else {}

    def _totals(self, text: str) -> np.ndarray:
        totals = np.zeros(self.documents, dtype=np.float32)
        for feature, weight in self._weights(features(text)).items():
            posting = self.postings.get(feature)
            if posting is not None:
                # Positions are unique within one feature's list, so a plain fancy-indexed add is exact.
                totals[posting[0]] += weight * posting[1]
        scores: np.ndarray = totals * self.alive
        return scores

    def scores(self, text: str) -> dict[Hashable, float]:
        """Cosine similarity (0…1) of the text to each candidate that shares at least one feature with it."""
        totals = self._totals(text)
        return {self.keys[position]: float(totals[position]) for position in np.flatnonzero(totals)}

    def rank(
        self,
        text: str,
        *,
        limit: int = 5,
        minimum: float = 0.0,
        allowed: Iterable[Hashable] | None = None,
        exclude: Iterable[Hashable] = (),
    ) -> list[tuple[Hashable, float]]:
        """The most similar candidates, best first, at most `limit`, each above zero and at least `minimum`; only
        keys in `allowed` when it is given, never those in `exclude`. Equal scores keep the order the candidates were given in."""
        totals = self._totals(text)
        allowed_keys = None if allowed is None else set(allowed)
        excluded = set(exclude)
        found: list[tuple[Hashable, float]] = []
        # Best first; stop as soon as `limit` candidates pass the filters or the scores fall below the minimum.
        for position in np.argsort(-totals, kind="stable"):
            score = float(totals[position])
            if score <= 0.0 or score < minimum:
                break
            key = self.keys[position]
            if key in excluded or (allowed_keys is not None and key not in allowed_keys):
                continue
            found.append((key, score))
            if len(found) == limit:
                break
        return found


def similarity(first: str, second: str, *, corpus: Iterable[str] = ()) -> float:
    """Cosine similarity of two texts (0…1), weighted by the IDF of `corpus` plus the two texts themselves."""
    index = Index.build([(0, second), *((i + 1, text) for i, text in enumerate(corpus))])
    return index.scores(first).get(0, 0.0)
