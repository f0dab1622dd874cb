"""Linking an existing record to its source afterwards ("we adapted this from …"): the adopter's editor proposes,
the source's owner confirms or declines, and only a confirmed proposal becomes a lineage edge — in one
transaction, refusing cycles and duplicates. Every role × action, in the services, the pages and the API."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from audit.models import Action, ChangeRecord
from innovations import selectors, services
from innovations.models import Adoption, Innovation, LineageProposal, ProposalState
from innovations.vocabulary import Novelty, Status
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _english() -> Any:
    # The refusals are checked by their words.
    with translation.override("en"):
        yield


@pytest.fixture
def world(
    org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any, platform_admin: Any
) -> dict[str, Any]:
    """org_a owns the source; org_b recorded the same thing on its own and now wants to name its source. org_c is
    an outsider with an editor of its own."""
    org_c = OrganisationFactory.create()
    return {
        "source": InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED),
        "result": InnovationFactory.create(owner=org_b, actor=editor_b, status=Status.PUBLISHED),
        "editor_a": editor_a,
        "admin_a": MembershipFactory(organisation=org_a, role=Role.ADMIN).user,
        "member_a": MembershipFactory(organisation=org_a, role=Role.STAFF).user,
        "editor_b": editor_b,
        "editor_c": MembershipFactory(organisation=org_c, role=Role.EDITOR).user,
        "registered": UserFactory(),
        "platform_admin": platform_admin,
        "org_c": org_c,
    }


def propose(world: dict[str, Any], **extra: Any) -> LineageProposal:
    return services.lineage_propose(
        actor=world["editor_b"], result=world["result"], source=world["source"], mode=Novelty.ADAPTED, **extra
    )


def test_attacker_cannot_make_a_lineage_edge_without_the_sources_confirmation(
    world: dict[str, Any], client: Client
) -> None:
    """editor_b wants their record to look like it descends from org_a's well-known innovation (or to attach
    their record to it without asking). Proposing, and every way of answering their own proposal, must leave no
    edge: only org_a's editors may confirm."""
    proposal = propose(world)
    assert not Adoption.objects.exists()
    assert selectors.innovation_lineage(user=AnonymousUser(), innovation=world["source"])[0].depth == 0
    with pytest.raises(PermissionDenied):
        services.lineage_confirm(actor=world["editor_b"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.lineage_confirm(actor=world["editor_c"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.lineage_confirm(actor=world["member_a"], proposal=proposal)  # staff of the owner, not an editor
    # The page and the API refuse the same attacker.
    client.force_login(world["editor_b"])
    client.post(reverse("innovations:proposal_confirm", kwargs={"proposal_pk": proposal.pk}))
    assert client.post(f"{API}/adoptions/proposals/{proposal.pk}/confirm").status_code == 403
    # Nor can the old adopt endpoint be used to hang a record under the source: it makes a new record, never
    # links an existing one.
    assert not Adoption.objects.filter(result=world["result"]).exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING
    world["result"].refresh_from_db()
    assert world["result"].novelty == Novelty.NEW


def test_source_owner_confirms_and_the_edge_appears_once(world: dict[str, Any]) -> None:
    result_version = world["result"].version
    proposal = propose(world, adopted_on=datetime.date(2024, 5, 1), message="Otimme mallin Espoolta.")
    adoption = services.lineage_confirm(actor=world["editor_a"], proposal=proposal)
    assert (adoption.source, adoption.result, adoption.mode) == (world["source"], world["result"], "adapted")
    assert adoption.adopted_on == datetime.date(2024, 5, 1)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == (ProposalState.CONFIRMED, world["editor_a"])
    world["result"].refresh_from_db()
    # The result now says how it was adopted, and a form opened before the confirmation is refused.
    assert world["result"].novelty == Novelty.ADAPTED
    assert world["result"].version == result_version + 1
    nodes = selectors.innovation_lineage(user=AnonymousUser(), innovation=world["source"])
    assert [(n.innovation.pk, n.depth) for n in nodes] == [(world["source"].pk, 0), (world["result"].pk, 1)]
    # Both change logs tell.
    assert ChangeRecord.objects.filter(object_id=world["source"].pk, action=Action.ADOPT).exists()
    assert ChangeRecord.objects.filter(object_id=world["result"].pk, changes__has_key="adopted_from").exists()
    # Confirming twice is refused: the proposal was answered.
    with pytest.raises(ValidationError):
        services.lineage_confirm(actor=world["editor_a"], proposal=proposal)
    assert Adoption.objects.count() == 1


def test_admin_of_source_and_platform_admin_may_confirm(world: dict[str, Any]) -> None:
    services.lineage_confirm(actor=world["admin_a"], proposal=propose(world))
    other = InnovationFactory.create(owner=world["org_c"], actor=world["editor_c"], status=Status.PUBLISHED)
    proposal = services.lineage_propose(
        actor=world["editor_c"], result=other, source=world["source"], mode=Novelty.COPIED
    )
    services.lineage_confirm(actor=world["platform_admin"], proposal=proposal)
    assert Adoption.objects.count() == 2


def test_decline_and_withdraw_leave_no_edge(world: dict[str, Any]) -> None:
    proposal = propose(world)
    with pytest.raises(PermissionDenied):
        services.lineage_decline(actor=world["editor_b"], proposal=proposal)  # the proposer cannot decline
    with pytest.raises(PermissionDenied):
        services.lineage_withdraw(actor=world["editor_a"], proposal=proposal)  # nor the source withdraw
    services.lineage_decline(actor=world["editor_a"], proposal=proposal)
    assert LineageProposal.objects.get().state == ProposalState.DECLINED
    with pytest.raises(ValidationError):
        services.lineage_confirm(actor=world["editor_a"], proposal=proposal)  # a declined one stays declined
    second = propose(world)
    services.lineage_withdraw(actor=world["editor_b"], proposal=second)
    assert not Adoption.objects.exists()


@pytest.mark.parametrize("who", ["editor_a", "editor_c", "registered", "member_a"])
def test_only_the_records_editors_may_propose(world: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.lineage_propose(actor=world[who], result=world["result"], source=world["source"], mode=Novelty.ADAPTED)
    with pytest.raises(PermissionDenied):
        services.lineage_propose(
            actor=AnonymousUser(), result=world["result"], source=world["source"], mode=Novelty.ADAPTED
        )
    assert not LineageProposal.objects.exists()


def test_refuses_cycles(world: dict[str, Any]) -> None:
    # source (org_a) was itself adopted from result (org_b) through org_c: result → c_record → source.
    c_record = InnovationFactory.create(owner=world["org_c"], actor=world["editor_c"], status=Status.PUBLISHED)
    Adoption.objects.create(
        source=world["result"], result=c_record, mode="copied", adopted_on=datetime.date(2023, 1, 1)
    )
    Adoption.objects.create(
        source=c_record, result=world["source"], mode="copied", adopted_on=datetime.date(2023, 6, 1)
    )
    with pytest.raises(ValidationError, match="adopted"):
        propose(world)
    # Confirming re-checks: a cycle made after the proposal is refused at confirmation, and nothing is saved.
    Adoption.objects.filter(result=world["source"]).delete()
    proposal = propose(world)
    Adoption.objects.create(
        source=c_record, result=world["source"], mode="copied", adopted_on=datetime.date(2023, 6, 1)
    )
    with pytest.raises(ValidationError):
        services.lineage_confirm(actor=world["editor_a"], proposal=proposal)
    assert not Adoption.objects.filter(result=world["result"]).exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING


def test_refuses_duplicates_self_own_and_drafts(world: dict[str, Any], draft_a: Innovation) -> None:
    proposal = propose(world)
    with pytest.raises(ValidationError, match="waiting"):
        propose(world)  # one open proposal at a time
    services.lineage_confirm(actor=world["editor_a"], proposal=proposal)
    with pytest.raises(ValidationError, match="already"):
        propose(world)  # the record has its source now
    # org_b already adopted the source: a second org_b record cannot be linked to it too.
    second = InnovationFactory.create(owner=world["result"].owner, actor=world["editor_b"], status=Status.DRAFT)
    with pytest.raises(ValidationError):
        services.lineage_propose(actor=world["editor_b"], result=second, source=world["source"], mode="copied")
    own = InnovationFactory.create(owner=world["source"].owner, actor=world["editor_a"], status=Status.PUBLISHED)
    with pytest.raises(ValidationError, match="own"):
        services.lineage_propose(actor=world["editor_a"], result=own, source=world["source"], mode="copied")
    # Another organisation's draft is not even visible to the proposer.
    with pytest.raises(PermissionDenied):
        services.lineage_propose(actor=world["editor_b"], result=second, source=draft_a, mode="copied")
    with pytest.raises(ValidationError):
        services.lineage_propose(actor=world["editor_b"], result=world["result"], source=world["result"], mode="copied")


def test_source_going_back_to_draft_before_confirmation_is_refused(world: dict[str, Any]) -> None:
    proposal = propose(world)
    services.innovation_set_status(
        actor=world["editor_a"],
        innovation=world["source"],
        status=Status.DRAFT,
        expected_version=world["source"].version,
    )
    with pytest.raises(ValidationError):
        services.lineage_confirm(actor=world["editor_a"], proposal=proposal)
    assert not Adoption.objects.exists()


# --- pages ------------------------------------------------------------------------------------------------------


def test_pages_propose_and_confirm(world: dict[str, Any], client: Client) -> None:
    result_url = world["result"].get_absolute_url()
    client.force_login(world["editor_b"])
    page = client.get(result_url).content.decode()
    propose_url = reverse("innovations:propose_source", kwargs={"pk": world["result"].pk})
    assert propose_url in page
    assert client.get(propose_url).status_code == 200
    # An address of the source's page is understood as well as its number.
    response = client.post(
        propose_url,
        {
            "source": f"https://innoverkko.example/fi{world['source'].get_absolute_url()}",
            "mode": "copied",
            "message": "Kiitos!",
        },
    )
    assert response.status_code == 302
    proposal = LineageProposal.objects.get()
    assert (proposal.source, proposal.mode, proposal.message) == (world["source"], "copied", "Kiitos!")
    assert "Withdraw the proposal" in client.get(result_url).content.decode()

    # The source's editor sees it waiting on the source's page; others do not.
    source_url = world["source"].get_absolute_url()
    confirm_url = reverse("innovations:proposal_confirm", kwargs={"proposal_pk": proposal.pk})
    for who in ("editor_b", "editor_c", "registered"):
        client.force_login(world[who])
        assert confirm_url not in client.get(source_url).content.decode()
    client.logout()
    assert confirm_url not in client.get(source_url).content.decode()
    client.force_login(world["editor_a"])
    page = client.get(source_url).content.decode()
    assert confirm_url in page
    assert "Kiitos!" in page
    assert client.post(confirm_url).status_code == 302
    assert Adoption.objects.filter(source=world["source"], result=world["result"], mode="copied").exists()


@pytest.mark.parametrize("who", [None, "registered", "editor_c", "editor_b", "member_a"])
def test_pages_refuse_everyone_but_the_sources_editors(world: dict[str, Any], client: Client, who: str | None) -> None:
    proposal = propose(world)
    if who:
        client.force_login(world[who])
    for action in ("proposal_confirm", "proposal_decline"):
        response = client.post(reverse(f"innovations:{action}", kwargs={"proposal_pk": proposal.pk}))
        # Anonymous: to the sign-in page; outsiders: 404 (they do not learn it exists); the proposer: refused.
        assert response.status_code in (302, 403, 404)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING
    assert not Adoption.objects.exists()


def test_propose_page_is_for_the_records_editors_only(world: dict[str, Any], client: Client) -> None:
    url = reverse("innovations:propose_source", kwargs={"pk": world["result"].pk})
    assert client.get(url).status_code == 302  # to sign in
    for who, status in (("registered", 403), ("editor_a", 403), ("editor_c", 403), ("editor_b", 200)):
        client.force_login(world[who])
        assert client.get(url).status_code == status, who
    client.force_login(world["editor_b"])
    response = client.post(url, {"source": "not a number", "mode": "copied"})
    assert response.status_code == 200
    assert not LineageProposal.objects.exists()


# --- API --------------------------------------------------------------------------------------------------------


def api(client: Client, user: Any) -> Client:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_api_flow_and_permissions(world: dict[str, Any], client: Client) -> None:
    url = f"{API}/innovations/{world['result'].pk}/source-proposals"
    body = {"source": world["source"].pk, "mode": "adapted", "message": "Sovellettu"}
    assert api(client, None).post(url, body, content_type="application/json").status_code == 401
    for who in ("registered", "editor_a", "editor_c"):
        assert api(client, world[who]).post(url, body, content_type="application/json").status_code == 403, who
    response = api(client, world["editor_b"]).post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    proposal_id = response.json()["id"]
    assert response.json()["state"] == "pending"

    # Who sees the proposal: the two organisations' editors and platform administrators.
    for who, count in (("editor_a", 1), ("editor_b", 1), ("editor_c", 0), ("registered", 0), ("platform_admin", 1)):
        response = api(client, world[who]).get(f"{API}/adoptions/proposals")
        assert response.status_code == 200, response.content
        assert response.json()["count"] == count, (who, response.content)
    assert api(client, world["editor_a"]).get(f"{API}/adoptions/proposals?to_answer=true").json()["count"] == 1
    assert api(client, world["editor_b"]).get(f"{API}/adoptions/proposals?to_answer=true").json()["count"] == 0
    assert api(client, None).get(f"{API}/adoptions/proposals").status_code == 401

    confirm = f"{API}/adoptions/proposals/{proposal_id}/confirm"
    assert api(client, world["editor_c"]).post(confirm).status_code == 404
    assert api(client, world["editor_b"]).post(confirm).status_code == 403
    assert api(client, world["editor_b"]).post(f"{API}/adoptions/proposals/{proposal_id}/decline").status_code == 403
    assert not Adoption.objects.exists()
    response = api(client, world["editor_a"]).post(confirm)
    assert response.status_code == 201, response.content
    assert response.json()["result"]["id"] == world["result"].pk
    assert api(client, world["editor_a"]).post(confirm).status_code == 422
    detail = api(client, None).get(f"{API}/innovations/{world['result'].pk}").json()
    assert detail["adopted_from"]["innovation"] == world["source"].pk
    assert detail["novelty"] == "adapted"


def test_api_refuses_an_invisible_source(world: dict[str, Any], client: Client, draft_a: Innovation) -> None:
    url = f"{API}/innovations/{world['result'].pk}/source-proposals"
    response = api(client, world["editor_b"]).post(
        url, {"source": draft_a.pk, "mode": "copied"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "Luonnos" not in response.content.decode()
    assert not LineageProposal.objects.exists()


def test_existing_adoption_factory_edges_are_respected(world: dict[str, Any]) -> None:
    AdoptionFactory(source=world["source"], adopter=world["result"].owner, mode="adapted")
    with pytest.raises(ValidationError):
        propose(world)  # org_b already has a record adopted from the source
