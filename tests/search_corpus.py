"""A test corpus for search: short records as the catalogue holds them, and queries as people type them, each with
the records it must find: those a person asking would want, as judged by reading them (a part of a
compound counts: "hoito" wants sairaalahoito). Every other record of the corpus is one it must not find, so each query measures both
recall (found / must find) and precision (must find / found).

The queries are what a Finnish speaker types: inflected forms (kotihoidon, kaupungeissa), consonant gradation
(liikenteen, tiedon), a compound's part (hoito in kotihoito) and several words; Swedish and English as well.
Used by core/tests/test_search_corpus.py (the pure search documents, and the catalogue's search on SQLite and
PostgreSQL) and by bench/search_quality.py (recall and precision before and after, docs/benchmarks.md).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Record:
    key: str
    fi: str
    sv: str = ""
    en: str = ""


@dataclass(frozen=True)
class Query:
    text: str
    must_find: frozenset[str]


RECORDS = (
    Record("kotihoito", "Kotihoidon iltakäynnit: kotihoito suunnittelee käynnit asiakkaiden toiveiden mukaan"),
    Record(
        "etakotihoito", "Etäkotihoito videoyhteydellä ikäihmisille", en="Remote home care by video for older people"
    ),
    Record("kotisairaala", "Kotisairaala tuo sairaalahoidon kotiin"),
    Record("terveystarkastus", "Terveystarkastukset työttömille terveysasemalla"),
    Record("hammashuolto", "Suun terveydenhuollon tarkastus kouluissa"),
    Record("liikenne", "Kutsuohjattu joukkoliikenne haja-asutusalueella: liikenteen reitit kysynnän mukaan"),
    Record("pyoraily", "Talvipyöräily kaupungeissa: aurausjärjestys pyöräteille"),
    Record("kirjastoauto", "Kirjastoauton reitit ja pysäkit verkossa", sv="Bokbussens rutter och hållplatser på nätet"),
    Record("kirjasto", "Kirjasto olohuoneena: lainattavat työkalut ja tapahtumat"),
    Record("tietojohtaminen", "Tiedolla johtaminen hyvinvointialueella: tiedon kokoaminen yhteen näkymään"),
    Record("avoin_data", "Avoimen datan portaali kunnan tietovarannoille", en="Open data portal for municipal data"),
    Record("ikaihmiset", "Ikäihmisten liikuntaryhmät ja lähiliikuntapaikat"),
    Record("kouluruoka", "Kouluruoan hävikin vähentäminen oppilaiden kanssa"),
    Record("lahiruoka", "Lähiruoka julkisissa hankinnoissa", sv="Närproducerad mat i offentlig upphandling"),
    Record("asukasraati", "Asukasraati arvioi kaupungin budjetin", sv="Invånarpanelen bedömer stadens budget"),
    Record("osallistava_budjetointi", "Osallistava budjetointi: asukkaat päättävät kaupunginosan hankkeista"),
    Record("lastensuojelu", "Lastensuojelun perhetyö etänä", sv="Familjearbete inom barnskyddet på distans"),
    Record(
        "mielenterveys", "Mielenterveyspalvelut nuorille ilman lähetettä", en="Mental health services for young people"
    ),
    Record("palvelumuotoilu", "Palvelumuotoilu sosiaalipalveluiden asiakaskokemuksen parantamiseksi"),
    Record(
        "kokeilukulttuuri",
        "Kokeilukulttuuri kunnassa: kokeilujen rahoitus",
        en="A culture of experiments in the municipality",
    ),
    Record("rekrytointi", "Hoitajien rekrytointi ulkomailta", en="Recruiting nurses from abroad"),
    # Traps for a looser match: words that begin like others but mean something else (liiketila is no liikenne,
    # koulutus no koulu).
    Record("liiketilat", "Tyhjät liiketilat väliaikaiseen käyttöön"),
    Record("koulutus", "Henkilöstön koulutus tekoälyn käyttöön"),
    Record(
        "energia", "Kiinteistöjen energiankulutuksen seuranta", sv="Uppföljning av fastigheternas energiförbrukning"
    ),
)


def _q(text: str, *keys: str) -> Query:
    return Query(text, frozenset(keys))


QUERIES = (
    # Inflected forms meet their base form; the base form finds every inflected one.
    _q("kotihoito", "kotihoito"),
    _q("kotihoidon", "kotihoito"),
    _q("kotihoidossa", "kotihoito"),
    _q("terveystarkastus", "terveystarkastus"),
    _q("terveystarkastuksen", "terveystarkastus"),
    _q("liikenne", "liikenne"),
    _q("liikenteen", "liikenne"),
    _q("kaupunki", "pyoraily", "asukasraati", "osallistava_budjetointi"),
    _q("kaupungeissa", "pyoraily", "asukasraati", "osallistava_budjetointi"),
    _q("tieto", "tietojohtaminen", "avoin_data"),
    _q("tiedon", "tietojohtaminen", "avoin_data"),
    _q("ikäihminen", "etakotihoito", "ikaihmiset"),
    _q("ikäihmisille", "etakotihoito", "ikaihmiset"),
    _q("ikäihmisten", "etakotihoito", "ikaihmiset"),
    _q("kirjastoauto", "kirjastoauto"),
    _q("kirjaston", "kirjasto", "kirjastoauto"),
    _q("kouluruoka", "kouluruoka"),
    _q("lastensuojelu", "lastensuojelu"),
    _q("budjetti", "asukasraati", "osallistava_budjetointi"),
    _q("hankinta", "lahiruoka"),
    # A compound's parts find it.
    _q("hoito", "kotihoito", "etakotihoito", "kotisairaala"),
    _q("hoidon", "kotihoito", "etakotihoito", "kotisairaala"),
    _q("raati", "asukasraati"),
    _q("auto", "kirjastoauto"),
    _q("palvelu", "mielenterveys", "palvelumuotoilu"),
    _q("palvelut", "mielenterveys", "palvelumuotoilu"),
    _q("kulttuuri", "kokeilukulttuuri"),
    _q("mielenterveys", "mielenterveys"),
    _q("sairaala", "kotisairaala"),
    _q("ryhmät", "ikaihmiset"),
    _q("data", "avoin_data"),
    _q("koulut", "hammashuolto", "kouluruoka"),
    # Nothing to find: a word none of the records has, alone or beside one they have.
    _q("kuntaliitto"),
    _q("kotihoito lentokenttä"),
    # Several words: all of them.
    _q("kotihoidon asiakkaat", "kotihoito"),
    _q("kutsuohjattu liikenne", "liikenne"),
    _q("lähiruoka hankinnoissa", "lahiruoka"),
    _q("kokeilujen rahoitus", "kokeilukulttuuri"),
    # Swedish and English, as today.
    _q("bokbuss", "kirjastoauto"),
    _q("upphandlingar", "lahiruoka"),
    _q("barnskydd", "lastensuojelu"),
    _q("experiment", "kokeilukulttuuri"),
    _q("nurse", "rekrytointi"),
    _q("municipalities", "avoin_data", "kokeilukulttuuri"),
    _q("services", "mielenterveys"),
)


def texts(record: Record) -> list[tuple[str, str]]:
    return [("fi", record.fi), ("sv", record.sv), ("en", record.en)]


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float
    misses: tuple[str, ...]  # "query: record" it should have found
    extras: tuple[str, ...]  # "query: record" it should not have found


def score(found: dict[str, set[str]]) -> Score:
    """Micro-averaged recall and precision of what each query (by its text) found."""
    relevant = retrieved = hits = 0
    misses: list[str] = []
    extras: list[str] = []
    for query in QUERIES:
        got = found[query.text]
        relevant += len(query.must_find)
        retrieved += len(got)
        hits += len(got & query.must_find)
        misses += [f"{query.text}: {key}" for key in sorted(query.must_find - got)]
        extras += [f"{query.text}: {key}" for key in sorted(got - query.must_find)]
    return Score(hits / relevant, hits / retrieved if retrieved else 1.0, tuple(misses), tuple(extras))
