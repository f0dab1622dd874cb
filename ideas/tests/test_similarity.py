"""ideas.similarity: plain maths, no database."""

import itertools
import time

import pytest

from ideas import similarity
from ideas.similarity import Index

# Other ideas of a city, so that IDF has something to weigh against (as in a real challenge).
CORPUS = [
    "Uimahallin aukioloajat pidemmiksi",
    "Lisää penkkejä puistoon",
    "Katuvalot pyörätielle",
    "Koirapuisto keskustaan",
    "Kaupungin pitäisi parantaa talvikunnossapitoa",
    "Kaupunki voisi järjestää enemmän tapahtumia nuorille",
]


def test_inflected_finnish_forms_are_one_word() -> None:
    for first, second in [("kirjastoon", "kirjaston"), ("kirjastot", "kirjasto"), ("kirjastoon", "kirjastot")]:
        assert similarity.similarity(first, second, corpus=CORPUS) == pytest.approx(1.0)


def test_a_compound_is_close_to_its_head() -> None:
    compound = similarity.similarity("lähikirjasto", "kirjasto", corpus=CORPUS)
    assert compound > 0.25
    assert compound > similarity.similarity("lähikirjasto", "koirapuisto", corpus=CORPUS)


def test_inflected_sentences_about_one_thing_beat_unrelated_ones() -> None:
    text = "Kirjaston aukioloajat pidemmiksi"
    same = similarity.similarity(text, "Lisää aukioloaikoja kirjastoon", corpus=CORPUS)
    unrelated = similarity.similarity(text, "Koirapuisto keskustaan", corpus=CORPUS)
    assert same > 0.3
    assert unrelated < 0.1


def test_swedish_inflection() -> None:
    score = similarity.similarity(
        "Längre öppettider för biblioteket", "Biblioteken borde ha längre öppettider", corpus=CORPUS
    )
    assert score > 0.6


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Penkkejä puistoihin", "Katuvalot pyörätielle"),
        ("Uimahalli auki myös sunnuntaisin", "Koirapuisto keskustaan"),
        ("Parempi talvikunnossapito kevyen liikenteen väylille", "Tapahtumia nuorille"),
    ],
)
def test_unrelated_texts_score_low(first: str, second: str) -> None:
    assert similarity.similarity(first, second, corpus=CORPUS) < 0.1


def test_stop_words_alone_make_nothing_similar() -> None:
    assert similarity.similarity("ja on se että", "ja on se että", corpus=CORPUS) == 0.0


@pytest.mark.parametrize("text", ["", "   ", "!!! ???", "<>"])
def test_empty_input(text: str) -> None:
    assert similarity.features(text) == {}
    index = Index.build([(1, "Kirjasto"), (2, text)])
    assert index.rank(text) == []
    assert index.scores("kirjasto") == {1: pytest.approx(1.0)}
    assert Index.build([]).rank("kirjasto") == []


def test_rank_orders_limits_filters_and_excludes() -> None:
    index = Index.build(
        [
            (1, "Lähikirjasto joka kylään"),
            (2, "Kirjaston aukioloajat pidemmiksi"),
            (3, "Koirapuisto keskustaan"),
            (4, "Kirjastoon lisää aukioloaikoja iltaisin"),
        ]
    )
    ranked = index.rank("Kirjastojen aukioloajat", limit=3)
    assert [key for key, _ in ranked][:2] == [2, 4]
    assert 3 not in [key for key, _ in ranked]
    assert all(first[1] >= second[1] for first, second in itertools.pairwise(ranked))
    assert [key for key, _ in index.rank("Kirjastojen aukioloajat", limit=1)] == [2]
    assert next(key for key, _ in index.rank("Kirjastojen aukioloajat", allowed=[4, 1])) == 4
    assert 2 not in [key for key, _ in index.rank("Kirjastojen aukioloajat", exclude=[2])]
    assert index.rank("Kirjastojen aukioloajat", minimum=0.99) == []


def test_language_guess() -> None:
    assert similarity.language(["längre", "öppettider", "för", "biblioteket"]) == "sv"
    assert similarity.language(["kirjaston", "aukioloajat"]) == "fi"
    assert similarity.language([]) == "fi"


def test_query_against_5000_ideas_is_fast() -> None:
    # A guard for the measurement in the report: a built index answers in milliseconds, not a scan of texts.
    words = [
        "kirjasto",
        "puisto",
        "uimahalli",
        "katu",
        "koulu",
        "päiväkoti",
        "bussi",
        "pyörätie",
        "tapahtuma",
        "nuoret",
    ]
    texts = [
        (i, f"{words[i % 10]} {words[(i * 7) % 10]}lle parannus numero {i} {words[(i * 3) % 10]}issa")
        for i in range(5000)
    ]
    index = Index.build(texts)
    started = time.perf_counter()
    for _ in range(10):
        index.rank("Kirjaston aukioloajat pidemmiksi ja uusia kirjoja")
    assert (time.perf_counter() - started) / 10 < 0.25


def test_an_updated_index_adds_replaces_and_removes_without_touching_the_old_one() -> None:
    index = Index.build([(1, "Kirjaston aukioloajat"), (2, "Koirapuisto keskustaan"), (3, "Penkkejä puistoon")])
    patched = index.updated(changed=[(2, "Kirjastoon lisää aukioloaikoja"), (4, "Kirjastoauto kyliin")], removed=[1])
    ranked = [key for key, _ in patched.rank("kirjaston aukioloajat", limit=5, minimum=0.1)]
    assert ranked[0] == 2
    assert 1 not in ranked
    assert 4 in ranked
    assert 3 not in ranked
    assert 2 not in [key for key, _ in patched.rank("koirapuisto", minimum=0.1)]  # its old text is gone
    # The old index still answers as before: readers in other threads see one or the other, never a mix.
    assert [key for key, _ in index.rank("kirjaston aukioloajat", limit=1)] == [1]
    assert [key for key, _ in index.rank("koirapuisto", limit=1)] == [2]
