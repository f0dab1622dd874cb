"""Finnish words as a search needs them: their base forms and, for a compound, the base forms of its parts.

"kotihoidon" → base form "kotihoito", parts "koti" and "hoito"; "kaupungeissa" → "kaupunki". Snowball's stemmer
does neither: it cuts endings, so consonant gradation (hoito/hoidon, liikenne/liikenteen) leaves two stems that
never meet, and a compound stays one stem that its last part cannot find.

Two analysers, chosen once per process:
- Voikko (Debian's libvoikko1 and voikko-fi, through the `libvoikko` binding): a full morphology of Finnish, the
  analyser Finnish search installations use. It marks compound boundaries in the word (STRUCTURE), which is how the
  parts are found.
- Where Voikko is not installed (a newcomer's laptop): simplemma's Finnish lemma dictionary, pure Python from PyPI.
  It has no compound analysis, so a compound is split where both sides are words its dictionary knows (written
  here: simplemma offers no splitter). This is said once in the log.

Analyses are cached per distinct word: a language's vocabulary is small next to its running text. Nothing here
knows of Django.
"""

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

logger = logging.getLogger(__name__)

# Shorter parts are not split off: "tie|to" or "ka|upunki" would only add noise.
MIN_PART = 3
# The dictionary splitter's last part is longer still: its dictionary knows many three-letter words (asu|kas).
MIN_TAIL = 4
# Longer "words" are not analysed (the longest Finnish words in use have about 40 letters): a query may be any
# string, and the dictionary splitter's work grows with the square of a word's length.
MAX_WORD = 60
# Analyses kept per process (a word and its few base forms: ~200 bytes each).
CACHE_WORDS = 200_000


@dataclass(frozen=True)
class Analysis:
    """What a search keeps of one word. Both tuples are empty when the analyser does not know the word."""

    base_forms: tuple[str, ...]
    parts: tuple[str, ...]  # the base forms of a compound's parts, the whole word's base forms not included

    @property
    def known(self) -> bool:
        return bool(self.base_forms)


UNKNOWN = Analysis((), ())


class Analyser(Protocol):
    name: str

    def analyse(self, word: str) -> Analysis: ...


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


class VoikkoAnalyser:
    name = "voikko"

    def __init__(self) -> None:
        from libvoikko import Voikko  # raises OSError when libvoikko1 is missing

        self._voikko = Voikko("fi")  # raises VoikkoException when voikko-fi (the dictionary) is missing
        # A Voikko handle may not be used by two threads at once (the live server and threaded app servers do).
        self._lock = threading.Lock()

    def _raw(self, word: str) -> list[dict[str, str]]:
        with self._lock:
            return list(self._voikko.analyze(word))

    def analyse(self, word: str) -> Analysis:
        analyses = self._raw(word)
        base_forms: list[str] = []
        parts: list[str] = []
        for analysis in analyses:
            base = analysis.get("BASEFORM", "").lower()
            base_forms.append(base)
            parts.extend(self._parts(word, base, analysis.get("STRUCTURE", "")))
        base_forms_unique = _unique(base_forms)
        return Analysis(base_forms_unique, tuple(p for p in _unique(parts) if p not in base_forms_unique))

    def _parts(self, word: str, base: str, structure: str) -> list[str]:
        """The parts of a compound, from the boundaries ("=") that STRUCTURE marks in the word as written.

        Every part but the last is written as it is (koti|hoidon, terveys|tarkastuksen), or inflected
        (kaupungin|hallitus), so each is analysed on its own; the last part is what remains of the whole word's
        base form once the earlier parts are taken off its front (kotihoito − koti = hoito)."""
        segments: list[str] = []
        position = 0
        for piece in structure.split("=")[1:]:  # one mark per character of the word ("p" a letter, "-" a hyphen)
            segments.append(word[position : position + len(piece)])
            position += len(piece)
        segments = [segment.strip("-") for segment in segments if segment.strip("-")]
        if len(segments) < 2:
            return []
        parts: list[str] = []
        front = "".join(segments[:-1]).lower()
        for segment in segments[:-1]:
            if len(segment) >= MIN_PART:
                inner = [analysis.get("BASEFORM", "").lower() for analysis in self._raw(segment)]
                parts.extend(inner or [segment.lower()])
        if base.startswith(front) and len(base) - len(front) >= MIN_PART:
            parts.append(base[len(front) :])
        return parts


