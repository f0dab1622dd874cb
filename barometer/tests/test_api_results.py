"""The barometer API's results: figures as the analysis computes them, weighting, breakdowns, comparisons,
filters, and disclosure control for everyone but the round's team.

    published   a published round of org_a's on small_version: 17 organisations answered (one of them twice)
                introduced: yes 8, no 6, don't know 3     types (asked of the 8): service 6, process 5
                enablers: technology large 10, some 4, don't know 3; competence answered by 4 only
                staff: 10 numbers                          comments: 2 texts
    earlier     a published round of 2020 on the same questionnaire, to compare with (introduced: yes 4 of 14)
"""

import datetime
from typing import Any

import pytest
from django.test import Client

from barometer.models import QuestionnaireVersion, Round
from barometer.results import analysis
from barometer.tests.conftest import ROLES
from barometer.vocabulary import RoundStatus, Unit, VersionStatus
from organisations.models import Organisation, OrganisationKind
from tests.factories import RoundFactory

API = "/api/v1/barometer"
TEAM = {"editor_a", "admin_a", "platform_admin"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities(db: None) -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, region__code="01").order_by("name")[:17]
    )


@pytest.fixture
def version(small_version: QuestionnaireVersion) -> QuestionnaireVersion:
    QuestionnaireVersion.objects.filter(pk=small_version.pk).update(status=VersionStatus.FROZEN)
    small_version.refresh_from_db()
    return small_version


def _introduced(i: int) -> str:
    return "yes" if i < 8 else "no" if i < 14 else "dont_know"


@pytest.fixture
def published(version: QuestionnaireVersion, org_a: Organisation, municipalities: list[Organisation]) -> Round:
    responses: list[dict[str, Any]] = []
    for i, organisation in enumerate(municipalities):
        values: dict[str, Any] = {"kind": "municipality", "introduced": _introduced(i)}
        if i < 8:
            values["types"] = ["service", "process"] if i < 3 else ["service"] if i < 6 else ["process"]
        enablers = {"technology": "large" if i < 10 else "some" if i < 14 else "dont_know"}
        if i < 4:
            enablers["competence"] = "some"
        values["enablers"] = enablers
        if i < 10:
            values["staff"] = 10 * (i + 1)
        if i < 2:
            values["comments"] = f"Kommentti {i}"
        responses.append({"organisation": organisation, "answers": values})
    # An earlier answer of the first organisation: its latest one stands for it (unit = organisation) …
    earlier_answer = {"kind": "municipality", "introduced": "no"}
    when = datetime.datetime(2022, 3, 2, 12, tzinfo=datetime.UTC)
    responses.append({"organisation": municipalities[0], "answers": earlier_answer, "submitted_at": when})
    # … and an answer in progress does not count.
    responses.append({"organisation": municipalities[1], "answers": {"introduced": "no"}, "submit": False})
    return RoundFactory.create(
        questionnaire_version=version,
        organiser=org_a,
        slug="published",
        year=2022,
        spring=True,
        status=RoundStatus.PUBLISHED,
        frame=municipalities,
        responses=responses,
    )


@pytest.fixture
def earlier(version: QuestionnaireVersion, org_a: Organisation, municipalities: list[Organisation]) -> Round:
    frame = municipalities[:14]
    responses = [
        {"organisation": org, "answers": {"kind": "municipality", "introduced": "yes" if i < 4 else "no"}}
        for i, org in enumerate(frame)
    ]
    return RoundFactory.create(
        questionnaire_version=version,
        organiser=org_a,
        slug="earlier",
        year=2020,
        spring=True,
        status=RoundStatus.PUBLISHED,
        frame=frame,
        responses=responses,
    )


def get(client: Client, path: str, status: int = 200, language: str = "en") -> Any:
    response = client.get(API + path, headers={"accept-language": language})
    assert response.status_code == status, response.content
    return response.json()


def rows(block: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in block["rows"]}


# --- the figures ------------------------------------------------------------------------------------------------


