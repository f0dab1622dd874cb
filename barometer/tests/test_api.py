"""The barometer API: questionnaires and rounds, what each role sees, and what the answers contain.

frozen_version   small_version in use (frozen), with a definition and three languages on a question
draft_version    version 2 of the same questionnaire, still a draft (the team's work in progress)
published_round  a round on the frozen version with published results: org_a and org_b answered, a third
                 organisation is in the frame but did not
round_open       (conftest) an open round of org_a's: the team's only
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from barometer.models import (
    Definition,
    FrameUnit,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Round,
    Section,
)
from barometer.tests.conftest import ROLES
from barometer.vocabulary import ResponseStatus, RoundStatus, VersionStatus
from organisations.models import Organisation, OrganisationKind
from tests.pages import token_client

API = "/api/v1/barometer"

pytestmark = pytest.mark.django_db


def frame_unit(round_: Round, org: Organisation) -> FrameUnit:
    return FrameUnit.objects.create(
        round=round_,
        organisation=org,
        kind=org.kind,
        size_class=org.size_class,
        region_code=org.region.code if org.region else "",
    )


def submit(round_: Round, unit: FrameUnit, **fields: Any) -> Response:
    return Response.objects.create(
        round=round_,
        frame_unit=unit,
        status=ResponseStatus.SUBMITTED,
        submitted_at=datetime.datetime.now(datetime.UTC),
        **fields,
    )


@pytest.fixture
def frozen_version(small_version: QuestionnaireVersion) -> QuestionnaireVersion:
    QuestionnaireVersion.objects.filter(pk=small_version.pk).update(
        status=VersionStatus.FROZEN, reference_period_fi="kaksi viime vuotta", reference_period_en="the last two years"
    )
    definition = Definition.objects.create(
        version=small_version,
        term_fi="innovaatio",
        term_en="innovation",
        text_fi="Käyttöön otettu uusi tai olennaisesti parannettu palvelu.",
        text_en="A new or much improved service taken into use.",
    )
    introduced = small_version.questions.get(code="introduced")
    Question.objects.filter(pk=introduced.pk).update(
        text_en="Did you introduce innovations?", text_sv="Införde ni innovationer?"
    )
    introduced.definitions.add(definition)
    small_version.refresh_from_db()
    return small_version


@pytest.fixture
def draft_version(frozen_version: QuestionnaireVersion) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.create(questionnaire=frozen_version.questionnaire, number=2)
    Section.objects.create(version=version, order=0, code="only", title_fi="Ainoa")
    return version


@pytest.fixture
def third_org(db: None) -> Organisation:
    return Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, municipality_code__isnull=False).first()  # type: ignore[return-value]


@pytest.fixture
def published_round(
    frozen_version: QuestionnaireVersion, org_a: Organisation, org_b: Organisation, third_org: Organisation
) -> Round:
    round_ = Round.objects.create(
        slug="published-round",
        name_fi="Julkaistu kierros",
        name_sv="Publicerad omgång",
        name_en="Published round",
        questionnaire_version=frozen_version,
        organiser=org_a,
        year=2022,
        reference_period_start=datetime.date(2020, 1, 1),
        reference_period_end=datetime.date(2021, 12, 31),
        opens_on=datetime.date(2022, 3, 1),
        closes_on=datetime.date(2022, 4, 30),
        status=RoundStatus.PUBLISHED,
        is_synthetic=True,
    )
    unit_a, unit_b = frame_unit(round_, org_a), frame_unit(round_, org_b)
    frame_unit(round_, third_org)
    submit(round_, unit_a)
    submit(round_, unit_a, external_id="second-respondent")  # two respondents of one organisation
    submit(round_, unit_b)
    Response.objects.create(round=round_, frame_unit=unit_b, status=ResponseStatus.IN_PROGRESS)
    return round_


# --- who sees what ----------------------------------------------------------------------------------------------

TEAM = {"editor_a", "admin_a", "platform_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_questionnaire_versions_in_use_are_public_and_drafts_are_the_teams(
    role: str, clients: dict[str, Client], draft_version: QuestionnaireVersion
) -> None:
    client = clients[role]
    assert client.get(f"{API}/questionnaires/small/versions/1").status_code == 200
    draft = client.get(f"{API}/questionnaires/small/versions/2")
    assert draft.status_code == (200 if role in TEAM else 404)
    listed = client.get(f"{API}/questionnaires").json()
    assert listed["count"] == 1
    numbers = [v["number"] for v in listed["items"][0]["versions"]]
    assert numbers == ([2, 1] if role in TEAM else [1])
    read = client.get(f"{API}/questionnaires/small").json()
    assert [v["number"] for v in read["versions"]] == numbers


@pytest.mark.parametrize("role", ROLES)
def test_a_questionnaire_with_drafts_only_is_not_revealed(
    role: str, clients: dict[str, Client], small_version: QuestionnaireVersion
) -> None:
    assert clients[role].get(f"{API}/questionnaires/small").status_code == (200 if role in TEAM else 404)
    assert clients[role].get(f"{API}/questionnaires").json()["count"] == (1 if role in TEAM else 0)


@pytest.mark.parametrize("role", ROLES)
def test_rounds_published_for_everyone_others_for_the_team(
    role: str, clients: dict[str, Client], published_round: Round, round_open: Round
) -> None:
    client = clients[role]
    slugs = {item["slug"] for item in client.get(f"{API}/rounds").json()["items"]}
    assert slugs == ({"published-round", "test-round"} if role in TEAM else {"published-round"})
    assert client.get(f"{API}/rounds/published-round").status_code == 200
    assert client.get(f"{API}/rounds/test-round").status_code == (200 if role in TEAM else 404)


@pytest.mark.parametrize("role", ["editor_a", "editor_b", "platform_admin"])
def test_the_same_rules_hold_with_a_token(
    role: str, request: pytest.FixtureRequest, published_round: Round, round_open: Round
) -> None:
    client = token_client(request.getfixturevalue(role))
    assert client.get(f"{API}/rounds/test-round").status_code == (200 if role in TEAM else 404)


# --- contents ---------------------------------------------------------------------------------------------------


def test_a_version_in_full(client: Client, frozen_version: QuestionnaireVersion) -> None:
    body = client.get(f"{API}/questionnaires/small/versions/1", headers={"accept-language": "en"}).json()
    assert body["questionnaire"] == {"code": "small", "name": "Small"}
    assert body["status"] == "frozen"
    assert body["reference_period"] == "the last two years"
    assert [s["code"] for s in body["sections"]] == ["background", "latest", "other"]
    [definition] = body["definitions"]
    assert definition["term"] == "innovation"
    background, latest, other = body["sections"]
    assert background["show_if"] is None
    assert latest["show_if"] == {"question": "introduced", "any_of": ["yes"]}
    kind, introduced = background["questions"]
    # The test questionnaire's "kind" is no background variable (conftest: a new response starts empty).
    assert (kind["code"], kind["background"], kind["required"]) == ("kind", "", True)
    assert introduced["text"] == "Did you introduce innovations?"
    assert introduced["definitions"] == [definition["id"]]
    assert [(c["code"], c["excluded_from_percent"]) for c in introduced["choices"]] == [
        ("yes", False),
        ("no", False),
        ("dont_know", True),
    ]
    enablers, staff, comments = other["questions"]
    assert enablers["kind"] == "scale"
    assert [i["code"] for i in enablers["items"]] == ["technology", "competence"]
    assert len(enablers["choices"]) == 5
    assert (staff["kind"], float(staff["min_value"]), float(staff["max_value"])) == ("number", 0, 100000)
    assert (comments["kind"], comments["choices"], comments["items"]) == ("text", [], [])


@pytest.mark.parametrize(("language", "text"), [("fi", "introduced"), ("sv", "Införde ni innovationer?")])
def test_texts_follow_accept_language(
    client: Client, frozen_version: QuestionnaireVersion, language: str, text: str
) -> None:
    body = client.get(f"{API}/questionnaires/small/versions/1", headers={"accept-language": language}).json()
    assert body["sections"][0]["questions"][1]["text"] == text


def test_question_routing_is_shown(client: Client, frozen_version: QuestionnaireVersion) -> None:
    Question.objects.filter(version=frozen_version, code="staff").update(
        show_if={"question": "introduced", "any_of": ["yes", "no"]}
    )
    body = client.get(f"{API}/questionnaires/small/versions/1").json()
    staff = body["sections"][2]["questions"][1]
    assert staff["show_if"] == {"question": "introduced", "any_of": ["yes", "no"]}


def test_a_round_in_detail(client: Client, published_round: Round) -> None:
    body = client.get(f"{API}/rounds/published-round", headers={"accept-language": "en"}).json()
    assert body["name"] == "Published round"
    assert body["name_sv"] == "Publicerad omgång"
    assert body["questionnaire"] == {"code": "small", "name": "Small", "number": 1}
    assert body["organiser"]["slug"] == published_round.organiser.slug
    assert (body["status"], body["unit"], body["is_synthetic"], body["answers_public"]) == (
        "published",
        "organisation",
        True,
        False,
    )
    assert (body["opens_on"], body["closes_on"]) == ("2022-03-01", "2022-04-30")
    assert (body["reference_period_start"], body["reference_period_end"]) == ("2020-01-01", "2021-12-31")
    # Three organisations in the frame; two answered (one of them twice); an unfinished answer does not count.
    assert body["frame_size"] == 3
    assert body["submitted_responses"] == 3
    assert body["responding_organisations"] == 2
    assert body["response_rate"] == pytest.approx(0.6667)
    assert body["previous_round"] is None
    # Where people read the results: the report page and its files, in the request's language.
    assert body["url"] == "http://testserver/en/barometer/results/published-round/"
    assert body["downloads"] == {
        "pdf": "http://testserver/en/barometer/results/published-round/report.pdf",
        "xlsx": "http://testserver/en/barometer/results/published-round/report.xlsx",
        "csv": "http://testserver/en/barometer/results/published-round/results.csv",
    }


def test_previous_round_is_named_and_an_empty_frame_has_no_rate(
    client: Client, published_round: Round, frozen_version: QuestionnaireVersion, org_a: Organisation
) -> None:
    later = Round.objects.create(
        slug="later",
        name_fi="Myöhempi",
        questionnaire_version=frozen_version,
        organiser=org_a,
        year=2024,
        reference_period_start=datetime.date(2022, 1, 1),
        reference_period_end=datetime.date(2023, 12, 31),
        opens_on=datetime.date(2024, 3, 1),
        closes_on=datetime.date(2024, 4, 30),
        status=RoundStatus.PUBLISHED,
        previous_round=published_round,
    )
    body = client.get(f"{API}/rounds/{later.slug}").json()
    assert body["previous_round"] == {"slug": "published-round", "name": "Julkaistu kierros", "year": 2022}
    assert (body["frame_size"], body["response_rate"]) == (0, None)
    # Newest first.
    assert [item["slug"] for item in client.get(f"{API}/rounds").json()["items"]] == ["later", "published-round"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2022", {"published-round"}),
        ("year=2021", set()),
        ("sector=municipal", {"published-round", "test-round"}),
        ("sector=state", set()),
        ("status=open", {"test-round"}),
        ("questionnaire=small", {"published-round", "test-round"}),
        ("questionnaire=other", set()),
        ("synthetic=true", {"published-round"}),
        ("synthetic=false", {"test-round"}),
    ],
)
def test_round_filters(
    clients: dict[str, Client], published_round: Round, round_open: Round, query: str, expected: set[str]
) -> None:
    body = clients["editor_a"].get(f"{API}/rounds?{query}").json()
    assert {item["slug"] for item in body["items"]} == expected


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/rounds?year=0", "year"),
        ("/rounds?sector=space", "sector"),
        ("/rounds?questionnaire=a%20b", "questionnaire"),
        ("/rounds?limit=101", "limit"),
        ("/questionnaires/small/versions/0", "number"),
    ],
)
def test_bad_parameters_are_named(client: Client, path: str, field: str) -> None:
    response = client.get(API + path, headers={"accept-language": "en"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_unknown_records_are_404_in_the_users_language(client: Client) -> None:
    response = client.get(f"{API}/rounds/nothing-here", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/questionnaires/nothing").status_code == 404
    assert client.get(f"{API}/questionnaires/nothing/versions/1").status_code == 404


# --- queries ----------------------------------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_lists_make_the_same_number_of_queries_for_more_rows(
    client: Client, published_round: Round, frozen_version: QuestionnaireVersion, org_a: Organisation
) -> None:
    rounds_before = _queries(client, f"{API}/rounds")
    questionnaires_before = _queries(client, f"{API}/questionnaires")
    for i in range(5):
        other = Questionnaire.objects.create(code=f"q{i}", name_fi=f"Kysely {i}", organiser=org_a)
        version = QuestionnaireVersion.objects.create(questionnaire=other, number=1, status=VersionStatus.FROZEN)
        Round.objects.create(
            slug=f"round-{i}",
            name_fi=f"Kierros {i}",
            questionnaire_version=version,
            organiser=org_a,
            year=2010 + i,
            reference_period_start=datetime.date(2010, 1, 1),
            reference_period_end=datetime.date(2010, 12, 31),
            opens_on=datetime.date(2011, 1, 1),
            closes_on=datetime.date(2011, 2, 1),
            status=RoundStatus.PUBLISHED,
            previous_round=published_round,
        )
    assert _queries(client, f"{API}/rounds") == rounds_before
    assert _queries(client, f"{API}/questionnaires") == questionnaires_before


def test_a_version_is_read_in_a_fixed_number_of_queries(
    client: Client, frozen_version: QuestionnaireVersion, make_question: Callable[[int], None]
) -> None:
    before = _queries(client, f"{API}/questionnaires/small/versions/1")
    make_question(10)
    assert _queries(client, f"{API}/questionnaires/small/versions/1") == before


@pytest.fixture
def make_question(frozen_version: QuestionnaireVersion) -> Callable[[int], None]:
    from barometer.models import Choice, Item

    section = frozen_version.sections.get(code="other")

    def make(n: int) -> None:
        for i in range(n):
            question = Question.objects.create(
                section=section, version=frozen_version, order=10 + i, code=f"extra{i}", kind="grid", text_fi="?"
            )
            Choice.objects.create(question=question, order=0, code="yes", label_fi="Kyllä")
            Item.objects.create(question=question, order=0, code="row", label_fi="Rivi")
            question.definitions.add(*frozen_version.definitions.all())

    return make


# --- export -----------------------------------------------------------------------------------------------------


def test_a_version_exports_as_the_questionnaire_file(client: Client, org_a: Organisation, platform_admin: Any) -> None:
    from barometer.questionnaires import file as questionnaire_file
    from barometer.questionnaires.services import questionnaire_import, questionnaire_version_freeze
    from demo.barometer import QUESTIONNAIRE_FILE

    data = questionnaire_file.loads(QUESTIONNAIRE_FILE.read_bytes())
    version = questionnaire_import(actor=platform_admin, organiser=org_a, data=data).version
    questionnaire_version_freeze(version, actor=platform_admin)
    response = client.get(f"{API}/questionnaires/municipal-barometer/versions/1/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="municipal-barometer-v1.json"'
    exported = questionnaire_file.loads(response.content)
    # What was imported comes back, every language included: the file can be imported elsewhere as it is.
    assert exported == questionnaire_file.normalise(data)
    assert not questionnaire_file.validate(exported)


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_exports_for_its_team_only(
    role: str, clients: dict[str, Client], draft_version: QuestionnaireVersion
) -> None:
    response = clients[role].get(f"{API}/questionnaires/small/versions/2/export")
    assert response.status_code == (200 if role in TEAM else 404)
    assert clients[role].get(f"{API}/questionnaires/small/versions/1/export").status_code == 200
