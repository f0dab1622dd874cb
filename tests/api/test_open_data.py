"""Open data downloads: published innovations only, no personal data, the licence stated, streamed."""

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from innovations import services as innovation_services
from innovations.models import Innovation
from open_data import exports
from organisations.models import Organisation
from tests.api.conftest import API, make_innovation

pytestmark = pytest.mark.django_db


def content(response: Any) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def registry(published_a: Innovation, draft_a: Innovation, org_b: Organisation, platform_admin: User) -> dict[str, Any]:
    adopted = innovation_services.innovation_adopt(
        actor=platform_admin,
        source=published_a,
        adopter=org_b,
        mode="adapted",
        adopted_on=datetime.date(2024, 3, 1),
    ).result
    # A published adoption of an innovation that went back to draft: its source must not be named.
    secret_source = make_innovation(org_b, platform_admin, title="Myöhemmin piilotettu")
    hidden_child = innovation_services.innovation_adopt(
        actor=platform_admin, source=secret_source, adopter=published_a.owner, mode="copied"
    ).result
    innovation_services.innovation_set_status(
        actor=platform_admin, innovation=secret_source, status="draft", expected_version=secret_source.version
    )
    return {
        "published": published_a,
        "draft": draft_a,
        "adopted": adopted,
        "hidden_child": hidden_child,
        "secret_source": secret_source,
    }


def test_csv_has_published_rows_only_and_no_personal_data(client: Client, registry: dict[str, Any]) -> None:
    response = client.get(f"{API}/open-data/innovations.csv")
    text = content(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="innoverkko-innovations-v2.0.0-CC-BY-4.0.csv"' in response["Content-Disposition"]
    assert exports.LICENCE_URL in response["Link"]
    assert 'rel="license"' in response["Link"]

    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == exports.COLUMNS
    ids = {int(row["id"]) for row in rows}
    assert ids == {registry["published"].pk, registry["adopted"].pk, registry["hidden_child"].pk}
    assert registry["draft"].pk not in ids
    assert "aino.virtanen@example.fi" not in text
    assert "Aino Virtanen" not in text
    assert "Luonnos" not in text  # the draft's title

    by_id = {int(row["id"]): row for row in rows}
    published = by_id[registry["published"].pk]
    assert (published["title_fi"], published["title_sv"], published["title_en"]) == (
        "Kotihoidon etäpalvelu",
        "Distanstjänst inom hemvården",
        "Remote home care",
    )
    assert (published["owner"], published["owner_kind"], published["region"]) == ("Espoo", "municipality", "01")
    assert published["owner_municipality_code"] == "049"
    assert published["owner_business_id"] == (registry["published"].owner.business_id or "")
    assert published["types"] == "service"
    assert published["themes"] == "wellbeing"
    assert published["stage"] == "in_use"
    assert published["source_innovation_id"] == ""
    assert published["url"].endswith(f"/innovations/{registry['published'].pk}/")

    adopted = by_id[registry["adopted"].pk]
    assert adopted["source_innovation_id"] == str(registry["published"].pk)
    assert adopted["novelty"] == "adapted"
    assert adopted["introduced_on"] == "2024-03-01"
    assert by_id[registry["hidden_child"].pk]["source_innovation_id"] == ""  # the source is a draft now


def test_json_has_licence_and_the_same_records(client: Client, registry: dict[str, Any]) -> None:
    response = client.get(f"{API}/open-data/innovations.json")
    assert response["Content-Type"] == "application/json"
    assert exports.LICENCE_URL in response["Link"]
    data = json.loads(content(response))
    assert data["licence"] == "CC BY 4.0"
    assert data["licence_url"] == exports.LICENCE_URL
    assert "Innoverkko" in data["attribution"]
    assert datetime.datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00"))
    records = {r["id"]: r for r in data["innovations"]}
    assert set(records) == {registry["published"].pk, registry["adopted"].pk, registry["hidden_child"].pk}
    record = records[registry["published"].pk]
    assert set(record) == set(exports.COLUMNS)
    assert record["types"] == ["service"]
    assert record["themes"] == ["wellbeing"]
    assert records[registry["adopted"].pk]["source_innovation_id"] == registry["published"].pk
    assert "contact" not in json.dumps(data)
    assert "aino.virtanen" not in json.dumps(data)


def test_empty_registry_gives_valid_files(client: Client) -> None:
    assert json.loads(content(client.get(f"{API}/open-data/innovations.json")))["innovations"] == []
    lines = content(client.get(f"{API}/open-data/innovations.csv")).splitlines()
    assert lines == [",".join(exports.COLUMNS)]
    assert json.loads(content(client.get(f"{API}/open-data/experiments.json")))["experiments"] == []
    lines = content(client.get(f"{API}/open-data/experiments.csv")).splitlines()
    assert lines == [",".join(exports.EXPERIMENT_COLUMNS)]


def test_csv_quotes_awkward_text(client: Client, org_a: Organisation, platform_admin: User) -> None:
    make_innovation(org_a, platform_admin, title='Pilkku, "lainaus" ja\nrivinvaihto')
    rows = list(csv.DictReader(io.StringIO(content(client.get(f"{API}/open-data/innovations.csv")))))
    assert rows[0]["title_fi"] == 'Pilkku, "lainaus" ja\nrivinvaihto'


def test_export_queries_do_not_grow_with_rows(
    client: Client,
    org_a: Organisation,
    org_b: Organisation,
    platform_admin: User,
    theme: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """Rows come in chunks with their owners, types and themes prefetched: a constant number of queries."""
    for n in range(30):
        make_innovation(org_a if n % 2 else org_b, platform_admin, title=f"Rivi {n}", themes=[theme])
    for n in range(3):
        innovation_services.partnership_add(
            actor=platform_admin, innovation=make_innovation(org_a, platform_admin, title=f"P{n}"), organisation=org_b
        )
    with django_assert_max_num_queries(7):
        rows = list(exports.innovation_records(page_url=lambda pk: None))
    assert len(rows) == 33
