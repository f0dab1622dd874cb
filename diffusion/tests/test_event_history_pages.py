"""Does the network explain adoption? The event-history figures stored by the registry-wide recomputation are a
direct call of diffusion.maths.event_history on the organisation-years the test builds itself from what it made;
drafts never change them; the family section, the theme page, the overview's list, the CSVs and the API in fi/sv/en;
404s; queries that do not grow with the family."""

import csv
import datetime
import io
import math
from typing import Any, NamedTuple

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Theme
from diffusion import services
from diffusion.maths.adoption_table import AdoptionEvent
from diffusion.maths.event_history import EffectsTable, event_history_table, fit_event_history
from diffusion.models import EventHistoryFigures
from diffusion.pages import event_history as event_history_page
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import NetworkMembership, Organisation, OrganisationKind
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    NetworkFactory,
    OrganisationFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/diffusion"
MIN_ADOPTERS = 8  # the family threshold in these tests (20 in the product): a registry small enough to build fast


class Registry(NamedTuple):
    theme: Theme
    big: Innovation  # fitted alone
    small: Innovation  # too few adopters to be fitted alone; pooled in the theme
    orgs: list[Organisation]
    events: list[AdoptionEvent]  # what the test made: published originals and adoptions


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """Sixteen municipalities in two regions and three sizes, five of them in one network; a theme with two
    published families: `big` adopted by ten organisations over the years, `small` by three."""
    monkeypatch.setattr(EventHistoryFigures, "FAMILY_MIN_ADOPTERS", MIN_ADOPTERS)
    uusimaa, pirkanmaa = RegionFactory.create(code="01"), RegionFactory.create(code="06")
    populations = (3000, 12_000, 60_000, 150_000)
    orgs = [
        OrganisationFactory.create(region=uusimaa if n < 8 else pirkanmaa, population=populations[n % 4] + n)
        for n in range(16)
    ]
    network = NetworkFactory.create(coordinator=orgs[0])
    for org in orgs[:5]:
        NetworkMembership.objects.get_or_create(network=network, organisation=org)
    theme = ThemeFactory.create()
    events: list[AdoptionEvent] = []
    big = InnovationFactory.create(owner=orgs[0], introduced_on=datetime.date(2012, 1, 1), themes=[theme])
    small = InnovationFactory.create(owner=orgs[9], introduced_on=datetime.date(2016, 1, 1), themes=[theme])
    events += [AdoptionEvent(str(orgs[0].pk), str(big.pk), 2012), AdoptionEvent(str(orgs[9].pk), str(small.pk), 2016)]
    # Early adopters in the network and the first region, later ones elsewhere; big towns before small ones.
    for n, (index, year) in enumerate(((1, 2013), (2, 2014), (3, 2014), (6, 2015), (4, 2016), (10, 2017),
                                       (7, 2018), (11, 2019), (14, 2021))):  # fmt: skip
        source = big if n < 3 else Innovation.objects.filter(adopted_from__source=big).order_by("pk").first()
        assert source is not None
        AdoptionFactory.create(source=source, adopter=orgs[index], adopted_on=datetime.date(year, 5, 1))
        events.append(AdoptionEvent(str(orgs[index].pk), str(big.pk), year))
    for index, year in ((8, 2018), (12, 2020)):
        AdoptionFactory.create(source=small, adopter=orgs[index], adopted_on=datetime.date(year, 5, 1))
        events.append(AdoptionEvent(str(orgs[index].pk), str(small.pk), year))
    services.recompute_registry()
    return Registry(theme, big, small, orgs, events)


def direct_fit(registry: Registry, families: list[Innovation]) -> EffectsTable:
    """The model fitted directly on the organisation-years built here from what the test made (not from what the
    services read): every municipality at risk, partners the fellow members of the network, size log2 population."""
    organisations = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("pk"))
    members = [m.organisation_id for m in NetworkMembership.objects.all()]
    partners = {str(o): {str(p) for p in members if p != o} for o in members}
    keys = {str(f.pk) for f in families}
    rows = event_history_table(
        [e for e in registry.events if e.innovation in keys],
        [str(o.pk) for o in organisations],
        partners_of=partners,
        region_of={str(o.pk): o.region.code for o in organisations if o.region},
        size_class_of={str(o.pk): o.size_class for o in organisations if o.size_class},
        size_of={str(o.pk): math.log2(o.population) for o in organisations if o.population},
        end_year=timezone.localdate().year,
    )
    return fit_event_history(
        rows,
        covariates=services.EVENT_HISTORY_COVARIATES,
        duration_baseline=True,
        max_iterations=services.EVENT_HISTORY_MAX_ITERATIONS,
    )


