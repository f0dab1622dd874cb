"""No N+1: the list endpoints use the same number of SQL queries for 5 rows as for 50."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.models import Theme
from innovations import services as innovation_services
from innovations.models import Innovation
from organisations import services as organisation_services
from organisations.models import Organisation, OrganisationKind
from tests.api.conftest import API, make_innovation

pytestmark = pytest.mark.django_db

# Generous ceilings: the equality of 5 and 50 rows is the real test, these catch a general blow-up.
MAX_QUERIES = 10


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response: Any = client.get(API + path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def grow(
    platform_admin: User, org_a: Organisation, org_b: Organisation, partner_org: Organisation, theme: Theme
) -> Callable[[int], None]:
    """Adds published innovations up to n, each with types, a theme, a partner, and every third an adoption."""
    other_theme = Theme.objects.create(slug="mobility", name_fi="Liikkuminen", name_sv="Mobilitet", name_en="Mobility")
    adopters = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(pk=org_a.pk)[:60])

    def to(n: int) -> None:
        have = Innovation.objects.filter(owner=org_a).count()
        for i in range(have, n):
            innovation = make_innovation(
                org_a,
                platform_admin,
                title=f"Innovaatio {i}",
                themes=[theme, other_theme],
                classifications={"type": ["service", "process"], "idea_source": ["users"]},
            )
            innovation_services.partnership_add(actor=platform_admin, innovation=innovation, organisation=partner_org)
            innovation_services.link_add(actor=platform_admin, innovation=innovation, title="L", url="https://e.fi")
            if i % 3 == 0:
                innovation_services.innovation_adopt(
                    actor=platform_admin, source=innovation, adopter=adopters[i % len(adopters)], mode="copied"
                )

    return to


LIST_PATHS = (
    "/innovations?limit=100",
    "/innovations?limit=100&type=service&theme=wellbeing&q=innovaatio",
    "/adoptions?limit=100",
    "/organisations?limit=100&q=a",
    "/open-data/innovations.json",
    "/open-data/innovations.csv",
)


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_list_queries_do_not_grow_with_rows(
    who: str,
    grow: Callable[[int], None],
    client_for: Callable[[User | None], Client],
    editor_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    # Every path is counted on the same 5 and then 50 rows: building the 50 rows through the services is most of the
    # test's time, once instead of once per path.
    client = client_for(editor_a if who == "editor" else None)
    grow(5)
    few = {path: queries(client, path) for path in LIST_PATHS}
    grow(50)
    many = {}
    for path in LIST_PATHS:
        with django_assert_max_num_queries(MAX_QUERIES):
            many[path] = queries(client, path)
    grown = {
        path: f"{few[path]} queries for 5 rows, {many[path]} for 50" for path in LIST_PATHS if few[path] != many[path]
    }
    assert not grown, grown


def test_network_list_and_detail_queries_do_not_grow(
    platform_admin: User, org_a: Organisation, client: Client, django_assert_max_num_queries: Any
) -> None:
    municipalities = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)[:50])
    themes = [Theme.objects.create(slug=f"t{i}", name_fi=f"T{i}") for i in range(3)]

    def networks(n: int) -> None:
        for i in range(n):
            network = organisation_services.network_create(
                actor=platform_admin, data={"name_fi": f"Verkosto {i}-{n}", "coordinator": org_a}, themes=themes
            )
            for member in municipalities[: 5 if n < 10 else 50]:
                organisation_services.network_member_add(actor=platform_admin, network=network, organisation=member)

    networks(5)
    few = queries(client, "/networks?limit=100")
    small = Organisation.objects.get(pk=org_a.pk).coordinated_networks.first()
    assert small is not None
    few_detail = queries(client, f"/networks/{small.slug}")
    networks(45)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert queries(client, "/networks?limit=100") == few
    big = Organisation.objects.get(pk=org_a.pk).coordinated_networks.order_by("-id").first()
    assert big is not None
    assert big.memberships.count() == 50
    assert queries(client, f"/networks/{big.slug}") == few_detail


def test_innovation_detail_queries_do_not_grow(
    grow: Callable[[int], None],
    platform_admin: User,
    org_a: Organisation,
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    grow(3)
    innovation = Innovation.objects.filter(owner=org_a).order_by("id").first()
    assert innovation is not None
    few = queries(client, f"/innovations/{innovation.pk}")
    more_adopters = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(pk=org_a.pk)[100:130]
    for adopter in more_adopters:
        innovation_services.innovation_adopt(actor=platform_admin, source=innovation, adopter=adopter, mode="adapted")
        innovation_services.link_add(actor=platform_admin, innovation=innovation, title="L", url="https://e.fi/x")
    with django_assert_max_num_queries(MAX_QUERIES + 2):
        assert queries(client, f"/innovations/{innovation.pk}") == few
