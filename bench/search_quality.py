"""Finnish search: recall and precision on the search corpus (tests/search_corpus.py) before and after Voikko, and
what the analysis costs.

    python -m bench.search_quality          # a few seconds; no database

1. Recall and precision, micro-averaged over the corpus's queries, with the catalogue's matching rule (a query word's
   terms must start a term of the record's search document), for three analyses of Finnish:
   - "snowball": Snowball's Finnish stem only, as every search document was made before Voikko came in (the same
     documents and query terms as the old code: the word as written and its stem);
   - "simplemma": the fallback where Voikko is not installed;
   - "voikko": base forms and compound parts by Voikko.
   Each query's misses and unwanted finds are listed.
2. The cost of the analysis: microseconds per word for each analyser, first seen (the analyser's own work) and
   seen again (the per-word cache), over the corpus's words and 2,000 words of the demo's texts.

Results: /tmp/innoverkko-bench/search_quality.json.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_DIR, log, measured, write_json  # noqa: E402
from core import finnish, text_search  # noqa: E402
from tests import search_corpus  # noqa: E402


class SnowballOnly:
    """The analysis before Voikko: a Finnish word's Snowball stem stands for its base form, and no word is a
    compound. With it, text_search makes the old documents and query terms exactly."""

    name = "snowball"

    def analyse(self, word: str) -> finnish.Analysis:
        return finnish.Analysis((text_search.stem(word, "fi"),), ())


def quality() -> dict[str, Any]:
    documents = {record.key: text_search.document(search_corpus.texts(record)) for record in search_corpus.RECORDS}
    found = {
        query.text: {
            key
            for key, document in documents.items()
            if all(any(term in document for term in terms) for terms in text_search.query_alternatives(query.text))
        }
        for query in search_corpus.QUERIES
    }
    score = search_corpus.score(found)
    return {
        "recall": round(score.recall, 3),
        "precision": round(score.precision, 3),
        "misses": list(score.misses),
        "unwanted": list(score.extras),
    }


def vocabulary() -> list[str]:
    """Distinct Finnish words: the corpus's, then the demo registry's texts, 2,000 or so in all."""
    words = dict.fromkeys(word for record in search_corpus.RECORDS for word in text_search.words(record.fi))
    demo = ROOT / "demo" / "registry.py"
    for word in text_search.words(demo.read_text(encoding="utf-8")):
        if len(words) >= 2000:
            break
        if len(word) > 3 and word.isalpha():
            words.setdefault(word, None)
    return list(words)


def cost(analyser: Any, words: list[str]) -> dict[str, float]:
    finnish.use(analyser)
    started = time.perf_counter()
    for word in words:
        finnish.analyse(word)
    first = time.perf_counter() - started
    repeats = []
    for _ in range(5):
        started = time.perf_counter()
        for word in words:
            finnish.analyse(word)
        repeats.append(time.perf_counter() - started)
    return {
        "words": len(words),
        "first_seen_us_per_word": round(first / len(words) * 1e6, 1),
        "cached_us_per_word": round(statistics.median(repeats) / len(words) * 1e6, 2),
    }


def main() -> None:
    load_before = os.getloadavg()
    analysers: list[Any] = [SnowballOnly(), finnish.SimplemmaAnalyser()]
    try:
        analysers.append(finnish.VoikkoAnalyser())
    except Exception as error:
        log(f"Voikko is not installed ({error}): measured without it.")
    results: dict[str, Any] = {"quality": {}, "cost": {}}
    words = vocabulary()
    for analyser in analysers:
        finnish.use(analyser)
        results["quality"][analyser.name] = quality()
        if analyser.name != "snowball":
            # A fresh analyser for the cost, so that nothing it looked up for the corpus is warm.
            fresh = type(analyser)()
            results["cost"][analyser.name] = cost(fresh, words)
    finnish.use(None)
    for name, figures in results["quality"].items():
        log(f"{name:10} recall {figures['recall']:.3f}  precision {figures['precision']:.3f}")
        for miss in figures["misses"]:
            log(f"{'':10}   missed: {miss}")
        for extra in figures["unwanted"]:
            log(f"{'':10}   unwanted: {extra}")
    for name, figures in results["cost"].items():
        log(
            f"{name:10} {figures['words']} words: {figures['first_seen_us_per_word']} µs a word first seen, "
            f"{figures['cached_us_per_word']} µs from the cache"
        )
    results["measured"] = measured(load_before=load_before)
    write_json(BENCH_DIR / "search_quality.json", results)


if __name__ == "__main__":
    main()