class SimplemmaAnalyser:
    name = "simplemma"

    def __init__(self) -> None:
        import simplemma

        self._simplemma = simplemma

    def _known(self, word: str) -> bool:
        return bool(self._simplemma.is_known(word, lang="fi"))

    def _lemma(self, word: str) -> str | None:
        """The lemma of a word the dictionary knows (the word itself when the dictionary's lemma is not a form of
        it: työ → "sinä"), or of an inflected form its rules recognise; None for a word it does not know and a
        rule's guess that does not keep the word's start or leaves too long an ending (a guess about a fragment)."""
        lemma = str(self._simplemma.lemmatize(word, lang="fi"))
        keeps_start = _common_prefix(word, lemma) >= min(3, len(lemma) - 2)
        if self._known(word):
            return lemma if keeps_start else word
        if lemma != word and self._known(lemma) and keeps_start and len(word) - _common_prefix(word, lemma) <= 5:
            return lemma
        return None

    def analyse(self, word: str) -> Analysis:
        lemma = self._lemma(word)
        # A word the dictionary does not know may still be a compound of words it knows, the head perhaps not one
        # of them (etä|kotihoito).
        parts = self._split(lemma or word, unknown_head=lemma is None)
        if lemma is None:
            if not parts:
                return UNKNOWN
            # The last part, inflected as written, gives the base form of the whole.
            lemma = word[: len(word) - len(parts[-1][1])] + parts[-1][0]
        # A compound's parts are split again (kotihoito → koti|hoito), whichever way the first split went.
        split_parts = [inner for part, written in parts for inner in (self._split(part) or [(part, written)])]
        return Analysis((lemma.lower(),), _unique([part for part, _ in split_parts if part != lemma]))

    def _split(self, word: str, *, unknown_head: bool = False) -> list[tuple[str, str]]:
        """(base form, as written) of each part when the word is a compound of known words, else []: the longest
        known tail first, then the head split the same way. With unknown_head, a head the dictionary does not know
        is kept as written."""
        for cut in range(MIN_PART, len(word) - MIN_TAIL + 1):
            head, tail = word[:cut], word[cut:]
            # The tail as the dictionary has it, not a rule's guess: rules make a lemma of fragments (stoauton → stoa).
            tail_lemma = self._lemma(tail) if self._known(tail) else None
            if tail_lemma is None:
                continue
            head_lemma = self._lemma(head)
            if head_lemma is not None:
                return [(head_lemma, head), (tail_lemma, tail)]
            head_parts = self._split(head)
            if head_parts:
                return [*head_parts, (tail_lemma, tail)]
            if unknown_head:
                return [(head, head), (tail_lemma, tail)]
        return []


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


_chosen: Analyser | None = None
_choice_lock = threading.Lock()


def analyser() -> Analyser:
    """Voikko when it loads, else simplemma (said once in the log)."""
    global _chosen
    with _choice_lock:
        if _chosen is None:
            try:
                _chosen = VoikkoAnalyser()
            except Exception as error:  # OSError without the library, VoikkoException without the dictionary
                logger.warning(
                    "Voikko is not available (%s): Finnish search falls back to simplemma's lemmas and splits "
                    "compounds by its dictionary. Install libvoikko1 and voikko-fi for the full analysis, then run "
                    "`manage.py rebuild_search_documents`.",
                    error,
                )
                _chosen = SimplemmaAnalyser()
        return _chosen


def use(chosen: Analyser | None) -> None:
    """Sets the analyser (None: choose again on next use) and forgets the cached analyses. For tests and
    benchmarks that compare the two."""
    global _chosen
    with _choice_lock:
        _chosen = chosen
    analyse.cache_clear()


_WORDLIKE = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=CACHE_WORDS)
def analyse(word: str) -> Analysis:
    """The analysis of one lower-cased word; UNKNOWN for numbers, for words the analyser does not know and for
    strings too long to be words."""
    if len(word) > MAX_WORD or not _WORDLIKE.search(word):
        return UNKNOWN
    return analyser().analyse(word)