def assert_stored_is(stored: dict[str, Any], table: EffectsTable) -> None:
    assert stored["n_rows"] == table.n_rows > 0
    assert stored["n_events"] == table.n_events
    assert stored["n_organisations"] == table.n_organisations
    assert stored["fixed_effects"] == table.fixed_effects
    assert stored["flags"] == list(table.flags)
    assert [e["term"] for e in stored["effects"]] == [e.term for e in table.effects]
    for saved, effect in zip(stored["effects"], table.effects, strict=True):
        assert saved["coefficient"] == pytest.approx(effect.coefficient, rel=1e-6)
        assert saved["std_error"] == pytest.approx(effect.std_error, rel=1e-6)
        assert saved["p_value"] == pytest.approx(effect.p_value, rel=1e-6)


def stored(kind: str, key: object) -> dict[str, Any]:
    return EventHistoryFigures.objects.get(kind=kind, key=str(key)).data


def test_stored_figures_are_a_direct_fit_on_the_same_rows(registry: Registry) -> None:
    assert_stored_is(stored("family", registry.big.pk), direct_fit(registry, [registry.big]))
    theme = stored("theme", registry.theme.slug)
    assert_stored_is(theme, direct_fit(registry, [registry.big, registry.small]))
    assert theme["families"] == theme["families_in_theme"] == 2
    assert theme["fixed_effects"] == 1  # one family is the reference level
    assert not EventHistoryFigures.objects.filter(kind="family", key=str(registry.small.pk)).exists()


def test_drafts_never_change_the_figures(registry: Registry) -> None:
    before = {(row.kind, row.key): row.data for row in EventHistoryFigures.objects.all()}
    # A draft adoption of the big family, a draft original of the theme, and a published original of the theme
    # adopted only in drafts.
    AdoptionFactory.create(source=registry.big, adopter=registry.orgs[5], publish=False)
    InnovationFactory.create(owner=registry.orgs[13], themes=[registry.theme], status=Status.DRAFT)
    lonely = InnovationFactory.create(
        owner=registry.orgs[15], introduced_on=datetime.date(2019, 1, 1), themes=[registry.theme]
    )
    for org in registry.orgs[:3]:
        AdoptionFactory.create(source=lonely, adopter=org, publish=False)
    assert Innovation.objects.filter(status=Status.DRAFT).count() == 5
    services.recompute_registry()
    after = {(row.kind, row.key): row.data for row in EventHistoryFigures.objects.all()}
    assert after == before
    # The same adoption published does change them: the test can fail.
    AdoptionFactory.create(source=lonely, adopter=registry.orgs[6], adopted_on=datetime.date(2020, 5, 1))
    services.recompute_registry()
    theme = stored("theme", registry.theme.slug)
    assert theme["families"] == 3
    assert theme != before[("theme", registry.theme.slug)]


