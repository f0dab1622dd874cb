"""Dynamic innovativeness (Walker's score as it stood at the end of each year): the maths against a brute-force
definition and by hand, the stored figures against a direct call, the organisation page's sentences, chart, table
and downloads, the API, and drafts never counted."""

import csv
import datetime
import io
import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from scipy import stats

from diffusion import selectors, services
from diffusion.maths.adoption_table import AdoptionEvent, first_adoptions
from diffusion.maths.categories import ranks_within, walker_scores, walker_scores_by_year
from diffusion.models import OrganisationFigures
from innovations.models import Innovation
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory

# --- the maths -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("standardisation", ["rank", "time"])
def test_each_year_is_the_static_score_of_the_adoptions_made_by_then(seed: int, standardisation: str) -> None:
    """The definition, computed the slow way: the static score on the events of years up to Y, for every Y."""
    rng = random.Random(seed)
    population = [f"o{i}" for i in range(12)]
    events = [
        AdoptionEvent(rng.choice(population), f"i{rng.randrange(6)}", rng.randrange(2005, 2016)) for _ in range(40)
    ]
    dynamic = walker_scores_by_year(events, population, standardisation=standardisation)
    kept = first_adoptions(events)  # an organisation's later adoption of the same innovation is not counted
    first, last = min(e.year for e in kept), max(e.year for e in kept)
    assert list(dynamic) == list(range(first, last + 1))
    for year, scores in dynamic.items():
        upto = [e for e in events if e.year <= year]
        assert scores == pytest.approx(walker_scores(upto, population, standardisation=standardisation))
    # At the last year the dynamic score is the static one (the module's definition).
    assert dynamic[last] == pytest.approx(walker_scores(events, population, standardisation=standardisation))


@pytest.mark.parametrize("seed", range(5))
def test_the_rank_score_equals_a_plain_per_innovation_rankdata(seed: int) -> None:
    """Independently of the module's vectorised mid-ranks: scipy's average ranks innovation by innovation."""
    rng = random.Random(seed)
    population = [f"o{i}" for i in range(15)]
    events = [
        AdoptionEvent(rng.choice(population), f"i{rng.randrange(8)}", rng.randrange(2005, 2012)) for _ in range(60)
    ]
    kept = first_adoptions(events)
    z: dict[str, list[float]] = {}
    for innovation in {e.innovation for e in kept}:
        adopters = [e for e in kept if e.innovation == innovation]
        ranks = stats.rankdata([e.year for e in adopters], method="average")
        n = len(adopters)
        for event, rank in zip(adopters, ranks, strict=True):
            z.setdefault(event.organisation, []).append(1.0 if n == 1 else (n - rank) / (n - 1))
    expected = {org: sum(values) / len(values) for org, values in z.items()}
    assert walker_scores(events, population) == pytest.approx(expected)


def test_ranks_within_a_group_by_hand() -> None:
    scores = {"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1, "e": 0.7, "f": 0.3, "g": 0.4}
    groups = {"a": "small", "b": "small", "c": "small", "d": "small", "e": "large", "f": "large"}
    assert ranks_within(scores, groups) == {
        "a": (1, 4),
        "b": (2, 4),  # b and c tie: both second, nobody third
        "c": (2, 4),
        "d": (4, 4),
        "e": (1, 2),
        "f": (2, 2),
    }  # g has no group: left out
    assert ranks_within({}, groups) == {}


# --- stored figures, the page, downloads and the API ---------------------------------------------------------


def adopt(source: Innovation, adopter: Organisation, year: int, **kw: Any) -> Innovation:
    return AdoptionFactory.create(source=source, adopter=adopter, adopted_on=datetime.date(year, 4, 1), **kw).result


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A's innovation of 2016 adopted by B (2018), C (2019) and, from B, D (2020); all four small municipalities."""
    a, b, c, d = (OrganisationFactory.create(population=3000) for _ in range(4))
    root = InnovationFactory.create(owner=a, introduced_on=datetime.date(2016, 1, 1))
    from_b = adopt(root, b, 2018)
    adopt(root, c, 2019)
    adopt(from_b, d, 2020)
    services.recompute_registry()
    return {"a": a, "b": b, "c": c, "d": d, "root": root}


def data(organisation: Organisation) -> dict[str, Any]:
    return OrganisationFigures.objects.get(organisation=organisation).data


def test_the_dynamic_score_by_hand(world: dict[str, Any]) -> None:
    # Ranks A 1, B 2, C 3, D 4; z = (n − r)/(n − 1) with n the adopters by the end of the year.
    assert data(world["a"])["walker_by_year"] == {str(y): 1.0 for y in range(2016, 2021)}
    assert data(world["b"])["walker_by_year"] == pytest.approx({"2018": 0.0, "2019": 0.5, "2020": 2 / 3})
    assert data(world["c"])["walker_by_year"] == pytest.approx({"2019": 0.0, "2020": 1 / 3})
    assert data(world["d"])["walker_by_year"] == {"2020": 0.0}
    for key in "abcd":
        figures = data(world[key])
        assert figures["walker_by_year"]["2020"] == pytest.approx(figures["walker"])
        assert figures["walker_innovations"] == 1
    # Among the four small municipalities: A first, B second, C third, D fourth.
    assert [data(world[k])["walker_rank"] for k in "abcd"] == [
        {"rank": rank, "of": 4, "size_class": "lt5k"} for rank in (1, 2, 3, 4)
    ]


def test_the_stored_figures_equal_a_direct_call(world: dict[str, Any]) -> None:
    adopt(InnovationFactory.create(owner=world["c"], introduced_on=datetime.date(2017, 1, 1)), world["b"], 2021)
    services.recompute_registry()
    adoptions = selectors.registry_adoptions()
    events = [AdoptionEvent(str(a.organisation), str(a.family), a.year) for a in adoptions]
    population = sorted({str(a.organisation) for a in adoptions})
    direct = walker_scores_by_year(events, population)
    stored = {str(o.organisation_id): o.data for o in OrganisationFigures.objects.all()}
    static = walker_scores(events, population)
    for key in population:
        expected = {str(year): scores[key] for year, scores in direct.items() if key in scores}
        assert stored[key]["walker_by_year"] == pytest.approx(expected)
        assert stored[key]["walker"] == pytest.approx(static[key])
    assert stored[str(world["b"].pk)]["walker_innovations"] == 2


def test_a_draft_adoption_changes_no_score(world: dict[str, Any]) -> None:
    """A draft adoption of 2017 would put its organisation second and push B, C and D down a rank each year."""
    before = {k: data(world[k]) for k in "abcd"}
    outsider = OrganisationFactory.create(population=3000)
    adopt(world["root"], outsider, 2017, publish=False)
    services.recompute_registry()
    assert not OrganisationFigures.objects.filter(organisation=outsider).exists()
    for key in "abcd":
        after = data(world[key])
        for field in ("walker", "walker_by_year", "walker_innovations", "walker_rank"):
            assert after[field] == before[key][field]


def test_the_page_says_how_the_score_changed_and_that_it_rests_on_little(client: Client, world: dict[str, Any]) -> None:
    with translation.override("en"):
        html = client.get(world["b"].get_absolute_url()).content.decode()
        download = reverse("diffusion:organisation_figure", kwargs={"pk": world["b"].pk, "fmt": "png"})
    assert "Its innovativeness score rose from 0 in 2018 to 67 of 100 in 2020." in html
    assert "Among the 4 organisations of its size class (under 5,000 inhabitants) with a score, it ranks 2." in html
    assert "The score rests on only 1 innovation it has taken into use, so it says little yet." in html
    assert 'id="figure-innovativeness-title"' in html
    assert 'id="figure-innovativeness-caption"' in html  # the table beside the chart
    assert download in html


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fi", "Sen innovatiivisuuspistemäärä nousi vuoden 2019 arvosta 0 arvoon 33 / 100 vuonna 2020."),
        ("sv", "Dess poäng för innovationsbenägenhet steg från 0 år 2019 till 33 av 100 år 2020."),
    ],
)
def test_the_sentences_are_translated(client: Client, world: dict[str, Any], lang: str, sentence: str) -> None:
    with translation.override(lang):
        html = client.get(world["c"].get_absolute_url()).content.decode()
    assert sentence in html
    assert 'id="figure-innovativeness-title"' in html