def test_a_question_as_the_analysis_computes_it(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/results/introduced")
    assert body["round"] == {"slug": "published", "name": "Round 2022", "year": 2022}
    assert (body["weighted"], body["disclosure_control"], body["suppression_threshold"]) == (False, True, 5)
    question = body["question"]
    assert (question["asked_n"], question["answered_n"], question["n"]) == (17, 17, 14)
    assert question["multiple"] is False
    assert question["breakdown"] is None
    [block] = question["blocks"]
    found = rows(block)
    # The latest submitted answer of the organisation that answered twice counts: "yes", not "no".
    assert (found["yes"]["count"], found["no"]["count"], found["dont_know"]["count"]) == (8, 6, 3)
    assert found["yes"]["percent"] == pytest.approx(100 * 8 / 14)
    assert found["dont_know"]["percent"] is None
    assert found["dont_know"]["excluded"] is True
    assert found["yes"]["ci_low"] < found["yes"]["percent"] < found["yes"]["ci_high"]
    # The same numbers as the analysis module gives the pages.
    data = analysis.round_data(published)
    expected = analysis.question_result(data, data.questions["introduced"], analysis.Options())
    assert [(r["code"], r["count"], r["percent"], r["ci_low"], r["ci_high"]) for r in block["rows"]] == [
        (r.code, r.count, r.percent, r.ci_low, r.ci_high) for r in expected.blocks[0].rows
    ]


def test_multiple_choice_routing_scale_and_number(client: Client, published: Round) -> None:
    types = get(client, "/rounds/published/results/types")["question"]
    assert types["multiple"] is True
    assert types["asked_n"] == 8  # only those who introduced an innovation
    assert "introduced" in types["asked"]
    found = rows(types["blocks"][0])
    assert (found["service"]["percent"], found["process"]["percent"]) == (pytest.approx(75), pytest.approx(62.5))
    enablers = get(client, "/rounds/published/results/enablers")["question"]
    technology, competence = enablers["blocks"]
    assert (technology["code"], technology["n"]) == ("technology", 14)
    assert rows(technology)["large"]["percent"] == pytest.approx(100 * 10 / 14)
    # Four answers are too few to publish: the whole item is suppressed, counts and all.
    assert (competence["n"], competence["suppressed"]) == (None, True)  # not even its N
    assert all(row["count"] is None and row["percent"] is None for row in competence["rows"])
    staff = get(client, "/rounds/published/results/staff")["question"]
    assert staff["number"]["n"] == 10
    assert staff["number"]["mean"] == pytest.approx(55)
    # One organisation's own answer (the smallest, the largest) is not published.
    assert (staff["number"]["minimum"], staff["number"]["maximum"]) == (None, None)


def test_the_whole_round_by_section(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/results")
    assert [s["code"] for s in body["sections"]] == ["background", "latest", "other"]
    codes = [q["code"] for s in body["sections"] for q in s["questions"]]
    assert codes == ["kind", "introduced", "types", "enablers", "staff", "comments"]
    comments = body["sections"][2]["questions"][2]
    assert comments["texts"] is None  # free texts are one organisation's own words


def test_labels_follow_accept_language(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/results/introduced", language="sv")
    assert body["round"]["name"] == "Omgång 2022"
    body = get(client, "/rounds/published/variables", language="en")
    assert body["items"][0]["label"] == "Organisation kind"


# --- disclosure control and who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_team_sees_everything_the_public_sees_the_protected_view(
    role: str, clients: dict[str, Client], published: Round
) -> None:
    client = clients[role]
    team = role in TEAM
    body = get(client, "/rounds/published/results/enablers")
    assert body["disclosure_control"] is not team
    competence = body["question"]["blocks"][1]
    assert competence["suppressed"] is not team
    assert (rows(competence)["some"]["count"] == 4) is team
    comments = get(client, "/rounds/published/results/comments")["question"]
    assert comments["texts"] == (["Kommentti 0", "Kommentti 1"] if team else None)
    staff = get(client, "/rounds/published/results/staff")["question"]["number"]
    assert (staff["minimum"], staff["maximum"]) == ((10, 100) if team else (None, None))
    # The team can look at what the public sees.
    preview = get(client, "/rounds/published/results/enablers?public=true")
    assert preview["disclosure_control"] is True
    assert preview["question"]["blocks"][1]["suppressed"] is True


@pytest.mark.parametrize("role", ROLES)
def test_results_of_a_running_round_are_the_teams(role: str, clients: dict[str, Client], round_open: Round) -> None:
    status = 200 if role in TEAM else 404
    for path in ("/results", "/results/introduced", "/variables"):
        get(clients[role], f"/rounds/test-round{path}", status=status)


def test_public_answers_show_texts_and_numbers_but_still_suppress_small_cells(client: Client, published: Round) -> None:
    Round.objects.filter(pk=published.pk).update(answers_public=True)
    assert get(client, "/rounds/published/results/comments")["question"]["texts"] == ["Kommentti 0", "Kommentti 1"]
    staff = get(client, "/rounds/published/results/staff")["question"]["number"]
    assert (staff["minimum"], staff["maximum"]) == (10, 100)
    assert get(client, "/rounds/published/results/enablers")["question"]["blocks"][1]["suppressed"] is True


def test_a_breakdown_hides_small_groups_and_the_one_that_would_give_them_away(
    client: Client, clients: dict[str, Client], published: Round
) -> None:
    body = get(client, "/rounds/published/results/staff?breakdown=q:introduced")
    assert body["breakdown"] == "q:introduced"
    groups = {g["code"]: g["result"] for g in body["question"]["breakdown"]["groups"]}
    # "no" and "don't know" have fewer than 5 respondents: they are combined into one group.
    assert set(groups) == {"yes", "no+dont_know"}
    combined = next(g for g in body["question"]["breakdown"]["groups"] if g["code"] == "no+dont_know")
    assert combined["members"] == ["no", "dont_know"]
    # staff answered: yes 8, the others 2 (10 in all): the group of 2 is hidden, and so is the next smallest, since
    # the whole minus the shown groups would reveal it; hidden figures show no N.
    assert groups["yes"]["number"]["suppressed"] is True
    assert groups["no+dont_know"]["number"]["suppressed"] is True
    assert groups["no+dont_know"]["number"]["n"] is None
    assert groups["yes"]["asked_n"] is None
    team = get(clients["editor_a"], "/rounds/published/results/staff?breakdown=q:introduced")
    team_groups = {g["code"]: g["result"] for g in team["question"]["breakdown"]["groups"]}
    assert team_groups["yes"]["number"]["mean"] == pytest.approx(45)


def test_a_breakdown_by_a_stratum(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/results/introduced?breakdown=kind")
    [group] = body["question"]["breakdown"]["groups"]
    assert (group["code"], group["label"]) == ("municipality", "Municipality")
    assert group["result"]["n"] == 14


@pytest.mark.parametrize(("role", "status"), [("anonymous", 422), ("editor_b", 422), ("editor_a", 200)])
def test_filters_are_for_the_team_unless_answers_are_public(
    role: str, status: int, clients: dict[str, Client], published: Round
) -> None:
    response = clients[role].get(f"{API}/rounds/published/results/types?filter=q:introduced=yes")
    assert response.status_code == status
    if status == 422:
        assert "filter" in response.json()["error"]["fields"]
    else:
        body = response.json()
        assert body["filters"] == ["q:introduced=yes"]
        assert body["question"]["asked_n"] == 8
    Round.objects.filter(pk=published.pk).update(answers_public=True)
    response = clients[role].get(f"{API}/rounds/published/results/introduced?filter=q:introduced=no")
    assert response.status_code == 200
    assert rows(response.json()["question"]["blocks"][0])["no"]["count"] == 6


# --- weighting and comparison -----------------------------------------------------------------------------------


def test_weighted_results(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/results/introduced?weighted=true")
    assert body["weighted"] is True
    block = body["question"]["blocks"][0]
    data = analysis.round_data(published)
    expected = analysis.question_result(data, data.questions["introduced"], analysis.Options(weighted=True))
    assert [r["percent"] for r in block["rows"]] == [r.percent for r in expected.blocks[0].rows]
    assert block["n_eff"] == pytest.approx(expected.blocks[0].n_eff)
    assert block["n_eff"] is not None
    # Which weighting and which intervals, for the whole answer and for each figure.
    assert "post-stratification" in body["weighting"]
    assert "Korn–Graubard" in body["intervals"]
    assert body["question"]["weighting"] == body["weighting"]
    for row in block["rows"]:
        if row["percent"] in (0, 100):
            assert row["ci_method"] == "korn-graubard"
            assert row["ci_low"] < row["ci_high"]  # never the point [0, 0] or [100, 100]
        elif row["percent"] is not None:
            assert row["ci_method"] == "logit"
    unweighted = get(client, "/rounds/published/results/introduced")
    assert "Wilson" in unweighted["intervals"]
    assert {r["ci_method"] for r in unweighted["question"]["blocks"][0]["rows"] if r["percent"] is not None} == {
        "wilson"
    }


def test_weighting_a_round_of_respondents_is_refused_with_the_reason(client: Client, published: Round) -> None:
    Round.objects.filter(pk=published.pk).update(unit=Unit.RESPONDENT)
    response = client.get(f"{API}/rounds/published/results?weighted=true", headers={"accept-language": "en"})
    assert response.status_code == 422
    [message] = response.json()["error"]["fields"]["weighted"]
    assert "unit of analysis" in message


def test_comparison_with_an_earlier_round(client: Client, published: Round, earlier: Round) -> None:
    body = get(client, "/rounds/published/results/introduced?compare=earlier")
    assert body["compared_with"] == {"slug": "earlier", "name": "Round 2020", "year": 2020}
    question = body["question"]
    assert question["compared_with"] == "Round 2020"
    block = question["blocks"][0]
    assert block["previous_n"] == 14
    yes = rows(block)["yes"]
    assert yes["previous"] == pytest.approx(100 * 4 / 14)
    assert yes["change"] == pytest.approx(100 * 8 / 14 - 100 * 4 / 14)
    assert isinstance(yes["significant"], bool)
    # A question the earlier round has no answers to is still compared by code, with nothing to compare.
    types = get(client, "/rounds/published/results/types?compare=earlier")["question"]
    assert rows(types["blocks"][0])["service"]["change"] is None


def test_comparison_and_breakdown_together(client: Client, published: Round, earlier: Round) -> None:
    body = get(client, "/rounds/published/results/introduced?compare=earlier&breakdown=kind")
    [group] = body["question"]["breakdown"]["groups"]
    assert group["result"]["compared_with"] == "Round 2020"
    assert rows(group["result"]["blocks"][0])["yes"]["previous"] == pytest.approx(100 * 4 / 14)


def test_the_whole_round_compared(client: Client, published: Round, earlier: Round) -> None:
    body = get(client, "/rounds/published/results?compare=earlier&weighted=true")
    introduced = body["sections"][0]["questions"][1]
    assert introduced["compared_with"] == "Round 2020"


def test_an_unpublished_round_of_another_organisation_is_not_compared_with(
    clients: dict[str, Client], published: Round, version: QuestionnaireVersion, org_b: Organisation
) -> None:
    RoundFactory.create(
        questionnaire_version=version,
        organiser=org_b,
        slug="theirs",
        year=2020,
        spring=True,
        status=RoundStatus.CLOSED,
        frame=[org_b],
    )
    response = clients["editor_a"].get(f"{API}/rounds/published/results?compare=theirs")
    assert response.status_code == 422
    assert "compare" in response.json()["error"]["fields"]


# --- bad requests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("breakdown=q:nothing", "breakdown"),
        ("breakdown=colour", "breakdown"),
        ("compare=nothing", "compare"),
        ("compare=published", "compare"),
        ("filter=kind", "filter"),
        ("filter=q:nothing=yes", "filter"),
        ("weighted=perhaps", "weighted"),
    ],
)
def test_bad_parameters_name_the_parameter(
    clients: dict[str, Client], published: Round, query: str, field: str
) -> None:
    response = clients["editor_a"].get(f"{API}/rounds/published/results?{query}", headers={"accept-language": "fi"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    # A list parameter's item is named with its position, as elsewhere in the API ("query.filter.0").
    assert any(key == field or key.endswith(f".{field}.0") for key in error["fields"]), error["fields"]


def test_filter_on_a_group_that_does_not_exist(clients: dict[str, Client], published: Round) -> None:
    response = clients["editor_a"].get(
        f"{API}/rounds/published/results?filter=kind=company", headers={"accept-language": "en"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["filter"] == ["“kind” has no group “company”."]


def test_unknown_question_and_round_are_404(client: Client, published: Round) -> None:
    assert client.get(f"{API}/rounds/published/results/nothing").status_code == 404
    assert client.get(f"{API}/rounds/nothing/results").status_code == 404
    assert client.get(f"{API}/rounds/nothing/variables").status_code == 404


def test_variables(client: Client, published: Round) -> None:
    body = get(client, "/rounds/published/variables")
    codes = [item["code"] for item in body["items"]]
    assert codes[:3] == ["kind", "size_class", "region"]
    assert {"q:kind", "q:introduced"} <= set(codes)
    introduced = next(item for item in body["items"] if item["code"] == "q:introduced")
    assert [g["code"] for g in introduced["groups"]] == ["yes", "no", "dont_know", ""]
