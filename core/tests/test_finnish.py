"""Finnish as the search reads it (core.finnish): base forms and compound parts, by Voikko and by the fallback
used where Voikko is not installed. CI installs Voikko; a missing Voikko there fails instead of skipping."""

import logging
import os
import threading

import pytest

from core import finnish


def voikko() -> finnish.VoikkoAnalyser:
    try:
        return finnish.VoikkoAnalyser()
    except Exception as error:  # OSError without libvoikko1, VoikkoException without voikko-fi
        message = f"Voikko is not installed ({error}): apt-get install libvoikko1 voikko-fi"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(params=["voikko", "simplemma"])
def analyser(request: pytest.FixtureRequest):
    chosen = voikko() if request.param == "voikko" else finnish.SimplemmaAnalyser()
    finnish.use(chosen)
    yield chosen
    finnish.use(None)  # the next use chooses again, as a new process would


@pytest.mark.parametrize(
    ("word", "base_form"),
    [
        ("kotihoidon", "kotihoito"),
        ("kaupungeissa", "kaupunki"),
        ("tiedon", "tieto"),
        ("liikenteen", "liikenne"),
        ("terveystarkastuksen", "terveystarkastus"),
        ("ikäihmisten", "ikäihminen"),
        ("ikäihmisille", "ikäihminen"),
        ("hoito", "hoito"),
    ],
)
def test_inflected_forms_meet_in_their_base_form(analyser, word, base_form):
    assert base_form in finnish.analyse(word).base_forms


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kotihoito", {"koti", "hoito"}),
        ("kotihoidon", {"koti", "hoito"}),
        ("etäkotihoito", {"koti", "hoito"}),
        ("terveystarkastuksen", {"terveys", "tarkastus"}),
        ("kaupunginhallituksen", {"kaupunki", "hallitus"}),
        ("innovaatiobarometrin", {"innovaatio", "barometri"}),
    ],
)
def test_a_compound_gives_its_parts_base_forms(analyser, word, parts):
    analysis = finnish.analyse(word)
    assert parts <= set(analysis.parts), analysis
    assert not set(analysis.parts) & set(analysis.base_forms)  # the whole word is not also one of its parts


@pytest.mark.parametrize("word", ["tieto", "asukas", "kunta", "liikenne"])
def test_a_word_that_is_no_compound_is_not_cut(analyser, word):
    assert finnish.analyse(word).parts == ()


@pytest.mark.parametrize("word", ["2024", "xqzvkk", "ääö", "koti" * 16])
def test_numbers_and_unknown_words_have_no_analysis(analyser, word):
    assert finnish.analyse(word) == finnish.UNKNOWN
    assert not finnish.analyse(word).known


def test_without_voikko_the_fallback_is_used_and_said_once(monkeypatch, caplog):
    class Missing:
        def __init__(self) -> None:
            raise OSError("libvoikko.so.1: cannot open shared object file")

    monkeypatch.setattr(finnish, "VoikkoAnalyser", Missing)
    finnish.use(None)
    try:
        with caplog.at_level(logging.WARNING, logger="core.finnish"):
            assert finnish.analyser().name == "simplemma"
            assert finnish.analyse("kotihoidon").base_forms == ("kotihoito",)
            finnish.analyser()
        warnings = [record for record in caplog.records if record.name == "core.finnish"]
        assert len(warnings) == 1
        assert "simplemma" in warnings[0].getMessage()
        assert "libvoikko.so.1" in warnings[0].getMessage()
    finally:
        finnish.use(None)


def test_with_voikko_installed_it_is_chosen():
    voikko()
    finnish.use(None)
    assert finnish.analyser().name == "voikko"


def test_one_voikko_serves_several_threads():
    """A Voikko handle is not safe to use from two threads at once: the analyser takes turns (the live server and
    a threaded app server analyse queries in parallel)."""
    shared = voikko()
    words = ["kotihoidon", "kaupungeissa", "terveystarkastuksen", "ikäihmisille", "kaupunginhallituksen"] * 40
    expected = [shared.analyse(word) for word in words]
    results: dict[int, list[finnish.Analysis]] = {}

    def work(n: int) -> None:
        results[n] = [shared.analyse(word) for word in words]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == expected for n in range(4))