def test_one_year_gives_a_sentence_and_no_chart(client: Client, world: dict[str, Any]) -> None:
    with translation.override("en"):
        html = client.get(world["d"].get_absolute_url()).content.decode()
    assert "Its innovativeness score at the end of 2020 was 0 of 100." in html
    assert 'id="figure-innovativeness-title"' not in html
    url = reverse("diffusion:organisation_figure", kwargs={"pk": world["d"].pk, "fmt": "csv"})
    assert client.get(url).status_code == 200  # one row is still a table


def test_the_downloads(client: Client, world: dict[str, Any]) -> None:
    pk = world["b"].pk
    with translation.override("en"):
        response = client.get(reverse("diffusion:organisation_figure", kwargs={"pk": pk, "fmt": "csv"}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Year", "Innovativeness (0–100)"], ["2018", "0"], ["2019", "50"], ["2020", "67"]]
    png = client.get(reverse("diffusion:organisation_figure", kwargs={"pk": pk, "fmt": "png"}))
    assert png.content.startswith(b"\x89PNG")
    with translation.override("en"):
        svg = client.get(reverse("diffusion:organisation_figure", kwargs={"pk": pk, "fmt": "svg"})).content.decode()
    assert svg.startswith("<svg")
    assert f"<title>Innovativeness of {world['b'].name_en} at the end of each year" in svg
    assert svg.count("<circle") == 3  # a point a year: 2018, 2019, 2020
    for year in ("2018", "2019", "2020"):
        assert f">{year}</text>" in svg
    for bad in (
        reverse("diffusion:organisation_figure", kwargs={"pk": pk, "fmt": "exe"}),
        reverse("diffusion:organisation_figure", kwargs={"pk": 987654, "fmt": "png"}),
        reverse("diffusion:organisation_figure", kwargs={"pk": OrganisationFactory.create().pk, "fmt": "csv"}),
    ):
        assert client.get(bad).status_code == 404


def test_the_api(client: Client, world: dict[str, Any]) -> None:
    body = client.get(f"/api/v1/diffusion/organisations/{world['b'].pk}").json()
    assert [point["year"] for point in body["walker_by_year"]] == [2018, 2019, 2020]
    assert [point["score"] for point in body["walker_by_year"]] == pytest.approx([0.0, 0.5, 2 / 3])
    assert body["walker_innovations"] == 1
    assert body["walker_rank"] == {"rank": 2, "of": 4, "size_class": "lt5k"}


def test_the_api_reads_figures_stored_before_the_dynamic_score(client: Client, world: dict[str, Any]) -> None:
    row = OrganisationFigures.objects.get(organisation=world["b"])
    old = {k: v for k, v in row.data.items() if not k.startswith("walker_")}
    OrganisationFigures.objects.filter(pk=row.pk).update(data=old)
    body = client.get(f"/api/v1/diffusion/organisations/{world['b'].pk}").json()
    assert (body["walker_by_year"], body["walker_innovations"], body["walker_rank"]) == ([], 0, None)
    assert client.get(world["b"].get_absolute_url()).status_code == 200
