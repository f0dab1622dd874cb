"""The search kernel (plain Python): documents, query patterns and their invariants."""

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from core import text_search
from core.text_search import MAX_QUERY_WORDS, document, query_alternatives, stem, words

FINNISH_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
SWEDISH_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"

finnish_words = st.text(alphabet=FINNISH_LETTERS, min_size=1, max_size=18)
separators = st.sampled_from([" ", ", ", ". ", " – ", "\n", "  ", "/", "-"])


@st.composite
def finnish_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(finnish_words, min_size=1, max_size=8))
    text = ""
    for part in parts:
        text += part + draw(separators)
    if draw(st.booleans()):
        text = text.capitalize()
    return text


def matches(query: str, doc: str) -> bool:
    """What the selector runs: every query word has an alternative that occurs in the document."""
    return all(any(pattern in doc for pattern in alternatives) for alternatives in query_alternatives(query))


# --- examples ---------------------------------------------------------------------------------------------------


def test_finnish_inflections_share_a_stem():
    assert stem("kokeiluja", "fi") == stem("kokeilun", "fi") == stem("kokeilu", "fi") == "kokeilu"


def test_swedish_and_english_inflections_share_a_stem():
    assert stem("försöken", "sv") == stem("försök", "sv")
    assert stem("experiments", "en") == stem("experiment", "en")


def test_words_lowercases_normalises_and_splits():
    decomposed = unicodedata.normalize("NFD", "Försök")
    assert decomposed != "Försök"
    assert words(f"{decomposed} ÄÄNEKOSKI_kunta, 2024!") == ["försök", "äänekoski", "kunta", "2024"]
    assert words("") == []
    assert words(" – … ") == []


def test_document_stems_each_text_in_its_language_and_keeps_the_words():
    doc = document([("fi", "Kokeiluja kouluissa"), ("sv", "Försöken"), ("en", "Experiments")])
    tokens = doc.split()
    for token in ("kokeilu", "kokeiluja", "kouluissa", "försöken", "experiments", "experi"):
        assert token in tokens, token
    assert len(tokens) == len(set(tokens))  # each token once


def test_document_of_nothing_is_empty():
    assert document([]) == ""
    assert document([("fi", ""), ("sv", " ,. "), ("en", "")]) == ""


def test_query_examples_from_the_catalogue():
    doc = document([("fi", "Kokeiluja kouluissa ja kokeilukulttuuri")])
    assert matches("kokeilu", doc)
    assert matches("kokeilun", doc)
    assert matches("koulu kokeilu", doc)
    assert not matches("koulu kirjasto", doc)
    assert matches("", doc)  # no words: no condition
    assert matches("försök", document([("sv", "Försöken i skolorna")]))
    assert matches("experiment", document([("en", "Experiments with libraries")]))
    assert not matches("experiment", document([("fi", "Kirjaston etälainaus")]))


def test_a_word_matches_the_start_of_a_token_and_a_compounds_parts():
    doc = document([("fi", "Asukasraati")])
    assert matches("asukas", doc)  # a compound's first part
    assert matches("raati", doc)  # and its last: the analysis gives both parts
    assert not matches("kasraati", doc)  # not any piece of a word
    assert not matches("aati", doc)
    assert matches("bokbuss", document([("sv", "Bokbussens rutter")]))
    assert not matches("buss", document([("sv", "Bokbussens rutter")]))  # Swedish compounds stay whole, as before


def test_finnish_documents_hold_base_forms_and_parts_others_stems():
    tokens = document([("fi", "Kotihoidon iltakäynnit"), ("sv", "Hemvården"), ("en", "Home care")]).split()
    for token in ("kotihoidon", "kotihoito", "koti", "hoito", "iltakäynti", "hemvården", "hemvård", "care"):
        assert token in tokens, token


def test_long_queries_are_cut():
    query = " ".join(f"sana{n}" for n in range(MAX_QUERY_WORDS + 4))
    assert len(query_alternatives(query)) == MAX_QUERY_WORDS


def test_query_patterns_start_with_a_space_and_are_never_trivial():
    for query in ("a", "ö", "kokeilu", "is", "2024", "the of"):
        for alternatives in query_alternatives(query):
            assert alternatives
            assert all(pattern.startswith(" ") and len(pattern) >= 2 for pattern in alternatives)


def test_the_languages_are_the_sites_languages():
    assert set(text_search.LANGUAGES) == {"fi", "sv", "en"}


# --- properties -------------------------------------------------------------------------------------------------


@given(st.lists(st.tuples(st.sampled_from(["fi", "sv", "en"]), st.text(max_size=40)), max_size=5))
def test_a_document_is_empty_or_padded_with_spaces(pairs):
    doc = document(pairs)
    if any(words(text) for _lang, text in pairs):
        assert doc.startswith(" ")
        assert doc.endswith(" ")
        assert "  " not in doc
    else:
        assert doc == ""


@given(finnish_texts())
@example("Kokeiluja ja kokeilun tuloksia. ")
@example("ai aa öö ")
def test_every_word_of_a_finnish_text_finds_that_text(text):
    doc = document([("fi", text)])
    for word in words(text):
        assert matches(word, doc), (word, doc)


@given(finnish_texts())
def test_the_whole_text_as_a_query_finds_itself(text):
    assert matches(text, document([("fi", text)]))


@given(st.sampled_from(["fi", "sv", "en"]), st.text(alphabet=SWEDISH_LETTERS + " ", max_size=60))
def test_every_word_finds_its_text_in_any_language(language, text):
    doc = document([(language, text)])
    for word in words(text):
        assert matches(word, doc), (language, word, doc)


@given(
    st.text(alphabet="abcdefghijklm ", max_size=60),
    st.text(alphabet="nopqrstuvwxyzåäö", min_size=1, max_size=12),
)
def test_a_word_sharing_no_first_letter_with_the_text_never_matches(text, other):
    assert not matches(other, document([("fi", text), ("sv", text), ("en", text)]))


@given(st.text(max_size=30))
def test_words_are_lowercase_nfc_and_contain_no_separators(text):
    for word in words(text):
        assert word.lower() == word
        assert unicodedata.normalize("NFC", word) == word
        assert " " not in word
        assert "_" not in word


def test_tsquery_mirrors_the_alternatives():
    assert text_search.tsquery("Kokeilun  kirjastoissa") == (
        "('kokeilu':* | 'kokeilun':*) & ('kirjasto':* | 'kirjastoiss':* | 'kirjastoissa':*)"
    )
    assert text_search.tsquery("  ,, ") == ""


def test_fts5_query_mirrors_the_alternatives():
    assert text_search.fts5_query("Kokeilun  kirjastoissa") == (
        '("kokeilu"* OR "kokeilun"*) AND ("kirjasto"* OR "kirjastoiss"* OR "kirjastoissa"*)'
    )
    assert text_search.fts5_query("  ,, ") == ""
