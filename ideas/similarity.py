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
        word_stem = stem(word, lang)
        counts["s:" + word_stem] += 1
        for gram in _grams(word_stem):
            counts["g:" + gram] += 1
    return counts


def _idf(document_frequency: int, documents: int) -> float:
    # Smoothed, so that a feature every candidate has still counts a little and an unseen one is finite.
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


def _scale(feature: str) -> float:
    return NGRAM_WEIGHT if feature.startswith("g:") else 1.0


@dataclass
class Index:
    """The TF-IDF vectors of candidate texts under their keys, and the features' inverted lists."""

    documents: int = 0
    idf: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[tuple[Hashable, float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, items: Iterable[tuple[Hashable, str]]) -> "Index":
        counted = [(key, features(text)) for key, text in items]
        frequency: Counter[str] = Counter()
        for _key, counts in counted:
            frequency.update(counts.keys())
        index = cls(documents=len(counted))
        index.idf = {feature: _idf(df, index.documents) for feature, df in frequency.items()}
        postings: defaultdict[str, list[tuple[Hashable, float]]] = defaultdict(list)
        for key, counts in counted:
            vector = index._weights(counts)
            for feature, weight in vector.items():
                postings[feature].append((key, weight))
        index.postings = dict(postings)
        return index

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        """Unit-length TF-IDF weights (sublinear term frequency: a word said three times is not three times as
        much about it)."""
        unseen = _idf(0, self.documents)
        vector = {
            feature: (1.0 + math.log(count)) * self.idf.get(feature, unseen) * _scale(feature)
            for feature, count in counts.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        return {feature: weight / norm for feature, weight in vector.items()} if norm else {}

    def scores(self, text: str) -> dict[Hashable, float]:
        """Cosine similarity (0…1) of the text to each candidate that shares at least one feature with it."""
        totals: defaultdict[Hashable, float] = defaultdict(float)
        for feature, weight in self._weights(features(text)).items():
            for key, candidate_weight in self.postings.get(feature, ()):
                totals[key] += weight * candidate_weight
        return dict(totals)

    def rank(
        self,
        text: str,
        *,
        limit: int = 5,
        minimum: float = 0.0,
        allowed: Iterable[Hashable] | None = None,
        exclude: Iterable[Hashable] = (),
    ) -> list[tuple[Hashable, float]]:
        """The most similar candidates, best first, at most `limit`, each at least `minimum`; only keys in
        `allowed` when it is given, never those in `exclude`. Equal scores keep a stable order by key."""
        allowed_keys = None if allowed is None else set(allowed)
        excluded = set(exclude)
        found = [
            (key, score)
            for key, score in self.scores(text).items()
            if score >= minimum and key not in excluded and (allowed_keys is None or key in allowed_keys)
        ]
        found.sort(key=lambda item: (-item[1], str(item[0])))
        return found[:limit]


def similarity(first: str, second: str, *, corpus: Iterable[str] = ()) -> float:
    """Cosine similarity of two texts (0…1), weighted by the IDF of `corpus` plus the two texts themselves."""
    index = Index.build([(0, second), *((i + 1, text) for i, text in enumerate(corpus))])
    return index.scores(first).get(0, 0.0)
