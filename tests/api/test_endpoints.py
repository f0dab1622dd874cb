"""Every endpoint of the REST API once on its happy path, as the person who may use it."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import ChangeRecord
from core.models import Theme
from innovations import services as innovation_services
from innovations.models import Adoption, Innovation, Partnership
from innovations.vocabulary import Dimension, Novelty, Status
from organisations.models import Network, NetworkMembership, Organisation, OrganisationKind
from tests.api.conftest import API, make_innovation

pytestmark = pytest.mark.django_db


def body(client: Client, method: str, path: str, data: Any = None, status: int = 200, **extra: Any) -> Any:
    """Sends JSON, checks the status and returns the decoded answer (None for 204)."""
    send = getattr(client, method)
    response = (
        send(API + path, data, content_type="application/json", **extra)
        if data is not None
        else send(API + path, **extra)
    )
    assert response.status_code == status, response.content
    return response.json() if response.status_code != 204 else None


# --- organisations ----------------------------------------------------------------------------------------------


def test_organisation_list_filters_and_paginates(client: Client, org_a: Organisation, published_a: Innovation) -> None:
    page = body(client, "get", "/organisations?kind=municipality&region=01&limit=5&offset=0")
    assert page["count"] == Organisation.objects.filter(kind="municipality", region__code="01").count()
    assert len(page["items"]) == 5
    assert all(item["region"]["code"] == "01" for item in page["items"])

    found = body(client, "get", "/organisations?q=Espoo")
    espoo = next(item for item in found["items"] if item["slug"] == org_a.slug)
    assert espoo["published_innovations"] == 1
    assert espoo["name_sv"] == "Esbo"

    second = body(client, "get", "/organisations?kind=municipality&limit=2&offset=2")
    first = body(client, "get", "/organisations?kind=municipality&limit=4")
    assert [i["id"] for i in second["items"]] == [i["id"] for i in first["items"][2:4]]


def test_organisation_read(client: Client, org_a: Organisation, network_a: Network) -> None:
    data = body(client, "get", f"/organisations/{org_a.slug}")
    assert data["municipality_code"] == "049"
    assert data["kind"] == "municipality"
    assert data["region"] == {"code": "01", "name": "Uusimaa"}
    assert data["networks"] == [{"id": network_a.pk, "slug": network_a.slug, "name": "Testiverkosto"}]
    assert data["version"] == org_a.version


def test_organisation_create_and_update(client_for: Any, platform_admin: User) -> None:
    client = client_for(platform_admin)
    created = body(
        client,
        "post",
        "/organisations",
        {"kind": "company", "name_fi": "Koodi Oy", "name_sv": "Kod Ab", "business_id": "0201256-6", "region": "01"},
        status=201,
    )
    assert created["slug"] == "koodi-oy"
    assert created["region"]["code"] == "01"
    assert created["version"] == 1

    updated = body(
        client, "patch", f"/organisations/{created['slug']}", {"version": 1, "name_en": "Code Ltd", "population": 12}
    )
    assert updated["name_en"] == "Code Ltd"
    assert updated["name_sv"] == "Kod Ab"  # untouched: PATCH changes only what it names
    assert updated["version"] == 2


# --- networks ---------------------------------------------------------------------------------------------------


def test_network_list_and_read(client: Client, network_a: Network, org_a: Organisation) -> None:
    page = body(client, "get", "/networks")
    assert page["count"] == 1
    assert page["items"][0]["member_count"] == 1
    assert page["items"][0]["coordinator"]["slug"] == org_a.slug

    data = body(client, "get", f"/networks/{network_a.slug}")
    assert [m["organisation"]["slug"] for m in data["members"]] == [org_a.slug]


def test_network_create_update_and_members(
    client_for: Any, platform_admin: User, org_a: Organisation, org_b: Organisation, theme: Theme
) -> None:
    client = client_for(platform_admin)
    created = body(
        client,
        "post",
        "/networks",
        {
            "name_fi": "Innokaupungit",
            "coordinator": org_a.slug,
            "themes": [theme.slug],
            "agreement_start": "2024-01-01",
        },
        status=201,
    )
    slug = created["slug"]
    assert created["themes"][0]["slug"] == theme.slug
    assert created["coordinator"]["id"] == org_a.pk

    updated = body(client, "patch", f"/networks/{slug}", {"version": 1, "name_en": "Innocities", "themes": []})
    assert updated["name_en"] == "Innocities"
    assert updated["themes"] == []
    assert updated["version"] == 2

    member = body(
        client, "post", f"/networks/{slug}/members", {"organisation": org_b.pk, "joined_on": "2024-02-01"}, status=201
    )
    assert member == {
        "organisation": {"id": org_b.pk, "slug": org_b.slug, "name": "Vantaa", "kind": "municipality"},
        "joined_on": "2024-02-01",
    }
    assert body(client, "get", f"/networks/{slug}")["member_count"] == 1

    body(client, "delete", f"/networks/{slug}/members/{org_b.slug}", status=204)
    assert not NetworkMembership.objects.filter(network__slug=slug).exists()


def test_region_list(client: Client) -> None:
    data = body(client, "get", "/regions")
    assert data["count"] == 19 == len(data["items"])
    assert data["items"][0] == {
        "code": "01",
        "name": "Uusimaa",
        "name_fi": "Uusimaa",
        "name_sv": "Nyland",
        "name_en": "Uusimaa",
    }


# --- innovations ------------------------------------------------------------------------------------------------


def test_innovation_list_and_catalogue_filters(
    client: Client,
    published_a: Innovation,
    draft_a: Innovation,
    org_b: Organisation,
    platform_admin: User,
    theme: Theme,
) -> None:
    other = make_innovation(
        org_b, platform_admin, title="Kirjaston asiakaspalaute", stage="idea", classifications={"type": ["process"]}
    )
    page = body(client, "get", "/innovations")
    assert page["count"] == 2  # the draft is not public
    assert {item["id"] for item in page["items"]} == {published_a.pk, other.pk}

    item = next(i for i in page["items"] if i["id"] == published_a.pk)
    assert item["types"] == ["service"]
    assert item["themes"] == [theme.slug]
    assert item["owner"]["slug"] == "espoo"
    assert item["region"]["code"] == "01"
    assert "contact_email" not in item

    def ids(query: str) -> set[int]:
        return {i["id"] for i in body(client, "get", "/innovations?" + query)["items"]}

    assert ids("type=service") == {published_a.pk}
    assert ids("type=service&type=process") == {published_a.pk, other.pk}
    assert ids("stage=idea") == {other.pk}
    assert ids("novelty=new") == {published_a.pk, other.pk}
    assert ids("org_kind=municipality") == {published_a.pk, other.pk}
    assert ids("region=01") == {published_a.pk, other.pk}  # Espoo and Vantaa are both in Uusimaa
    assert ids(f"theme={theme.slug}") == {published_a.pk}
    assert ids(f"owner={org_b.slug}") == {other.pk}
    assert ids("status=draft") == set()
    assert ids("partner_kind=university") == set()
    # Finnish inflection: "kirjastojen" (libraries') finds "Kirjaston" (library's).
    assert ids("q=kirjastojen") == {other.pk}
    titles = [i["title_fi"] for i in body(client, "get", "/innovations?sort=title")["items"]]
    assert titles == sorted(titles)
    assert body(client, "get", "/innovations?limit=1&offset=1")["count"] == 2


def test_innovation_read_is_complete(
    client: Client,
    client_for: Any,
    published_a: Innovation,
    partner_org: Organisation,
    platform_admin: User,
    org_b: Organisation,
) -> None:
    innovation_services.partnership_add(
        actor=platform_admin, innovation=published_a, organisation=partner_org, role="researcher", in_idea_phase=True
    )
    innovation_services.link_add(
        actor=platform_admin, innovation=published_a, title="Raportti", url="https://example.fi/r"
    )
    innovation_services.innovation_update(
        actor=platform_admin,
        innovation=published_a,
        expected_version=1,
        data={},
        classifications={"idea_source": ["users", "own_staff"], "motivation": ["savings"]},
    )
    adoption = innovation_services.innovation_adopt(
        actor=platform_admin,
        source=published_a,
        adopter=org_b,
        mode=Novelty.ADAPTED,
        adopted_on=timezone.localdate() - datetime.timedelta(days=3),
    )

    data = body(client, "get", f"/innovations/{published_a.pk}")
    assert (data["title_fi"], data["title_sv"], data["title_en"]) == (
        "Kotihoidon etäpalvelu",
        "Distanstjänst inom hemvården",
        "Remote home care",
    )
    assert data["classifications"]["type"] == ["service"]
    assert data["classifications"]["idea_source"] == ["own_staff", "users"]
    assert data["classifications"]["motivation"] == ["savings"]
    assert set(data["classifications"]) == set(Dimension.values)
    assert data["themes"][0]["slug"] == "wellbeing"
    assert [event["stage"] for event in data["stage_history"]] == ["in_use"]
    assert data["adopted_from"] is None
    assert data["adoptions"] == [
        {
            "innovation": adoption.result_id,
            "title": "Kotihoidon etäpalvelu",
            "owner": {"id": org_b.pk, "slug": org_b.slug, "name": "Vantaa", "kind": "municipality"},
            "mode": "adapted",
            "adopted_on": adoption.adopted_on.isoformat(),
        }
    ]
    assert data["partners"][0]["organisation"]["id"] == partner_org.pk
    assert data["partners"][0]["role"] == "researcher"
    assert data["partners"][0]["in_idea_phase"] is True
    assert data["links"][0]["url"] == "https://example.fi/r"
    assert data["attachments"] == []
    # Personal data only for signed-in people.
    assert data["contact_email"] is None
    assert data["contact_name"] is None
    signed_in = body(client_for(platform_admin), "get", f"/innovations/{published_a.pk}")
    assert signed_in["contact_email"] == "aino.virtanen@example.fi"

    result = body(client, "get", f"/innovations/{adoption.result_id}")
    assert result["adopted_from"] == {
        "innovation": published_a.pk,
        "title": "Kotihoidon etäpalvelu",
        "owner": {"id": published_a.owner_id, "slug": "espoo", "name": "Espoo", "kind": "municipality"},
        "mode": "adapted",
        "adopted_on": adoption.adopted_on.isoformat(),
    }
    assert result["novelty"] == "adapted"


def test_innovation_create(client_for: Any, editor_a: User, org_a: Organisation, theme: Theme) -> None:
    created = body(
        client_for(editor_a),
        "post",
        "/innovations",
        {
            "owner": org_a.slug,
            "title_fi": "Ikäihmisten digituki",
            "summary_sv": "Digitalt stöd för äldre.",
            "description_en": "<p>Help <script>alert(1)</script>with <strong>devices</strong>.</p>",
            "stage": "experiment",
            "classifications": {"type": ["service", "communication"], "channel": ["own_website"]},
            "themes": [theme.slug],
            "introduced_on": "2024-05-02",
        },
        status=201,
    )
    assert created["owner"]["id"] == org_a.pk
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["classifications"]["type"] == ["communication", "service"]
    assert created["classifications"]["channel"] == ["own_website"]
    assert "<script>" not in created["description_en"]
    assert "<strong>devices</strong>" in created["description_en"]
    assert Innovation.objects.get(pk=created["id"]).created_by == editor_a

    by_id = body(client_for(editor_a), "post", "/innovations", {"owner": org_a.pk, "title_en": "By id"}, status=201)
    assert by_id["owner"]["slug"] == org_a.slug


def test_innovation_update(client_for: Any, editor_a: User, published_a: Innovation, theme: Theme) -> None:
    client = client_for(editor_a)
    data = body(
        client,
        "patch",
        f"/innovations/{published_a.pk}",
        {
            "version": 1,
            "title_en": "Video home care",
            "stage": "spreading",
            "classifications": {"type": ["process"]},
            "themes": [],
        },
    )
    assert data["title_en"] == "Video home care"
    assert data["title_fi"] == "Kotihoidon etäpalvelu"
    assert data["classifications"]["type"] == ["process"]
    assert data["themes"] == []
    assert [e["stage"] for e in data["stage_history"]] == ["in_use", "spreading"]
    assert data["version"] == 2
    # A dimension left out keeps its codes, and so do the themes when not sent.
    again = body(client, "patch", f"/innovations/{published_a.pk}", {"version": 2, "is_social": True})
    assert again["classifications"]["type"] == ["process"]
    assert again["is_social"] is True


def test_innovation_publish_unpublish(client_for: Any, editor_a: User, draft_a: Innovation) -> None:
    client = client_for(editor_a)
    published = body(client, "post", f"/innovations/{draft_a.pk}/publish", {"version": 1})
    assert published["status"] == "published"
    assert published["version"] == 2
    unpublished = body(client, "post", f"/innovations/{draft_a.pk}/unpublish", {"version": 2})
    assert unpublished["status"] == "draft"
    assert [r.action for r in ChangeRecord.objects.filter(object_id=draft_a.pk).order_by("at", "id")][-2:] == [
        "publish",
        "unpublish",
    ]


def test_innovation_delete(client_for: Any, admin_a: User, published_a: Innovation) -> None:
    body(client_for(admin_a), "delete", f"/innovations/{published_a.pk}", status=204)
    assert not Innovation.objects.filter(pk=published_a.pk).exists()


def test_innovation_adopt(client_for: Any, editor_b: User, org_b: Organisation, published_a: Innovation) -> None:
    data = body(
        client_for(editor_b),
        "post",
        f"/innovations/{published_a.pk}/adopt",
        {"adopter": org_b.slug, "mode": "copied", "adopted_on": "2025-03-01", "publish": False},
        status=201,
    )
    assert data["owner"]["id"] == org_b.pk
    assert data["status"] == "draft"
    assert data["novelty"] == "copied"
    assert data["adopted_from"]["innovation"] == published_a.pk
    assert data["adopted_from"]["adopted_on"] == "2025-03-01"
    adoption = Adoption.objects.get(source=published_a)
    assert adoption.result_id == data["id"]
    assert adoption.created_by == editor_b


def test_innovation_lineage(
    client: Client, platform_admin: User, published_a: Innovation, org_b: Organisation, partner_org: Organisation
) -> None:
    middle = innovation_services.innovation_adopt(
        actor=platform_admin, source=published_a, adopter=org_b, mode="adapted"
    ).result
    last = innovation_services.innovation_adopt(
        actor=platform_admin, source=middle, adopter=partner_org, mode="copied"
    ).result
    data = body(client, "get", f"/innovations/{middle.pk}/lineage")
    assert data["count"] == 3
    assert [(n["innovation"]["id"], n["depth"], n["mode"], n["parent"]) for n in data["items"]] == [
        (published_a.pk, -1, "", None),
        (middle.pk, 0, "adapted", published_a.pk),
        (last.pk, 1, "copied", middle.pk),
    ]


def test_innovation_changes(client_for: Any, editor_a: User, published_a: Innovation) -> None:
    client = client_for(editor_a)
    body(client, "patch", f"/innovations/{published_a.pk}", {"version": 1, "title_en": "Changed"})
    data = body(client, "get", f"/innovations/{published_a.pk}/changes")
    assert data["count"] == 2
    newest = data["items"][0]
    assert newest["action"] == "update"
    assert newest["actor"] == "editor-a"
    assert newest["changes"]["title_en"] == ["Remote home care", "Changed"]
    assert data["items"][1]["action"] == "create"


# --- partners ---------------------------------------------------------------------------------------------------


def test_partners_add_list_update_remove(
    client_for: Any, editor_a: User, published_a: Innovation, partner_org: Organisation
) -> None:
    client = client_for(editor_a)
    added = body(
        client,
        "post",
        f"/innovations/{published_a.pk}/partners",
        {"organisation": partner_org.slug, "role": "researcher", "in_idea_phase": True},
        status=201,
    )
    assert added["organisation"]["id"] == partner_org.pk
    assert (added["role"], added["in_idea_phase"], added["in_development_phase"]) == ("researcher", True, True)

    listed = body(client, "get", f"/innovations/{published_a.pk}/partners")
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == added["id"]

    updated = body(
        client,
        "patch",
        f"/innovations/{published_a.pk}/partners/{added['id']}",
        {"role": "funder", "in_implementation_phase": True},
    )
    assert (updated["role"], updated["in_implementation_phase"], updated["in_idea_phase"]) == ("funder", True, True)

    body(client, "delete", f"/innovations/{published_a.pk}/partners/{added['id']}", status=204)
    assert not Partnership.objects.filter(innovation=published_a).exists()


# --- adoptions --------------------------------------------------------------------------------------------------


def test_adoption_list_filters_and_read(
    client: Client,
    platform_admin: User,
    published_a: Innovation,
    org_a: Organisation,
    org_b: Organisation,
    partner_org: Organisation,
) -> None:
    first = innovation_services.innovation_adopt(
        actor=platform_admin, source=published_a, adopter=org_b, mode="adapted", adopted_on=datetime.date(2021, 5, 1)
    )
    second = innovation_services.innovation_adopt(
        actor=platform_admin,
        source=published_a,
        adopter=partner_org,
        mode="copied",
        adopted_on=datetime.date(2024, 5, 1),
    )
    # An adoption into a draft is visible only inside the adopter.
    hidden_adopter = Organisation.objects.get(municipality_code="091")  # Helsinki
    innovation_services.innovation_adopt(
        actor=platform_admin, source=published_a, adopter=hidden_adopter, mode="copied", publish=False
    )

    def ids(query: str = "") -> list[int]:
        return [a["id"] for a in body(client, "get", "/adoptions" + query)["items"]]

    assert ids() == [second.pk, first.pk]  # newest first; the draft adoption is hidden
    assert ids(f"?source_org={org_a.slug}") == [second.pk, first.pk]
    assert ids(f"?adopter_org={org_b.slug}") == [first.pk]
    assert ids("?mode=copied") == [second.pk]
    assert ids("?year_from=2022") == [second.pk]
    assert ids("?year_to=2022") == [first.pk]
    assert ids("?year_from=2021&year_to=2021") == [first.pk]

    data = body(client, "get", f"/adoptions/{first.pk}")
    assert data["source"]["id"] == published_a.pk
    assert data["result"]["id"] == first.result_id
    assert data["adopter"]["slug"] == org_b.slug
    assert (data["mode"], data["adopted_on"]) == ("adapted", "2021-05-01")


# --- vocabularies -----------------------------------------------------------------------------------------------


def test_theme_list(client: Client, theme: Theme) -> None:
    data = body(client, "get", "/themes")
    assert data == {
        "count": 1,
        "items": [
            {
                "slug": "wellbeing",
                "name": "Hyvinvointi",
                "name_fi": "Hyvinvointi",
                "name_sv": "Välfärd",
                "name_en": "Wellbeing",
            }
        ],
    }
    assert body(client, "get", "/themes", HTTP_ACCEPT_LANGUAGE="sv")["items"][0]["name"] == "Välfärd"


def test_vocabulary_in_the_requested_language(client: Client) -> None:
    data = body(client, "get", "/vocabulary", HTTP_ACCEPT_LANGUAGE="en")
    dimensions = {d["code"]: d for d in data["classifications"]}
    assert set(dimensions) == set(Dimension.values)
    assert dimensions["type"]["label"] == "Type"
    assert {"code": "service", "label": "Service innovation"} in dimensions["type"]["values"]
    assert {v["code"] for v in data["stages"]} == {
        "idea",
        "development",
        "experiment",
        "in_use",
        "spreading",
        "discontinued",
    }
    assert {v["code"] for v in data["novelty"]} == {"new", "adapted", "copied"}
    assert {v["code"] for v in data["statuses"]} == set(Status.values)
    assert {v["code"] for v in data["organisation_kinds"]} == set(OrganisationKind.values)
    assert {v["code"] for v in data["partner_roles"]} >= {"co_developer", "funder"}
    assert {v["code"] for v in data["phases"]} == {"idea", "development", "implementation"}


def test_openapi_and_docs_are_served(client: Client) -> None:
    schema = body(client, "get", "/openapi.json")
    assert schema["info"]["title"] == "Innoverkko API"
    assert "/api/v1/innovations/{id}/adopt" in schema["paths"]
    docs = client.get(API + "/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
