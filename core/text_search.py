"""Full-text search that understands Finnish and works the same on SQLite and PostgreSQL.

Each searchable record keeps a "search document": the terms of its texts, space separated, with a leading space.
A Finnish word's terms are its base forms and its compound's parts (core.finnish: "kotihoidon" gives "kotihoito",
"koti" and "hoito"); a Swedish or English word's, its Snowball stem; every word also as written. A query word
matches when one of its terms (its Finnish base forms, or its Swedish and English stems) starts a term of the
document, so "kotihoidon" finds "kotihoito", "hoito" finds "kotihoito" and "etäkotihoito", and "kokeilu" finds
"kokeilukulttuuri". That test is a plain substring test of " term"; PostgreSQL runs it as a prefix full-text
query (`tsquery`) and SQLite as an FTS5 prefix query (`fts5_query`), each served by an index. This module knows
nothing of Django.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from core import finnish

LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Longer queries than this are cut: nobody types them and each word costs a LIKE clause.
MAX_QUERY_WORDS = 8


@lru_cache(maxsize=3)
def _stemmer(language: str) -> "snowballstemmer.Stemmer":
    return snowballstemmer.stemmer(LANGUAGES[language])


def words(text: str) -> list[str]:
    """Lower-cased words of a text, Unicode-normalised so that å, ä and ö compare equal however typed."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def _terms(word: str, language: str) -> tuple[str, ...]:
    """What a word of this language is found by: a Finnish word by its base forms and its compound's parts (see
    core.finnish), any other word, or a Finnish one the analyser does not know (a name), by its Snowball stem."""
    if language == "fi":
        analysis = finnish.analyse(word)
        if analysis.known:
            return analysis.base_forms + analysis.parts
    return (stem(word, language),)


def document(texts_by_language: Iterable[tuple[str, str]]) -> str:
    """The search document of (language, text) pairs: unique terms in first-seen order, with a leading space.

    Each text is analysed in its own language; names and numbers come through unchanged.
    """
    seen: dict[str, None] = {}
    for language, text in texts_by_language:
        for word in words(text or ""):
            for term in _terms(word, language):
                seen.setdefault(term, None)
            # The word as written too, so that a search for an exact form always finds itself.
            seen.setdefault(word, None)
    return " " + " ".join(seen) + " " if seen else ""


def query_alternatives(query: str) -> list[set[str]]:
    """For each query word, the set of patterns (" stem") any of which must occur in the document.

    The words are combined with AND, the alternatives of one word with OR.
    """
    result: list[set[str]] = []
    for word in words(query)[:MAX_QUERY_WORDS]:
        # A Finnish word by its base forms (not its parts: "kotihoito" does not ask for every "koti"), the others
        # by their stems: the query's language is not known, so it is read in all three.
        finnish_analysis = finnish.analyse(word)
        stems = set(finnish_analysis.base_forms) or {stem(word, "fi")}
        stems |= {stem(word, language) for language in LANGUAGES if language != "fi"}
        # Snowball may cut a short word to almost nothing; keep at least two letters so the match stays useful.
        result.append({" " + s for s in stems if len(s) >= 2} or {" " + word})
    return result


def tsquery(query: str) -> str:
    """The same test as `query_alternatives` in PostgreSQL's full-text syntax, for a 'simple' tsvector of the
    document: each pattern " stem" becomes the prefix query 'stem':*, alternatives joined with |, words with &.

    "" when the query has no words. Stems hold only letters and digits, so quoting them is safe."""
    groups = [" | ".join(f"'{pattern.strip()}':*" for pattern in sorted(alts)) for alts in query_alternatives(query)]
    return " & ".join(f"({group})" for group in groups)


def fts5_query(query: str) -> str:
    """The same test in SQLite FTS5's query syntax: each pattern " stem" becomes the prefix query "stem"*,
    alternatives joined with OR, words with AND. "" when the query has no words. Stems hold only letters and digits,
    so quoting them is safe."""
    groups = [" OR ".join(f'"{pattern.strip()}"*' for pattern in sorted(alts)) for alts in query_alternatives(query)]
    return " AND ".join(f"({group})" for group in groups)