def test_an_unchanged_input_is_not_fitted_again(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fitted again")

    monkeypatch.setattr(services, "fit_event_history", refuse)
    services.recompute_registry()  # nothing changed: every fit's input digest is the stored one
    AdoptionFactory.create(source=registry.small, adopter=registry.orgs[15], adopted_on=datetime.date(2022, 5, 1))
    with pytest.raises(AssertionError, match="fitted again"):
        services.recompute_registry()


def family_page(pk: int, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("diffusion:family", kwargs={"pk": pk})


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_family_page_shows_the_effects_in_words(client: Client, registry: Registry, lang: str) -> None:
    html = client.get(family_page(registry.big.pk, lang)).content.decode()
    data = stored("family", registry.big.pk)
    with translation.override(lang):
        lines = event_history_page.effect_lines(data)
        assert str(event_history_page.TERMS["region_share"]) in html
        for line in lines:
            assert line.reading in html
            assert line.interval in html
        for text in event_history_page.flag_texts(data):
            assert text in html
    assert 'id="event-history-title"' in html
    assert html.count('id="event-history-caption"') == 1
    assert reverse("diffusion:family_event_history_csv", kwargs={"pk": registry.big.pk}) in html


def test_the_readings_scale_the_model_to_10_points_and_a_doubling(registry: Registry) -> None:
    data = stored("family", registry.big.pk)
    effects = {e["term"]: e for e in data["effects"]}
    with translation.override("en"):
        lines = {line.term: line for line in event_history_page.effect_lines(data)}
    region = effects["region_share"]
    assert lines["region_share"].odds_ratio == pytest.approx(math.exp(0.1 * region["coefficient"]))
    assert lines["region_share"].ci_low == pytest.approx(region["ci_low"] ** 0.1)
    assert lines["region_share"].ci_high == pytest.approx(region["ci_high"] ** 0.1)
    assert lines["size"].odds_ratio == pytest.approx(effects["size"]["odds_ratio"])
    for line in lines.values():
        assert line.ci_low is not None
        assert line.ci_high is not None
        expected = "higher" if line.ci_low > 1 else "lower" if line.ci_high < 1 else "unclear"
        untrusted = {"separation", "no_convergence"} & set(data["flags"])
        assert line.verdict == ("untrusted" if untrusted else expected)


def test_a_family_with_few_adopters_says_so(client: Client, registry: Registry) -> None:
    html = client.get(family_page(registry.small.pk)).content.decode()
    assert f"at least {MIN_ADOPTERS} organisations have adopted; this family has 3 adopters" in html
    assert client.get(f"/en/diffusion/innovations/{registry.small.pk}/event-history.csv").status_code == 404
    body = client.get(f"{API}/families/{registry.small.pk}/event-history").json()
    assert body["status"] == "not_fitted"
    assert [f["code"] for f in body["flags"]] == ["too_few_adopters"]
    assert body["effects"] == []


def test_the_csv_is_the_table(client: Client, registry: Registry) -> None:
    adopter = Innovation.objects.filter(adopted_from__source=registry.big).first()
    assert adopter is not None  # any member of the family gives the family's table
    for url in (
        reverse("diffusion:family_event_history_csv", kwargs={"pk": adopter.pk}),
        reverse("diffusion:theme_event_history_csv", kwargs={"slug": registry.theme.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        key = ("family", str(registry.big.pk)) if "innovations" in url else ("theme", registry.theme.slug)
        data = stored(*key)
        lines = event_history_page.effect_lines(data)
        assert [r["term"] for r in rows] == [line.term for line in lines] == list(event_history_page.TERMS)
        for row, line in zip(rows, lines, strict=True):
            assert float(row["odds_ratio"]) == pytest.approx(line.odds_ratio)
            assert float(row["ci_low"]) == pytest.approx(line.ci_low)
            assert float(row["coefficient"]) == pytest.approx(line.coefficient)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_theme_page_and_the_overview(client: Client, registry: Registry, lang: str) -> None:
    with translation.override(lang):
        theme_url = reverse("diffusion:theme", kwargs={"slug": registry.theme.slug})
        overview = client.get(reverse("diffusion:overview")).content.decode()
        html = client.get(theme_url).content.decode()
        name = str(Theme.objects.get(pk=registry.theme.pk))
        lines = event_history_page.effect_lines(stored("theme", registry.theme.slug))
        intervals = [line.interval for line in lines]
    assert theme_url in overview
    assert name in html
    assert html.count("<tr>") == 1 + len(lines)
    assert all(interval in html for interval in intervals)


def test_the_api_gives_the_effects_with_codes_and_words(client: Client, registry: Registry) -> None:
    member = Innovation.objects.filter(adopted_from__source=registry.big).first()
    assert member is not None
    body = client.get(f"{API}/families/{member.pk}/event-history", HTTP_ACCEPT_LANGUAGE="sv").json()
    data = stored("family", registry.big.pk)
    assert body["key"] == str(registry.big.pk)
    assert body["status"] == "current"
    assert body["organisation_years"] == data["n_rows"]
    assert body["adoptions"] == data["n_events"] == 10  # the originator and nine adopters
    with translation.override("sv"):
        lines = event_history_page.effect_lines(data)
    assert [e["term"] for e in body["effects"]] == [line.term for line in lines]
    assert [e["reading"] for e in body["effects"]] == [line.reading for line in lines]
    assert body["effects"][0]["unit"] == "10_percentage_points"
    theme = client.get(f"{API}/themes/{registry.theme.slug}/event-history").json()
    assert theme["families"] == 2
    assert theme["adoptions"] == stored("theme", registry.theme.slug)["n_events"] == 13
    # A write makes the stored model stale until the next recomputation.
    AdoptionFactory.create(source=registry.big, adopter=registry.orgs[15], adopted_on=datetime.date(2023, 5, 1))
    assert client.get(f"{API}/families/{registry.big.pk}/event-history").json()["status"] == "stale"


def test_unknown_and_unpublished_are_404(client: Client, registry: Registry) -> None:
    draft = InnovationFactory.create(owner=registry.orgs[3], status=Status.DRAFT)
    draft_adoption = AdoptionFactory.create(source=registry.big, adopter=registry.orgs[5], publish=False).result
    for url in (
        f"{API}/families/987654/event-history",
        f"{API}/families/{draft.pk}/event-history",
        f"{API}/families/{draft_adoption.pk}/event-history",
        f"{API}/themes/no-such-theme/event-history",
        "/fi/diffusion/themes/no-such-theme/",
        "/fi/diffusion/themes/no-such-theme/event-history.csv",
        "/fi/diffusion/innovations/987654/event-history.csv",
        f"/fi/diffusion/innovations/{draft.pk}/event-history.csv",
    ):
        assert client.get(url).status_code == 404, url
    other = ThemeFactory.create()  # a theme nobody's innovations have: a page saying so, no CSV, no API
    assert "no model for this theme" in client.get(f"/en/diffusion/themes/{other.slug}/").content.decode()
    assert client.get(f"/en/diffusion/themes/{other.slug}/event-history.csv").status_code == 404
    assert client.get(f"{API}/themes/{other.slug}/event-history").status_code == 404


def test_queries_do_not_grow_with_the_family(
    client: Client, registry: Registry, django_assert_max_num_queries: Any
) -> None:
    """The big family's page costs no more queries after three more organisations adopted it (none of them an
    adopter of the small family: its "also adopted" list stays empty, so only the family grows)."""
    client.get(family_page(registry.big.pk))  # warm what every page has (session, languages …)
    with django_assert_max_num_queries(30) as before:
        assert client.get(family_page(registry.big.pk)).status_code == 200
    for index, year in ((5, 2022), (13, 2023), (15, 2024)):
        AdoptionFactory.create(source=registry.big, adopter=registry.orgs[index], adopted_on=datetime.date(year, 5, 1))
    services.recompute_stale()
    services.recompute_registry()
    assert stored("family", registry.big.pk)["n_events"] == 13
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(family_page(registry.big.pk)).status_code == 200


def test_families_beyond_the_budget_say_so(client: Client, registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for none but the first family, a second large family is stored as not fitted, and its page and API
    say why rather than "being fitted"."""
    second = InnovationFactory.create(owner=registry.orgs[15], introduced_on=datetime.date(2014, 1, 1))
    for index in range(8):
        AdoptionFactory.create(source=second, adopter=registry.orgs[index], adopted_on=datetime.date(2016, 5, 1))
    monkeypatch.setattr(services, "EVENT_HISTORY_MAX_FAMILY_ROWS", 1)
    services.recompute_registry()
    assert stored("family", registry.big.pk)["effects"]  # the most adopted first: big (10) before second (9)
    assert stored("family", second.pk)["flags"] == ["budget"]
    html = client.get(family_page(second.pk)).content.decode()
    with translation.override("en"):
        assert str(event_history_page.FLAGS["budget"]) in html
    assert "being fitted" not in html
    body = client.get(f"{API}/families/{second.pk}/event-history").json()
    assert [f["code"] for f in body["flags"]] == ["budget"]
