"""/api/v1/diffusion/…: the family, its curve and fit, the CSV; per role, drafts never counted, bad ids 404, and
queries that do not grow with the family."""

import datetime
import statistics
from typing import Any

import pytest
from django.test import Client

from diffusion import services
from diffusion.maths.bass import fit_bass
from innovations.models import Innovation
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/diffusion"


def grow(root: Innovation, n: int) -> list[Innovation]:
    made: list[Innovation] = []
    for index in range(n):
        source = made[index - 1] if index % 3 else root
        made.append(AdoptionFactory.create(source=source, adopted_on=datetime.date(2014 + index // 2, 3, 1)).result)
    return made


@pytest.fixture
def root(org_a: Organisation) -> Innovation:
    innovation = InnovationFactory.create(owner=org_a, introduced_on=datetime.date(2013, 1, 1))
    grow(innovation, 11)
    services.recompute_stale()
    return innovation


def test_family_from_any_member(client: Client, root: Innovation) -> None:
    leaf = Innovation.objects.order_by("-pk").first()
    assert leaf is not None
    body = client.get(f"{API}/families/{leaf.pk}").json()
    assert body["root"] == root.pk
    assert body["count"] == 12
    assert body["items"][0]["mode"] == "original"
    # Rogers by hand: the original's year against the mean and population standard deviation of all years.
    years = [item["year"] for item in body["items"]]
    mean, sd = statistics.fmean(years), statistics.pstdev(years)
    expected = "innovator" if years[0] < mean - 2 * sd else "early_adopter"
    assert years[0] < mean - sd
    assert body["items"][0]["adopter_category"] == expected
    assert {item["mode"] for item in body["items"][1:]} == {"adapted"}
    assert all(item["adopted_from"] for item in body["items"][1:])


def test_curve_is_the_stored_fit(client: Client, root: Innovation) -> None:
    body = client.get(f"{API}/families/{root.pk}/curve", HTTP_ACCEPT_LANGUAGE="sv").json()
    assert body["status"] == "current"
    assert body["years"][0] == 2013
    assert sum(body["adopters"]) == body["cumulative"][-1] == 12
    years = [2013] + [2014 + index // 2 for index in range(11)]
    fit = fit_bass(years, population=body["population"])
    assert body["fit"]["p"] == pytest.approx(fit.p)
    assert body["fit"]["m"] == pytest.approx(fit.m)
    assert [flag["code"] for flag in body["flags"]] == list(fit.flags)
    assert sum(body["categories"].values()) == body["population"]


def test_before_the_first_computation_the_curve_says_so(client: Client, org_a: Organisation) -> None:
    fresh = InnovationFactory.create(owner=org_a)
    body = client.get(f"{API}/families/{fresh.pk}/curve").json()
    assert body["status"] == "being_computed"
    assert body["fit"] is None
    assert body["years"] == []


ROLES = ("anonymous", "editor_a", "editor_b", "platform_admin")


@pytest.mark.parametrize("role", ROLES)
def test_drafts_per_role(
    client: Client,
    root: Innovation,
    role: str,
    request: pytest.FixtureRequest,
    org_a: Organisation,
    org_b: Organisation,
) -> None:
    own_draft = InnovationFactory.create(owner=org_a, status="draft")
    draft_adoption = AdoptionFactory.create(source=root, adopter=org_b, publish=False).result
    services.recompute_stale()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    # A draft is in no published family: 404 to everyone (to others, its existence is not revealed).
    assert client.get(f"{API}/families/{own_draft.pk}").status_code == 404
    assert client.get(f"{API}/families/{draft_adoption.pk}/curve").status_code == 404
    body = client.get(f"{API}/families/{root.pk}").json()
    assert draft_adoption.pk not in {item["innovation"] for item in body["items"]}
    assert body["count"] == 12
    assert client.get(f"{API}/families/{root.pk}/curve").json()["cumulative"][-1] == 12
    csv = client.get(f"{API}/families/{root.pk}/csv").content.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 13


def test_bad_ids(client: Client) -> None:
    for path in ("/families/987654", "/families/987654/curve", "/families/0", "/families/x/curve"):
        response = client.get(API + path)
        assert response.status_code in (404, 422)
        assert "error" in response.json()


def test_queries_do_not_grow(client: Client, org_a: Organisation, django_assert_max_num_queries: Any) -> None:
    small = InnovationFactory.create(owner=org_a, introduced_on=datetime.date(2013, 1, 1))
    grow(small, 2)
    services.recompute_stale()
    client.get(f"{API}/families/{small.pk}")
    with django_assert_max_num_queries(6) as counted:
        client.get(f"{API}/families/{small.pk}")
    grow(small, 25)
    services.recompute_stale()
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(f"{API}/families/{small.pk}").json()["count"] == 28
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(f"{API}/families/{small.pk}/curve")
