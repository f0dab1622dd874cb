"""The registry-wide figures: who learned from whom per organisation, region flows and trends, from published
records only; and the organisation page's section that shows them."""

import datetime
from typing import Any

import pytest
from django.test import Client

from diffusion import services
from diffusion.models import OrganisationFigures, RegistryFigures
from innovations.models import Innovation
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def adopt(source: Innovation, adopter: Organisation, year: int, **kw: Any) -> Innovation:
    return AdoptionFactory.create(source=source, adopter=adopter, adopted_on=datetime.date(year, 4, 1), **kw).result


@pytest.fixture
def world() -> dict[str, Any]:
    """A's innovation adopted by B and C; D adopted B's record; E partnered A."""
    a, b, c, d, e = OrganisationFactory.create_batch(5)
    root = InnovationFactory.create(owner=a, introduced_on=datetime.date(2016, 1, 1))
    from_b = adopt(root, b, 2018)
    adopt(root, c, 2019)
    adopt(from_b, d, 2020)
    PartnershipFactory.create(innovation=root, organisation=e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "root": root}


def figures(organisation: Organisation) -> dict[str, Any]:
    return OrganisationFigures.objects.get(organisation=organisation).data


def test_who_learned_from_whom(world: dict[str, Any]) -> None:
    services.recompute_registry()
    a, b, c, d = (figures(world[k]) for k in "abcd")
    assert (a["taught"], a["learned_from"], a["adoptions_out"]) == (2, 0, 2)
    assert (b["taught"], b["learned_from"]) == (1, 1)
    assert (d["taught"], d["learned_from"]) == (0, 1)
    assert a["sources"] == []
    assert sorted(a["adopters"]) == sorted([world["b"].pk, world["c"].pk])
    assert d["sources"] == [world["b"].pk]
    assert a["partners"] == 1
    assert a["role"] == "source"
    assert c["role"] == "adopter"
    # Walker: A first in the one family it is in; D last of four.
    assert a["walker"] == pytest.approx(1.0)
    assert d["walker"] == pytest.approx(0.0)
    assert sum(o.data["influence"] for o in OrganisationFigures.objects.all()) == pytest.approx(1.0)


def test_region_flows_and_trends(world: dict[str, Any]) -> None:
    services.recompute_registry()
    data = RegistryFigures.objects.get(pk=1).data
    expected: dict[tuple[str, str], int] = {}
    for source, adopter in (("a", "b"), ("a", "c"), ("b", "d")):
        key = (world[source].region.code, world[adopter].region.code)
        expected[key] = expected.get(key, 0) + 1
    assert {(s, t): n for s, t, n in data["region_flows"]} == expected
    assert sum(data["travel"].values()) == 3
    assert data["trends"]["years"] == [2016, 2018, 2019, 2020]
    assert data["trends"]["new"] == [1, 0, 0, 0]
    assert data["trends"]["adapted"] == [0, 1, 1, 1]


def test_a_draft_adoption_changes_no_organisation_figure(world: dict[str, Any]) -> None:
    services.recompute_registry()
    before = {o.organisation_id: o.data for o in OrganisationFigures.objects.all()}
    attacker = OrganisationFactory.create()
    adopt(world["root"], attacker, 2021, publish=False)
    services.recompute_registry()
    after = {o.organisation_id: o.data for o in OrganisationFigures.objects.all()}
    assert attacker.pk not in after
    for pk, data in before.items():
        assert {k: v for k, v in after[pk].items() if k != "peers"} == {k: v for k, v in data.items() if k != "peers"}


def test_the_organisation_page_shows_its_place(client: Client, world: dict[str, Any]) -> None:
    before = client.get(world["a"].get_absolute_url()).content.decode()
    assert 'id="diffusion-title"' in before
    services.recompute_registry()
    html = client.get(world["b"].get_absolute_url()).content.decode()
    assert world["a"].get_absolute_url() in html  # learned most from A
    assert world["d"].get_absolute_url() in html  # taught D
    assert 'id="diffusion-peers-caption"' in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_overview_page(client: Client, world: dict[str, Any], lang: str) -> None:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(lang):
        address = reverse("diffusion:overview")
    RegistryFigures.objects.all().delete()
    assert client.get(address).status_code == 200  # "being computed", nothing computed on the page
    assert not RegistryFigures.objects.exists()
    services.recompute_registry()
    html = client.get(address).content.decode()
    assert 'id="figure-trends-title"' in html
    assert str(world["a"].region) in html  # the flows from A's region
    assert 'id="figure-flows-caption"' in html


def test_the_api(client: Client, world: dict[str, Any]) -> None:
    assert client.get("/api/v1/diffusion/registry").status_code == 404  # before the first computation
    assert client.get(f"/api/v1/diffusion/organisations/{world['b'].pk}").status_code == 404
    services.recompute_registry()
    body = client.get(f"/api/v1/diffusion/organisations/{world['b'].pk}").json()
    assert body["status"] == "current"
    assert (body["learned_from"], body["taught"], body["sources"]) == (1, 1, [world["a"].pk])
    registry = client.get("/api/v1/diffusion/registry").json()
    assert sum(flow["adoptions"] for flow in registry["region_flows"]) == 3
    assert registry["trends"]["years"] == [2016, 2018, 2019, 2020]
    adopt(world["root"], OrganisationFactory.create(), 2021)  # a write: the stored figures are now stale
    assert client.get("/api/v1/diffusion/registry").json()["status"] == "stale"
    assert client.get("/api/v1/diffusion/organisations/987654").status_code == 404
